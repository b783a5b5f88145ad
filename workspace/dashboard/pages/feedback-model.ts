import { computed, signal } from '@preact/signals';
import { leadKeyOf } from '../../../lib/campaigns/lead-key';
import { verdictLabel } from '../../../lib/i18n';
import { td, tdCount } from '../../../lib/i18n/dashboard';
import {
  type FeedbackRecord,
  LIMITS,
  type QuestionAnswers,
  readFeedbackPage,
  VERDICTS,
  type Verdict,
} from '../../../lib/protocol';
import { id } from '../../../lib/protocol/text';
import { api, apiList, figuresFor, newestOnly } from '../api';
import { type Filters, filtersFromSearch, keepAddress, query } from '../filters-model';
import { ASIDE, keepTyped, readKept, writeKept } from '../kept-text';
import {
  AnswersAnswer,
  MatrixAnswer,
  type MatrixCell,
  NoContent,
  ReplyCreated,
  UsefulMarkAnswer,
} from '../schemas';
import { campaigns } from '../state';
import { dateTimeText } from '../words';

/** The matrix column of leads no campaign claimed. */
export const UNMATCHED = 'unmatched';

export interface Column {
  key: string;
  name: string;
}

type Chosen = { campaign: string; verdict: Verdict };

/**
 * The feedback page's filters and chosen cell from its address (`/feedback?region=DACH&campaign=…&
 * verdict=won`): what a shared link or Back shows. What is not a date, a verdict or a plain value is
 * left out, not passed on to the workspace.
 */
export function feedbackFromSearch(search: string): { filters: Filters; selected: Chosen | null } {
  const params = new URLSearchParams(search);
  const verdict = VERDICTS.find((known) => known === params.get('verdict'));
  // A campaign's id, or the Unmatched column: anything else the workspace would refuse.
  const named = params.get('campaign')?.trim() ?? '';
  const campaign = id.safeParse(named).success || named === UNMATCHED ? named : '';
  return { filters: filtersFromSearch(search), selected: verdict && campaign ? { campaign, verdict } : null };
}

/** The feedback page's address for these filters and chosen cell. */
export function feedbackSearch(filters: Filters, selected: Chosen | null): string {
  return query(filters, selected ? { campaign: selected.campaign, verdict: selected.verdict } : {});
}

