import { type Signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { type FeedbackRecord, readFeedbackPage, VERDICTS, type Verdict } from '../../../lib/protocol';
import { api } from '../api';
import { VERDICT_LABELS } from '../charts';
import { FilterForm, type Filters, NO_FILTERS, query } from '../filters';
import { campaigns } from '../state';

interface Cell {
  campaignId: string | null;
  verdict: Verdict;
  leads: number;
}
const UNMATCHED = 'unmatched';

export function Feedback() {
  const filters = useSignal<Filters>(NO_FILTERS);
  const cells = useSignal<Cell[] | null>(null);
  const problem = useSignal<string | null>(null);
  const selected = useSignal<{ campaign: string; verdict: Verdict } | null>(null);

  async function refresh() {
    const answer = await api<{ cells: Cell[] }>('GET', `/api/v1/feedback/matrix${query(filters.value)}`);
    if (answer.ok) {
      cells.value = answer.data.cells;
      problem.value = null;
    } else problem.value = answer.message;
  }
  useEffect(() => {
    void refresh();
  }, [filters.value]);

  const columns = [
    ...campaigns.value
      .filter((b) => b.status !== 'draft' || cells.value?.some((c) => c.campaignId === b.id))
      .filter((b) => !filters.value.channel || b.channel === filters.value.channel)
      .map((b) => ({ key: b.id, name: b.name })),
    { key: UNMATCHED, name: 'Unmatched' },
  ];
  const count = (campaign: string, verdict: Verdict) =>
    cells.value?.find((c) => (c.campaignId ?? UNMATCHED) === campaign && c.verdict === verdict)?.leads ?? 0;

  return (
    <main class="page">
      <div class="page__head">
        <h1>Feedback</h1>
        <a
          class="button button--secondary"
          href={`/api/v1/feedback${query(filters.value, { format: 'csv' })}`}
          download
        >
          Export CSV
        </a>
      </div>
      <FilterForm
        filters={filters}
        onChange={() => {
          selected.value = null;
        }}
      />
      {problem.value && (
        <p role="alert" class="error">
          {problem.value}
        </p>
      )}
      {cells.value === null ? (
        <p role="status">Loading feedback…</p>
      ) : (
        <div class="scroll">
          <table class="table matrix">
            <caption>
              Leads by their latest verdict: campaign × verdict. Choose a number to see those leads.
            </caption>
            <thead>
              <tr>
                <th scope="col">Verdict</th>
                {columns.map((column) => (
                  <th scope="col" key={column.key}>
                    {column.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {VERDICTS.map((verdict) => (
                <tr key={verdict}>
                  <th scope="row">
                    <span class={`dot verdict--${verdict}`} aria-hidden="true" /> {VERDICT_LABELS[verdict]}
                  </th>
                  {columns.map((column) => {
                    const leads = count(column.key, verdict);
                    return (
                      <td key={column.key}>
                        {leads === 0 ? (
                          <span class="muted">0</span>
                        ) : (
                          <button
                            type="button"
                            class="cell"
                            aria-pressed={
                              selected.value?.campaign === column.key && selected.value.verdict === verdict
                            }
                            aria-label={`${leads} ${VERDICT_LABELS[verdict]} on ${column.name}`}
                            onClick={() => {
                              selected.value = { campaign: column.key, verdict };
                            }}
                          >
                            {leads}
                          </button>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected.value && (
        <Items
          key={`${selected.value.campaign}:${selected.value.verdict}:${query(filters.value)}`}
          title={`${VERDICT_LABELS[selected.value.verdict]} on ${columns.find((c) => c.key === selected.value?.campaign)?.name ?? ''}`}
          path={`/api/v1/feedback${query(filters.value, { campaign: selected.value.campaign, verdict: selected.value.verdict })}`}
        />
      )}
    </main>
  );
}

function Items(props: { title: string; path: string }) {
  const items = useSignal<FeedbackRecord[] | null>(null);
  const problem = useSignal<string | null>(null);
  const load = async () => {
    const answer = await api('GET', props.path);
    const read = answer.ok ? readFeedbackPage(answer.data) : null;
    if (read?.ok) items.value = read.items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    else
      problem.value = answer.ok ? 'The workspace sent feedback this dashboard cannot read.' : answer.message;
  };
  useEffect(() => {
    void load();
  }, [props.path]);
  return (
    <section class="items" aria-labelledby="items-title">
      <h2 id="items-title">{props.title}</h2>
      {problem.value && (
        <p role="alert" class="error">
          {problem.value}
        </p>
      )}
      {items.value === null ? (
        <p role="status">Loading…</p>
      ) : (
        <ul>
          {items.value.map((item) => (
            <Item key={item.id} item={item} reload={load} />
          ))}
        </ul>
      )}
    </section>
  );
}

const SIGNAL_LABELS: Record<string, string> = {
  leadSource: 'Lead source',
  sourceDetail: 'Source detail',
  campaignName: 'CRM campaign',
  campaignId: 'CRM campaign id',
  utmSource: 'utm_source',
  utmMedium: 'utm_medium',
  utmCampaign: 'utm_campaign',
  region: 'Region on the record',
};

function Item(props: { item: FeedbackRecord; reload: () => Promise<void> }) {
  const { item } = props;
  const reply: Signal<string> = useSignal('');
  const problem = useSignal<string | null>(null);
  const sending = useSignal(false);
  async function send(event: Event) {
    event.preventDefault();
    sending.value = true;
    const answer = await api('POST', `/api/v1/feedback/${item.id}/replies`, { text: reply.value });
    sending.value = false;
    if (!answer.ok) {
      problem.value = answer.message; // the typed reply stays in the box
      return;
    }
    reply.value = '';
    problem.value = null;
    await props.reload();
  }
  return (
    <li class="item">
      <p class="item__head">
        <strong>{item.rep.name}</strong> · {new Date(item.createdAt).toLocaleString()} ·{' '}
        {item.region ?? 'no region'} ·{' '}
        {item.lead.url ? (
          <a href={item.lead.url} target="_blank" rel="noreferrer noopener">
            {item.lead.crm} {item.lead.objectType} {item.lead.recordId}
          </a>
        ) : (
          `${item.lead.crm} ${item.lead.objectType} ${item.lead.recordId}`
        )}
      </p>
      {item.note && <blockquote>{item.note}</blockquote>}
      <dl class="signals">
        {Object.entries(item.signals).map(([key, value]) => (
          <div key={key}>
            <dt>{SIGNAL_LABELS[key] ?? key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {item.replies.length > 0 && (
        <ul class="replies" aria-label="Replies">
          {item.replies.map((r) => (
            <li key={r.id}>
              <strong>{r.author.name}</strong>: {r.text}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={send} class="reply">
        <label for={`reply-${item.id}`}>Reply to {item.rep.name}</label>
        <textarea
          id={`reply-${item.id}`}
          rows={2}
          value={reply.value}
          onInput={(e) => {
            reply.value = (e.currentTarget as HTMLTextAreaElement).value;
          }}
        />
        {problem.value && (
          <p role="alert" class="error">
            {problem.value}
          </p>
        )}
        <button type="submit" class="button" disabled={sending.value || reply.value.trim() === ''}>
          {sending.value ? 'Sending…' : 'Send reply'}
        </button>
      </form>
    </li>
  );
}
