import type { JSX } from 'preact';
import { type DashboardKey, td } from '../../../lib/i18n/dashboard';
import { BRIEF_STATUSES, PRIORITIES } from '../../../lib/protocol';
import { navigate } from '../state';
import { useModel } from '../use-model';
import { priorityLabel, statusLabel } from '../words';
import { createBriefEditorModel, type FieldName, fieldOf } from './brief-editor-model';

export function BriefEditor(props: { id: string | null }) {
  const model = useModel(
    () => createBriefEditorModel(props.id),
    (m) => m.load(),
  );
  const { form, issues, message } = model;
  const f = form.value;
  const set = (name: FieldName) => (event: Event) =>
    model.set(name, (event.currentTarget as HTMLInputElement).value);

  const field = (name: FieldName, label: DashboardKey, input: JSX.Element, hint?: string) => {
    const error = model.errorFor(name);
    return (
      <div class={error ? 'field field--error' : 'field'}>
        <label for={`f-${name}`}>{td(label)}</label>
        {input}
        {hint && <small id={`h-${name}`}>{hint}</small>}
        {error && (
          <small class="error" id={`e-${name}`}>
            {error.message}
          </small>
        )}
      </div>
    );
  };
  /** A one-line input or a paragraph, wired to its error or hint for screen readers. */
  const control = (multiline: boolean) => (name: FieldName, label: DashboardKey, hint?: string) => {
    const error = model.errorFor(name);
    const shared = {
      id: `f-${name}`,
      value: f[name],
      onInput: set(name),
      'aria-invalid': Boolean(error),
      'aria-describedby': error ? `e-${name}` : hint ? `h-${name}` : undefined,
    };
    return field(name, label, multiline ? <textarea rows={3} {...shared} /> : <input {...shared} />, hint);
  };
  const text = control(false);
  const area = control(true);
  const select = <T extends string>(
    name: FieldName,
    label: DashboardKey,
    options: readonly T[],
    word: (option: T) => string,
  ) =>
    field(
      name,
      label,
      <select id={`f-${name}`} value={f[name]} onChange={set(name)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {word(option)}
          </option>
        ))}
      </select>,
    );

  return (
    <main class="page">
      <h1>{model.title.value}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void model.save();
        }}
        noValidate
        aria-describedby={message.value ? 'form-message' : undefined}
      >
        {message.value && (
          <div role="alert" id="form-message" class="error">
            <p>{message.value}</p>
            {issues.value.length > 0 && (
              <ul>
                {issues.value.map((issue) => (
                  <li key={issue.path}>
                    <a href={`#f-${fieldOf(issue.path)}`}>{issue.path || td('briefWhole')}</a>:{' '}
                    {issue.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <fieldset>
          <legend>{td('briefLegendCampaign')}</legend>
          {text('name', 'briefName')}
          {select('status', 'briefStatus', BRIEF_STATUSES, statusLabel)}
          {text('channel', 'briefChannel', td('briefChannelHint'))}
          {select('priority', 'briefPriority', PRIORITIES, priorityLabel)}
          {text('owner', 'briefOwner')}
          {area('regions', 'briefRegions', model.regionsHint.value)}
          {field(
            'startsOn',
            'briefStartsOn',
            <input id="f-startsOn" type="date" value={f.startsOn} onInput={set('startsOn')} />,
          )}
          {field(
            'endsOn',
            'briefEndsOn',
            <input id="f-endsOn" type="date" value={f.endsOn} onInput={set('endsOn')} />,
          )}
        </fieldset>
        <fieldset>
          <legend>{td('briefLegendWhy')}</legend>
          {area('objective', 'briefObjective')}
          {area('audience', 'briefAudience')}
          {area('notFor', 'briefNotFor')}
          {area('keyMessage', 'briefKeyMessage')}
          {area('offer', 'briefOffer')}
          {area('talkingPoints', 'briefTalkingPoints', td('hintOnePerLine'))}
          {area('questionsForSales', 'briefQuestions', td('briefQuestionsHint'))}
        </fieldset>
        <fieldset>
          <legend>{td('briefLegendEconomics')}</legend>
          {text('currency', 'briefCurrency', td('briefCurrencyHint'))}
          {text('budget', 'briefBudget')}
          {text('spendToDate', 'briefSpendToDate')}
          {text('avgDealValue', 'briefAvgDealValue')}
          {text('grossMarginPct', 'briefGrossMargin')}
          {text('breakEvenDeals', 'briefBreakEvenDeals', td('briefBreakEvenHint'))}
          <p class="derived" aria-live="polite">
            {model.derived.value}
          </p>
        </fieldset>
        <fieldset>
          <legend>{td('briefLegendMatch')}</legend>
          {area('campaignIds', 'briefCampaignIds', td('briefCampaignIdsHint'))}
          {area('utmCampaigns', 'briefUtmCampaigns', td('hintOnePerLine'))}
          {area('leadSources', 'briefLeadSources', td('briefLeadSourcesHint'))}
          {area('keywords', 'briefKeywords', td('hintOnePerLine'))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button" aria-disabled={model.saving.value}>
            {model.saving.value ? td('briefSaving') : td('briefSave')}
          </button>
          <button type="button" class="button button--secondary" onClick={() => navigate('/')}>
            {td('cancel')}
          </button>
        </div>
      </form>
    </main>
  );
}