/** The feedback matrix: campaign × verdict under the filters, and the cell chosen to drill into. */
export function createFeedbackModel(search = globalThis.location?.search ?? '') {
  const start = feedbackFromSearch(search);
  const filters = signal<Filters>(start.filters);
  /** null until the first answer. */
  const cells = signal<MatrixCell[] | null>(null);
  const problem = signal<string | null>(null);
  const selected = signal<Chosen | null>(start.selected);
  /** The next address change is a step of its own (a clicked count: Back returns to the matrix). */
  let stepNext = false;

  /** Active campaigns (drafts only once they have leads) in the chosen channel, then Unmatched. */
  const columns = computed<Column[]>(() => [
    ...campaigns.value
      .filter((b) => b.status !== 'draft' || cells.value?.some((c) => c.campaignId === b.id))
      .filter((b) => !filters.value.channel || b.channel === filters.value.channel)
      .map((b) => ({ key: b.id, name: b.name })),
    { key: UNMATCHED, name: td('feedbackUnmatched') },
  ]);

  const count = (campaign: string, verdict: Verdict): number =>
    cells.value?.find((c) => (c.campaignId ?? UNMATCHED) === campaign && c.verdict === verdict)?.leads ?? 0;

  const columnName = (key: string) => columns.value.find((c) => c.key === key)?.name ?? '';

  /** What the chosen cell's list is called, and where its items are read from. */
  const drill = computed(() => {
    const chosen = selected.value;
    if (!chosen) return null;
    return {
      key: `${chosen.campaign}:${chosen.verdict}:${query(filters.value)}`,
      // A shared address may name a campaign the matrix does not show: said, not "Won on".
      title: columnName(chosen.campaign)
        ? td('feedbackCellTitle', verdictLabel(chosen.verdict), columnName(chosen.campaign))
        : td('feedbackCellOther', verdictLabel(chosen.verdict)),
      // The leads the cell counts: each by its latest verdict within the filters, as the matrix does.
      path: `/api/v1/feedback${query(filters.value, { campaign: chosen.campaign, verdict: chosen.verdict, latest: '1' })}`,
    };
  });

  const csvHref = computed(() => `/api/v1/feedback${query(filters.value, { format: 'csv' })}`);

  const refresh = figuresFor(
    () => query(filters.value),
    async (asked) => {
      const answer = await api('GET', `/api/v1/feedback/matrix${asked}`, MatrixAnswer);
      return answer.ok ? { ...answer, data: answer.data.cells } : answer;
    },
    cells,
    problem,
  );

  function select(campaign: string, verdict: Verdict): void {
    stepNext = true;
    selected.value = { campaign, verdict };
  }

  /**
   * Keeps the page's address in step with its filters and chosen cell, and them with the address when
   * the rep goes Back or Forward. Returns what stops it (the page unmounted).
   */
  function followAddress(): () => void {
    return keepAddress(
      '/feedback',
      () => feedbackSearch(filters.value, selected.value),
      (search) => {
        const shown = feedbackFromSearch(search);
        filters.value = shown.filters;
        selected.value = shown.selected;
      },
      () => {
        const step = stepNext;
        stepNext = false;
        return step;
      },
    );
  }

  return {
    filters,
    cells,
    problem,
    selected,
    columns,
    count,
    drill,
    csvHref,
    refresh,
    select,
    followAddress,
    /** A filter is about to change: the chosen cell no longer means the same leads. */
    clearSelection: () => {
      selected.value = null;
    },
    cellLabel: (leads: number, verdict: Verdict, column: Column) =>
      td('feedbackCellLabel', leads, verdictLabel(verdict), column.name),
  };
}
export type FeedbackModel = ReturnType<typeof createFeedbackModel>;

/** One answer as the page lists it: what the rep said, beside the lead's latest verdict. */
export interface AnswerLine {
  key: string;
  /** The feedback item and the answer's place in its answers: what marking it useful names. */
  feedbackId: string;
  index: number;
  answer: string;
  /** Marked useful: the campaign's most recently marked answer is shown to reps on its brief. */
  useful: boolean;
  /** The toggle's accessible name: "Useful to reps: <answer>". */
  usefulLabel: string;
  verdict: Verdict;
  verdictText: string;
  /** "Ana Ruiz · 4 May 2026, 10:00 · DACH", and the verdict given with the answer when it has changed since. */
  detail: string;
  url: string | null;
}

/** One campaign's question with its answers, newest first. */
export interface QuestionGroup {
  key: string;
  campaign: string;
  question: string;
  /** "No longer asked" for a question the brief has dropped; null otherwise. */
  dropped: string | null;
  /** "2 of 240 answers shown" when the workspace kept only the newest; null when all are here. */
  more: string | null;
  answers: AnswerLine[];
}

/**
 * The reps' answers to the campaigns' questions for sales, under the page's filters (and the campaign
 * it names): grouped per campaign and question, each answer beside the lead's latest verdict.
 */
