import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { type DashboardKey, td } from '../../../lib/i18n/dashboard';
import { BRIEF_STATUSES, PRIORITIES } from '../../../lib/protocol';
import { navigate } from '../state';
import { useModel } from '../use-model';
import { priorityLabel, statusLabel } from '../words';
import { createBriefEditorModel, type FieldName, fieldOf } from './brief-editor-model';

/** Each field's label, for the list of what needs attention (the protocol's paths are not words). */
const LABELS: Record<FieldName, DashboardKey> = {
  name: 'briefName',
  status: 'briefStatus',
  channel: 'briefChannel',
  priority: 'briefPriority',
  owner: 'briefOwner',
  regions: 'briefRegions',
  startsOn: 'briefStartsOn',
  endsOn: 'briefEndsOn',
  objective: 'briefObjective',
  audience: 'briefAudience',
  notFor: 'briefNotFor',
  keyMessage: 'briefKeyMessage',
  offer: 'briefOffer',
  talkingPoints: 'briefTalkingPoints',
  questionsForSales: 'briefQuestions',
  currency: 'briefCurrency',
  budget: 'briefBudget',
  spendToDate: 'briefSpendToDate',
  avgDealValue: 'briefAvgDealValue',
  grossMarginPct: 'briefGrossMargin',
  breakEvenDeals: 'briefBreakEvenDeals',
  campaignIds: 'briefCampaignIds',
  utmCampaigns: 'briefUtmCampaigns',
  leadSources: 'briefLeadSources',
  keywords: 'briefKeywords',
};

/** "economics.budget" → "Budget", "talkingPoints.2" → "Talking points (line 3)". */
function labelOf(path: string): string {
  const field = fieldOf(path) as FieldName;
  const label = field in LABELS ? td(LABELS[field]) : path;
  const line = /\.(\d+)(\.|$)/.exec(path)?.[1];
  return line === undefined ? label : td('briefLine', label, Number(line) + 1);
}

/** A campaign address that names none the workspace has (deleted, mistyped, cut off). */
export function CampaignMissing() {
  return (
    <main class="page">
      <h1>{td('briefMissingTitle')}</h1>
      <p role="alert">{td('briefMissing')}</p>
      <button type="button" class="button button--secondary" onClick={() => navigate('/')}>
        {td('briefBackToCampaigns')}
      </button>
    </main>
  );
}

export function BriefEditor(props: { id: string | null }) {
  const model = useModel(
    () => createBriefEditorModel(props.id),
    (m) => m.load(),
  );
  const { form, issues, message } = model;
  // A save that needs attention takes the keyboard (and a screen reader) to the list of what and where,
  // at the top of the form, instead of leaving it on Save at the bottom.
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message.value) summary.current?.focus();
  }, [message.value, issues.value]);
  const f = form.value;
  if (model.missing.value) return <CampaignMissing />;
  const set = (name: FieldName) => (event: Event) =>
    model.set(name, (event.currentTarget as HTMLInputElement).value);

  // Each field's label is LABELS', as the list of what needs attention names it.
  const field = (name: FieldName, input: JSX.Element, hint?: string) => {
    const error = model.errorFor(name);
    return (
      <div class={error ? 'field field--error' : 'field'}>
        <label for={`f-${name}`}>{td(LABELS[name])}</label>
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
  const control = (multiline: boolean) => (name: FieldName, hint?: string) => {
    const error = model.errorFor(name);
    const shared = {
      id: `f-${name}`,
      value: f[name],
      onInput: set(name),
      'aria-invalid': Boolean(error),
      // The channels campaigns already use, offered as it is typed: "Trade show" and "Trade Show" split
      // every chart by channel in two.
      list: name === 'channel' ? 'channel-choices' : undefined,
      'aria-describedby': error ? `e-${name}` : hint ? `h-${name}` : undefined,
    };
    return field(name, multiline ? <textarea rows={3} {...shared} /> : <input {...shared} />, hint);
  };
  const text = control(false);
  const area = control(true);
  const select = <T extends string>(name: FieldName, options: readonly T[], word: (option: T) => string) =>
    field(
      name,
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
          <div role="alert" id="form-message" class="error" tabIndex={-1} ref={summary}>
            <p>{message.value}</p>
            {issues.value.length > 0 && (
              <ul>
                {issues.value.map((issue) => (
                  <li key={issue.path}>
                    <a href={`#f-${fieldOf(issue.path)}`}>
                      {issue.path ? labelOf(issue.path) : td('briefWhole')}
                    </a>
                    : {issue.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <fieldset>
          <legend>{td('briefLegendCampaign')}</legend>
          {text('name')}
          {select('status', BRIEF_STATUSES, statusLabel)}
          {text('channel', td('briefChannelHint'))}
          <datalist id="channel-choices">
            {model.channels.value.map((channel) => (
              <option key={channel} value={channel} />
            ))}
          </datalist>
          {select('priority', PRIORITIES, priorityLabel)}
          {text('owner')}
          {area('regions', model.regionsHint.value)}
          {field(
            'startsOn',
            <input id="f-startsOn" type="date" value={f.startsOn} onInput={set('startsOn')} />,
          )}
          {field('endsOn', <input id="f-endsOn" type="date" value={f.endsOn} onInput={set('endsOn')} />)}
        </fieldset>
        <fieldset>
          <legend>{td('briefLegendWhy')}</legend>
          {area('objective')}
          {area('audience')}
          {area('notFor')}
          {area('keyMessage')}
          {area('offer')}
          {area('talkingPoints', td('hintOnePerLine'))}
          {area('questionsForSales', td('briefQuestionsHint'))}
        </fieldset>
        <fieldset>
          <legend>{td('briefLegendEconomics')}</legend>
          {text('currency', td('briefCurrencyHint'))}
          {text('budget')}
          {text('spendToDate')}
          {text('avgDealValue')}
          {text('grossMarginPct')}
          {text('breakEvenDeals', td('briefBreakEvenHint'))}
          <p class="derived" aria-live="polite">
            {model.derived.value}
          </p>
        </fieldset>
        <fieldset>
          <legend>{td('briefLegendMatch')}</legend>
          {area('campaignIds', td('briefCampaignIdsHint'))}
          {area('utmCampaigns', td('hintOnePerLine'))}
          {area('leadSources', td('briefLeadSourcesHint'))}
          {area('keywords', td('hintOnePerLine'))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button" aria-disabled={model.saving.value}>
            {model.saving.value ? td('briefSaving') : td('briefSave')}
          </button>
          <button type="button" class="button button--secondary" onClick={model.cancel}>
            {td('cancel')}
          </button>
        </div>
      </form>
    </main>
  );
}
