import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import {
  BRIEF_STATUSES,
  type Brief,
  type BriefInput,
  deriveBreakEvenDeals,
  PRIORITIES,
  requests,
} from '../../../lib/protocol';
import { api, type Issue } from '../api';
import { campaigns, loadCampaigns, me, navigate } from '../state';

/** The form's fields, all as typed text: nothing the marketer typed is lost when validation fails. */
const FIELDS = [
  'name',
  'status',
  'channel',
  'priority',
  'owner',
  'regions',
  'startsOn',
  'endsOn',
  'objective',
  'audience',
  'notFor',
  'keyMessage',
  'offer',
  'talkingPoints',
  'questionsForSales',
  'currency',
  'budget',
  'spendToDate',
  'avgDealValue',
  'grossMarginPct',
  'breakEvenDeals',
  'campaignIds',
  'utmCampaigns',
  'leadSources',
  'keywords',
] as const;
type FieldName = (typeof FIELDS)[number];
type Form = Record<FieldName, string>;

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.replace(/[\s,]/g, '')));

function toForm(brief?: Brief): Form {
  return {
    name: brief?.name ?? '',
    status: brief?.status ?? 'draft',
    channel: brief?.channel ?? '',
    priority: brief?.priority ?? 'normal',
    owner: brief?.owner ?? me.value?.member.name ?? '',
    regions: (brief?.regions ?? []).join('\n'),
    startsOn: brief?.startsOn ?? '',
    endsOn: brief?.endsOn ?? '',
    objective: brief?.objective ?? '',
    audience: brief?.audience ?? '',
    notFor: brief?.notFor ?? '',
    keyMessage: brief?.keyMessage ?? '',
    offer: brief?.offer ?? '',
    talkingPoints: (brief?.talkingPoints ?? []).join('\n'),
    questionsForSales: (brief?.questionsForSales ?? []).join('\n'),
    currency: brief?.economics.currency ?? 'EUR',
    budget: String(brief?.economics.budget ?? ''),
    spendToDate: String(brief?.economics.spendToDate ?? 0),
    avgDealValue: String(brief?.economics.avgDealValue ?? ''),
    grossMarginPct: String(brief?.economics.grossMarginPct ?? ''),
    breakEvenDeals:
      brief && !brief.economics.breakEvenDerived ? String(brief.economics.breakEvenDeals ?? '') : '',
    campaignIds: (brief?.match.campaignIds ?? []).join('\n'),
    utmCampaigns: (brief?.match.utmCampaigns ?? []).join('\n'),
    leadSources: (brief?.match.leadSources ?? [])
      .map((s) => (s.detail ? `${s.value} | ${s.detail}` : s.value))
      .join('\n'),
    keywords: (brief?.match.keywords ?? []).join('\n'),
  };
}

function fromForm(form: Form): unknown {
  return {
    name: form.name,
    status: form.status,
    channel: form.channel,
    priority: form.priority,
    owner: form.owner,
    regions: lines(form.regions),
    startsOn: form.startsOn || null,
    endsOn: form.endsOn || null,
    objective: form.objective,
    audience: form.audience,
    notFor: form.notFor,
    keyMessage: form.keyMessage,
    offer: form.offer,
    talkingPoints: lines(form.talkingPoints),
    questionsForSales: lines(form.questionsForSales),
    economics: {
      currency: form.currency.trim().toUpperCase(),
      budget: number(form.budget),
      spendToDate: number(form.spendToDate),
      avgDealValue: number(form.avgDealValue),
      grossMarginPct: number(form.grossMarginPct),
      breakEvenDeals: form.breakEvenDeals.trim() === '' ? null : number(form.breakEvenDeals),
    },
    match: {
      campaignIds: lines(form.campaignIds),
      utmCampaigns: lines(form.utmCampaigns),
      leadSources: lines(form.leadSources).map((line) => {
        const [value = '', detail] = line.split('|').map((part) => part.trim());
        return detail ? { value, detail } : { value };
      }),
      keywords: lines(form.keywords),
    },
  };
}

/** The form field an issue is about: "economics.budget" → budget, "match.leadSources.2.detail" → leadSources. */
function fieldOf(path: string): string {
  const names = path
    .split('.')
    .filter((part) => !/^\d+$/.test(part) && part !== 'value' && part !== 'detail');
  return names.at(-1) ?? 'name';
}

const money = (value: number, currency: string) =>
  Number.isFinite(value) ? `${value.toLocaleString('en')} ${currency}` : '…';