export function createAnswersModel(filters: { readonly value: Filters }) {
  /** null until the first answer. */
  const report = signal<QuestionAnswers | null>(null);
  const problem = signal<string | null>(null);
  /** One campaign's answers only (its id), or every campaign's (''). */
  const campaign = signal('');
  /** The campaigns that ask questions, to choose from (drafts take no verdicts). */
  const choices = computed(() =>
    campaigns.value
      .filter((b) => b.status !== 'draft' && b.questionsForSales.length > 0)
      .map((b) => ({ id: b.id, name: b.name })),
  );

  const groups = computed<QuestionGroup[]>(() =>
    (report.value?.campaigns ?? []).flatMap((campaign) =>
      campaign.questions.map((q, index) => ({
        key: `${campaign.campaignId}:${index}`,
        campaign: campaign.name,
        question: q.question,
        dropped: q.asked ? null : td('answersDropped'),
        more: q.total > q.answers.length ? td('answersMore', q.answers.length, q.total) : null,
        answers: q.answers.map((a) => ({
          key: `${a.feedbackId}:${a.index}`,
          feedbackId: a.feedbackId,
          index: a.index,
          answer: a.answer,
          useful: a.useful,
          usefulLabel: td('answersUsefulLabel', a.answer),
          verdict: a.verdict,
          verdictText: verdictLabel(a.verdict),
          detail: [
            a.rep.name,
            dateTimeText(a.createdAt),
            a.region ?? td('noRegion'),
            ...(a.answeredWith !== a.verdict ? [td('answersGivenWith', verdictLabel(a.answeredWith))] : []),
          ].join(' · '),
          url: a.lead.url ?? null,
        })),
      })),
    ),
  );

  const refresh = newestOnly(
    () => {
      const extra: Record<string, string> = campaign.value ? { campaign: campaign.value } : {};
      return api('GET', `/api/v1/answers${query(filters.value, extra)}`, AnswersAnswer);
    },
    (answer) => {
      if (answer.ok) {
        report.value = answer.data;
        problem.value = null;
      } else problem.value = answer.message;
    },
  );

  /** Answers whose mark is being changed (their line keys): the toggle waits for the workspace. */
  const toggling = signal<ReadonlySet<string>>(new Set());

  /** Marks an answer useful, or takes the mark off; the list shows the workspace's answer, not a guess. */
  async function toggleUseful(line: AnswerLine): Promise<void> {
    if (toggling.value.has(line.key)) return;
    toggling.value = new Set([...toggling.value, line.key]);
    const path = `/api/v1/feedback/${line.feedbackId}/answers/${line.index}/useful`;
    const answer = line.useful
      ? await api('DELETE', path, NoContent)
      : await api('POST', path, UsefulMarkAnswer);
    toggling.value = new Set([...toggling.value].filter((key) => key !== line.key));
    if (!answer.ok) {
      problem.value = answer.message;
      return;
    }
    problem.value = null;
    const useful = !line.useful;
    const current = report.value;
    if (!current) return;
    report.value = {
      ...current,
      campaigns: current.campaigns.map((c) => ({
        ...c,
        questions: c.questions.map((q) => ({
          ...q,
          answers: q.answers.map((a) =>
            a.feedbackId === line.feedbackId && a.index === line.index ? { ...a, useful } : a,
          ),
        })),
      })),
    };
  }

  return { report, problem, campaign, choices, groups, refresh, toggling, toggleUseful };
}
export type AnswersModel = ReturnType<typeof createAnswersModel>;

/** Pages of a cell's items read at most: 10,000 items, more than a cell's list is read for. */
const MAX_ITEM_PAGES = 20;
/** The most items a count's list shows. */
export const MAX_ITEMS_LISTED = MAX_ITEM_PAGES * LIMITS.page;

/**
 * Each item once, as last read: an item replied to while the pages were read moved to the feed's end
 * and came again. For a cell's leads (`latest`), each lead once too: judged again while the pages were
 * read, its new latest verdict came on a later page beside the earlier one, and the list held one more
 * lead than the count it was opened from.
 */
function onceEach(read: FeedbackRecord[], latest: boolean): FeedbackRecord[] {
  const byId = new Map(read.map((item) => [item.id, item]));
  if (!latest) return [...byId.values()];
  const byLead = new Map<string, FeedbackRecord>();
  for (const item of byId.values()) {
    const lead = leadKeyOf(item.lead);
    const kept = byLead.get(lead);
    if (!kept || kept.createdAt <= item.createdAt) byLead.set(lead, item);
  }
  return [...byLead.values()];
}

/**
 * The feedback items behind one cell, newest first. Pages come oldest change first, so every page is
 * read (up to MAX_ITEM_PAGES): the first one alone left out the newest items of a cell over 500, and an
 * item replied to moved to the end, out of the list.
 */
