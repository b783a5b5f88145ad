import { useEffect } from 'preact/hooks';
import { objectTypeLabel, signalLabel, verdictLabel } from '../../../lib/i18n';
import { td } from '../../../lib/i18n/dashboard';
import { type FeedbackRecord, type Signals, VERDICTS } from '../../../lib/protocol';
import { CsvLink } from '../csv-link';
import { FilterForm } from '../filters';
import type { Filters } from '../filters-model';
import { Problem } from '../problem';
import { useModel, useRefresh } from '../use-model';
import { crmName, dateTimeText } from '../words';
import {
  createAnswersModel,
  createFeedbackModel,
  createItemsModel,
  createReplyModel,
  MAX_ITEMS_LISTED,
} from './feedback-model';

export function Feedback() {
  const model = useModel(() => createFeedbackModel());
  useRefresh(model.filters.value, model.refresh);
  // The address says which filters and cell are shown: a shared link or Back shows the same.
  useEffect(() => model.followAddress(), [model]);
  const { cells, columns, selected, drill } = model;
  return (
    <main class="page">
      <div class="page__head">
        <h1>{td('feedbackTitle')}</h1>
        <CsvLink href={model.csvHref.value} label={td('exportCsv')} fallbackName="sameroom-feedback.csv" />
      </div>
      <FilterForm filters={model.filters} onChange={model.clearSelection} />
      <Problem message={model.problem.value} />
      {cells.value === null ? (
        model.problem.value ? null : (
          <p role="status">{td('feedbackLoading')}</p>
        )
      ) : (
        <div class="scroll">
          <table class="table matrix">
            <caption>{td('feedbackCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{td('feedbackColVerdict')}</th>
                {columns.value.map((column) => (
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
                    <span class={`dot verdict--${verdict}`} aria-hidden="true" /> {verdictLabel(verdict)}
                  </th>
                  {columns.value.map((column) => {
                    const leads = model.count(column.key, verdict);
                    return (
                      <td key={column.key}>
                        {leads === 0 ? (
                          <span class="muted">0</span>
                        ) : (
                          <button
                            type="button"
                            class="cell"
                            // The cell whose leads are listed below: one of the set, not a toggle.
                            aria-current={
                              selected.value?.campaign === column.key && selected.value.verdict === verdict
                                ? 'true'
                                : undefined
                            }
                            aria-label={model.cellLabel(leads, verdict, column)}
                            onClick={() => model.select(column.key, verdict)}
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
      {drill.value && <Items key={drill.value.key} title={drill.value.title} path={drill.value.path} />}
      <Answers filters={model.filters} />
    </main>
  );
}

/** The reps' answers to the campaigns' questions, per campaign and question, under the page's filters. */
function Answers(props: { filters: { readonly value: Filters } }) {
  const model = useModel(() => createAnswersModel(props.filters));
  useRefresh(`${JSON.stringify(props.filters.value)}:${model.campaign.value}`, model.refresh);
  const groups = model.groups.value;
  return (
    <section class="answers" aria-labelledby="answers-title">
      <h2 id="answers-title">{td('answersTitle')}</h2>
      <p class="muted">{td('answersIntro')}</p>
      <label>
        <span>{td('answersCampaign')}</span>
        <select
          value={model.campaign.value}
          onChange={(event) => {
            model.campaign.value = event.currentTarget.value;
          }}
        >
          <option value="">{td('answersAllCampaigns')}</option>
          {model.choices.value.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.name}
            </option>
          ))}
        </select>
      </label>
      <Problem message={model.problem.value} />
      {model.report.value === null ? (
        model.problem.value ? null : (
          <p role="status">{td('loading')}</p>
        )
      ) : groups.length === 0 ? (
        <p class="muted">{td('answersNone')}</p>
      ) : (
        groups.map((group) => (
          <section
            key={group.key}
            class="answers__question"
            aria-label={`${group.campaign}: ${group.question}`}
          >
            <h3>
              <span class="muted">{group.campaign}</span> · {group.question}
              {group.dropped && <span class="muted"> ({group.dropped})</span>}
            </h3>
            <ul>
              {group.answers.map((line) => (
                <li key={line.key} class={line.useful ? 'answers__useful' : undefined}>
                  <button
                    type="button"
                    class="answers__toggle"
                    aria-pressed={line.useful}
                    aria-label={line.usefulLabel}
                    title={td('answersUsefulHint')}
                    aria-disabled={model.toggling.value.has(line.key)}
                    onClick={() => void model.toggleUseful(line)}
                  >
                    {td('answersUseful')}
                  </button>{' '}
                  <span class={`dot verdict--${line.verdict}`} aria-hidden="true" />{' '}
                  <strong>{line.verdictText}</strong> · {line.answer}{' '}
                  <span class="muted">
                    ({line.detail}
                    {line.url && (
                      <>
                        {' · '}
                        <a href={line.url} target="_blank" rel="noreferrer noopener">
                          {td('answersRecord')}
                        </a>
                      </>
                    )}
                    )
                  </span>
                </li>
              ))}
            </ul>
            {group.more && <p class="muted">{group.more}</p>}
          </section>
        ))
      )}
    </section>
  );
}

function Items(props: { title: string; path: string }) {
  const model = useModel(
    () => createItemsModel(props.path),
    (m) => m.load(),
  );
  return (
    <section class="items" aria-labelledby="items-title">
      <div class="page__head">
        <h2 id="items-title">{props.title}</h2>
        {/* The count's leads, each by its latest verdict, as listed: the export above holds every verdict. */}
        <CsvLink
          href={`${props.path}&format=csv`}
          label={td('exportCellCsv')}
          fallbackName="sameroom-leads.csv"
        />
      </div>
      <Problem message={model.problem.value} />
      {model.cut.value && <p class="muted">{td('feedbackListCut', MAX_ITEMS_LISTED)}</p>}
      {model.items.value === null ? (
        model.problem.value ? null : (
          <p role="status">{td('loading')}</p>
        )
      ) : (
        <ul>
          {model.items.value.map((item) => (
            <Item key={item.id} item={item} reload={model.load} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Item(props: { item: FeedbackRecord; reload: () => Promise<void> }) {
  const { item } = props;
  const reply = useModel(() => createReplyModel(item.id, props.reload));
  // A custom site by its host: two custom CRMs' records with one id are two leads.
  const record = `${item.lead.site ?? crmName(item.lead.crm)} ${objectTypeLabel(item.lead.objectType)} ${item.lead.recordId}`;
  return (
    <li class="item">
      <p class="item__head">
        <strong>{item.rep.name}</strong> · {dateTimeText(item.createdAt)} · {item.region ?? td('noRegion')} ·{' '}
        {item.lead.url ? (
          <a href={item.lead.url} target="_blank" rel="noreferrer noopener">
            {record}
          </a>
        ) : (
          record
        )}
      </p>
      {item.note && <blockquote dir="auto">{item.note}</blockquote>}
      <dl class="signals">
        {(Object.entries(item.signals) as Array<[keyof Signals, string]>).map(([key, value]) => (
          <div key={key}>
            <dt>{signalLabel(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {item.replies.length > 0 && (
        <ul class="replies" aria-label={td('feedbackReplies')}>
          {item.replies.map((r) => (
            <li key={r.id}>
              <strong>
                <bdi>{r.author.name}</bdi>
              </strong>
              : <bdi>{r.text}</bdi>
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void reply.send();
        }}
        class="reply"
      >
        <label for={`reply-${item.id}`}>{td('feedbackReplyTo', item.rep.name)}</label>
        <textarea
          id={`reply-${item.id}`}
          rows={2}
          value={reply.text.value}
          onInput={(e) => {
            reply.text.value = (e.currentTarget as HTMLTextAreaElement).value;
          }}
        />
        <Problem message={reply.problem.value} />
        <button type="submit" class="button" aria-disabled={!reply.canSend.value}>
          {reply.sending.value ? td('feedbackSending') : td('feedbackSend')}
        </button>
        <p role="status" class="muted">
          {reply.replied.value ? td('feedbackReplySent', item.rep.name) : ''}
        </p>
      </form>
    </li>
  );
}
