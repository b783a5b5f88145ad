import type { Signal } from '@preact/signals';
import { td } from '../../lib/i18n/dashboard';
import { createFiltersModel, type Filters } from './filters-model';
import { Problem } from './problem';
import { useModel } from './use-model';

/** Period, region, channel and rep; `onChange` runs before the new filters are set. */
export function FilterForm(props: { filters: Signal<Filters>; onChange?: () => void }) {
  const model = useModel(
    () => createFiltersModel(props.filters, props.onChange),
    (m) => m.load(),
  );
  const { filters } = model;
  const set = (key: keyof Filters) => (event: Event) =>
    model.set(key, (event.currentTarget as HTMLInputElement).value);
  return (
    <form class="filters" aria-label={td('filtersLabel')} onSubmit={(e) => e.preventDefault()}>
      <label>
        {td('filtersFrom')} <input type="date" value={filters.value.from} onInput={set('from')} />
      </label>
      <label>
        {td('filtersTo')} <input type="date" value={filters.value.to} onInput={set('to')} />
      </label>
      <label>
        {td('filtersRegion')}
        <select value={filters.value.region} onChange={set('region')}>
          <option value="">{td('filtersAllRegions')}</option>
          {model.regions.value.map((region) => (
            <option key={region}>{region}</option>
          ))}
        </select>
      </label>
      <label>
        {td('filtersChannel')}
        <select value={filters.value.channel} onChange={set('channel')}>
          <option value="">{td('filtersAllChannels')}</option>
          {model.channels.value.map((channel) => (
            <option key={channel}>{channel}</option>
          ))}
        </select>
      </label>
      <label>
        {td('filtersRep')}
        <select value={filters.value.rep} onChange={set('rep')}>
          <option value="">{td('filtersAllReps')}</option>
          {model.reps.value.map((rep) => (
            <option key={rep.id} value={rep.id}>
              {rep.removed ? td('repRemoved', rep.name) : rep.name}
            </option>
          ))}
        </select>
      </label>
      <Problem message={model.periodProblem.value} />
      <Problem message={model.problem.value} />
    </form>
  );
}