export function BriefEditor(props: { id: string | null }) {
  const existing = props.id ? campaigns.value.find((b) => b.id === props.id) : undefined;
  const form = useSignal<Form>(toForm(existing));
  const issues = useSignal<Issue[]>([]);
  const message = useSignal<string | null>(null);
  const saving = useSignal(false);

  useEffect(() => {
    if (props.id && !existing)
      void loadCampaigns().then(() => {
        const found = campaigns.value.find((b) => b.id === props.id);
        if (found) form.value = toForm(found);
        else message.value = 'This campaign does not exist (any more).';
      });
  }, [props.id]);

  const set = (field: FieldName) => (event: Event) => {
    form.value = { ...form.value, [field]: (event.currentTarget as HTMLInputElement).value };
  };
  const errorFor = (field: FieldName) => issues.value.find((issue) => fieldOf(issue.path) === field);
  const field = (name: FieldName, label: string, input: preact.JSX.Element, hint?: string) => {
    const error = errorFor(name);
    return (
      <div class={error ? 'field field--error' : 'field'}>
        <label for={`f-${name}`}>{label}</label>
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
  const control = (multiline: boolean) => (name: FieldName, label: string, hint?: string) => {
    const shared = {
      id: `f-${name}`,
      value: form.value[name],
      onInput: set(name),
      'aria-invalid': Boolean(errorFor(name)),
      'aria-describedby': errorFor(name) ? `e-${name}` : hint ? `h-${name}` : undefined,
    };
    return field(name, label, multiline ? <textarea rows={3} {...shared} /> : <input {...shared} />, hint);
  };
  const text = control(false);
  const area = control(true);
  const select = (name: FieldName, label: string, options: readonly string[]) =>
    field(
      name,
      label,
      <select id={`f-${name}`} value={form.value[name]} onChange={set(name)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>,
    );

  const f = form.value;
  const budget = number(f.budget);
  const deal = number(f.avgDealValue);
  const margin = number(f.grossMarginPct);
  const derived =
    Number.isFinite(budget) && Number.isFinite(deal) && Number.isFinite(margin)
      ? deriveBreakEvenDeals({ budget, avgDealValue: deal, grossMarginPct: margin })
      : null;

  async function save(event: Event) {
    event.preventDefault();
    message.value = null;
    const input = requests.BriefInput.safeParse(fromForm(form.value));
    if (!input.success) {
      issues.value = input.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      }));
      message.value = 'Some fields need attention before this campaign can be saved.';
      return;
    }
    issues.value = [];
    saving.value = true;
    const answer = props.id
      ? await api<Brief>('PATCH', `/api/v1/campaigns/${props.id}`, input.data satisfies BriefInput)
      : await api<Brief>('POST', '/api/v1/campaigns', input.data);
    saving.value = false;
    if (!answer.ok) {
      issues.value = answer.issues;
      message.value = answer.message;
      return;
    }
    await loadCampaigns();
    navigate('/');
  }

  return (
    <main class="page">
      <h1>{props.id ? `Edit “${existing?.name ?? '…'}”` : 'New campaign'}</h1>
      <form onSubmit={save} noValidate aria-describedby={message.value ? 'form-message' : undefined}>
        {message.value && (
          <div role="alert" id="form-message" class="error">
            <p>{message.value}</p>
            {issues.value.length > 0 && (
              <ul>
                {issues.value.map((issue) => (
                  <li key={issue.path}>
                    <a href={`#f-${fieldOf(issue.path)}`}>{issue.path || 'campaign'}</a>: {issue.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <fieldset>
          <legend>The campaign</legend>
          {text('name', 'Name')}
          {select('status', 'Status', BRIEF_STATUSES)}
          {text('channel', 'Channel', 'Radio, Paid search, Trade show, Direct mail, …')}
          {select('priority', 'Priority', PRIORITIES)}
          {text('owner', 'Owner')}
          {area(
            'regions',
            'Regions',
            `One per line. This workspace's regions: ${me.value?.workspace.regions.join(', ') || 'none yet'}`,
          )}
          {field(
            'startsOn',
            'Starts on',
            <input id="f-startsOn" type="date" value={f.startsOn} onInput={set('startsOn')} />,
          )}
          {field(
            'endsOn',
            'Ends on',
            <input id="f-endsOn" type="date" value={f.endsOn} onInput={set('endsOn')} />,
          )}
        </fieldset>
        <fieldset>
          <legend>Why it exists</legend>
          {area('objective', 'Objective')}
          {area('audience', 'Who it is for')}
          {area('notFor', 'Who it is not for')}
          {area('keyMessage', 'Key message')}
          {area('offer', 'Offer')}
          {area('talkingPoints', 'Talking points', 'One per line')}
          {area('questionsForSales', 'What we want to learn from sales', 'One question per line')}
        </fieldset>
        <fieldset>
          <legend>Economics</legend>
          {text('currency', 'Currency', 'Three letters, such as EUR or USD')}
          {text('budget', 'Budget')}
          {text('spendToDate', 'Spent to date')}
          {text('avgDealValue', 'Average deal value')}
          {text('grossMarginPct', 'Gross margin (%)')}
          {text(
            'breakEvenDeals',
            'Sales needed to break even',
            'Leave empty to derive it from the figures above',
          )}
          <p class="derived" aria-live="polite">
            {derived === null
              ? 'Break-even: enter budget, deal value and margin to derive it.'
              : `Derived break-even: ⌈${money(budget, f.currency)} ÷ (${money(deal, f.currency)} × ${margin} %)⌉ = ${derived} sales`}
          </p>
        </fieldset>
        <fieldset>
          <legend>Which leads it matches</legend>
          {area('campaignIds', 'CRM campaign ids', 'One per line, such as a Salesforce campaign id')}
          {area('utmCampaigns', 'utm_campaign values', 'One per line')}
          {area(
            'leadSources',
            'Lead sources',
            'One per line; a detail after a bar: Trade Show | Hannover Messe',
          )}
          {area('keywords', 'Keywords', 'One per line')}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button" disabled={saving.value}>
            {saving.value ? 'Saving…' : 'Save campaign'}
          </button>
          <button type="button" class="button button--secondary" onClick={() => navigate('/')}>
            Cancel
          </button>
        </div>
      </form>
    </main>
  );
}