export function createItemsModel(path: string) {
  const items = signal<FeedbackRecord[] | null>(null);
  const problem = signal<string | null>(null);
  /** The list stopped at MAX_ITEM_PAGES with more to read: the newest may be missing, and it says so. */
  const cut = signal(false);
  async function load(): Promise<void> {
    const read: FeedbackRecord[] = [];
    let skipped = 0;
    let cursor: string | null = null;
    let more = false;
    const separator = path.includes('?') ? '&' : '?';
    for (let page = 0; page < MAX_ITEM_PAGES; page++) {
      const pagePath: string = cursor ? `${path}${separator}since=${encodeURIComponent(cursor)}` : path;
      const answer = await apiList(pagePath, readFeedbackPage);
      if (!answer.ok) {
        problem.value = answer.message;
        return;
      }
      read.push(...answer.data.items);
      skipped += answer.data.skipped;
      cursor = answer.data.cursor;
      more = Boolean(cursor) && answer.data.items.length + answer.data.skipped >= LIMITS.page;
      if (!more) break;
    }
    cut.value = more;
    items.value = onceEach(read, path.includes('latest=1')).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    problem.value = skipped ? tdCount(skipped, 'feedbackSkippedOne', 'feedbackSkipped') : null;
  }
  return { items, problem, cut, load };
}
export type ItemsModel = ReturnType<typeof createItemsModel>;

/** The last reply sent on each item in this page, and by which box: see createReplyModel's attempt. */
const sentReplies = new Map<string, { text: string; id: string; by: object; at: number }>();

/**
 * A reply to one item; on failure the typed reply stays in the box, and until it is sent it is kept in
 * the tab (./kept-text.ts): another cell, filter or page, or a reload, gives it back.
 */
export function createReplyModel(itemId: string, reload: () => Promise<void>) {
  const text = signal('');
  keepTyped(`reply.${itemId}`, text, (typed) => typed.trim() !== '');
  const problem = signal<string | null>(null);
  const sending = signal(false);
  /** The last reply went: said under the box (the box only emptied, and nothing was read). */
  const replied = signal(false);
  const canSend = computed(() => !sending.value && text.value.trim() !== '');
  /**
   * The id of the reply being sent, kept across retries of the same text in the tab (../kept-text.ts),
   * not in this model: the workspace stores it once. A box opened again for the item while a send was
   * under way (another filter, the cell clicked again, a reload) gave the text back, and its Send made
   * a new id: the rep got the reply twice.
   */
  const attemptKey = `${ASIDE}replyAttempt.${itemId}`;
  const self = {};
  const openedAt = Date.now();
  let attempt: { text: string; id: string } | null = null;
  async function send(): Promise<void> {
    if (!canSend.value) return;
    sending.value = true;
    replied.value = false;
    // The tab's copy, or this box's own where the tab keeps nothing (storage off or full).
    attempt =
      readKept<{ text: string; id: string }>(attemptKey) ?? (attempt?.text === text.value ? attempt : null);
    // Sent by another box for this item, this one opened before that send was answered (it gave the
    // text back): the same reply, once. A box opened later sends the same words as a new reply.
    const sent = sentReplies.get(itemId);
    if (
      attempt?.text !== text.value &&
      sent &&
      sent.by !== self &&
      sent.text === text.value &&
      openedAt <= sent.at
    ) {
      attempt = sent;
      sentReplies.delete(itemId);
    }
    if (attempt?.text !== text.value) {
      attempt = { text: text.value, id: crypto.randomUUID() };
      writeKept(attemptKey, attempt);
    }
    const answer = await api('POST', `/api/v1/feedback/${itemId}/replies`, ReplyCreated, {
      text: attempt.text,
      id: attempt.id,
    });
    sending.value = false;
    if (!answer.ok) {
      problem.value = answer.message;
      return;
    }
    // What was typed while it was sending is not what was sent: it stays.
    if (text.value === attempt.text) text.value = '';
    writeKept(attemptKey, null);
    sentReplies.set(itemId, { text: attempt.text, id: attempt.id, by: self, at: Date.now() });
    attempt = null;
    problem.value = null;
    replied.value = true;
    await reload();
  }
  return { text, problem, sending, replied, canSend, send };
}
export type ReplyModel = ReturnType<typeof createReplyModel>;
