import { type Signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Member } from '../../lib/protocol';
import { api } from './api';
import { campaigns, loadCampaigns, me } from './state';

/** The dashboard's filters: the feedback matrix and Insights take the same ones. */
export interface Filters {
  from: string;
  to: string;
  region: string;
  channel: string;
  rep: string;
}
export const NO_FILTERS: Filters = { from: '', to: '', region: '', channel: '', rep: '' };

/** The filters (and any extra parameters) as a query string, empty ones left out. */
export function query(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Period, region, channel and rep; `onChange` runs before the new filters are set. */
export function FilterForm(props: { filters: Signal<Filters>; onChange?: () => void }) {
  const { filters } = props;
  const reps = useSignal<Member[]>([]);
  useEffect(() => {
    void loadCampaigns();
    void api<{ members: Member[] }>('GET', '/api/v1/members').then((answer) => {
      if (answer.ok) reps.value = answer.data.members.filter((m) => m.role === 'rep');
    });
  }, []);
  const set = (key: keyof Filters) => (event: Event) => {
    props.onChange?.();
    filters.value = { ...filters.value, [key]: (event.currentTarget as HTMLInputElement).value };
  };
  const channels = [...new Set(campaigns.value.map((b) => b.channel))].sort();
  return (
    <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        From <input type="date" value={filters.value.from} onInput={set('from')} />
      </label>
      <label>
        To <input type="date" value={filters.value.to} onInput={set('to')} />
      </label>
      <label>
        Region
        <select value={filters.value.region} onChange={set('region')}>
          <option value="">All regions</option>
          {(me.value?.workspace.regions ?? []).map((region) => (
            <option key={region}>{region}</option>
          ))}
        </select>
      </label>
      <label>
        Channel
        <select value={filters.value.channel} onChange={set('channel')}>
          <option value="">All channels</option>
          {channels.map((channel) => (
            <option key={channel}>{channel}</option>
          ))}
        </select>
      </label>
      <label>
        Rep
        <select value={filters.value.rep} onChange={set('rep')}>
          <option value="">All reps</option>
          {reps.value.map((rep) => (
            <option key={rep.id} value={rep.id}>
              {rep.name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
