import type { IDBPDatabase } from 'idb';
import { leadKeyOf } from '../campaigns/lead-key';
import { toSalesforceId18 } from '../crm/salesforce-id';
import { t } from '../i18n';
import { type FeedbackItem, type FeedbackResult, LIMITS } from '../protocol';
import {
  type LinkRecord,
  type OutboxEntry,
  type SameroomDb,
  type SentEntry,
  type SyncState,
  withUnseenMark,
} from '../store/db';
import { deadDraftKey } from '../store/draft-text';
import { keepLink, keptLink } from '../store/kept';
import { MAX_RETRY_AFTER_MS, WorkspaceClient, WorkspaceError } from '../workspace/client';
import { clockToKeep } from '../workspace/clock';
import { ownedBy, syncStateFor, UNDO_MS } from './outbox';
import { withheldBoth, withoutRefused } from './withheld';

/** Full-jitter exponential backoff: the first retry within 2 s, never more than 5 minutes apart. */
export const BACKOFF = { baseMs: 2_000, capMs: 5 * 60_000 } as const;
/** Reply pages pulled in one run at most; the next run goes on from the cursor. */
const MAX_REPLY_PAGES = 20;

/**
 * The most a batch's items may weigh as JSON, in bytes: half the workspace's body limit (and the
 * 1 MB a reverse proxy such as nginx takes by default). A hundred items with long notes and answers
 * (up to about 7 KB each in English, 20 KB in Japanese) came to more, and the workspace's 413 made every
 * one of them a dead letter.
 */
export const BATCH_BYTES = LIMITS.bodyBytes / 2;

const encoder = new TextEncoder();
const itemBytes = (item: FeedbackItem) => encoder.encode(JSON.stringify(item)).byteLength;
/**
 * Batches on their way at once, at most: the workspace stores one while the next is sent and the
 * last is settled here. Batches in flight never share a lead (see `sendDue`).
 */
export const LANES = 3;

export function backoffMs(failures: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(random() * ceiling);
}

export interface SyncOptions {
  now: () => Date;
  fetchFn?: typeof fetch;
  random?: () => number;
  /** "Sync now": ignore the backoff wait (a pause for a refused link still holds). */
  force?: boolean;
}

export interface SyncReport {
  sent: number;
  dead: number;
  /** Items still in the outbox for this workspace (held, pending). */
  waiting: number;
  /** When sync should run again: the end of an undo window, or the backoff. */
  nextRunAt: string | null;
  paused: boolean;
  problem: string | null;
}

/**
 * Due to be sent: pending, or held past its undo window. A window that ends further ahead than any
 * window lasts means the clock was set back since the verdict was saved (a dual-boot laptop put
 * right): due too, or it waited out the hours the clock went back. (The caller reads one workspace's
 * items.)
 */
function due(entry: OutboxEntry, now: Date): boolean {
  if (entry.state === 'pending') return true;
  if (entry.state !== 'held') return false;
  const left = Date.parse(entry.heldUntil) - now.getTime();
  return left <= 0 || left > UNDO_MS;
}

/**
 * A backoff that ends further ahead than any this code asks for (the clock was set back since): over.
 */
const waitsFor = (retryAt: string | null | undefined, now: Date): boolean => {
  if (!retryAt) return false;
  const left = Date.parse(retryAt) - now.getTime();
  return left > 0 && left <= Math.max(BACKOFF.capMs, MAX_RETRY_AFTER_MS);
};

/**
 * Applies the workspace's answer for one batch in one transaction: delivered items move to `sent`.
 * Its requests go out together (IndexedDB runs them in order), not one round trip after another.
 */
async function settle(
  db: IDBPDatabase<SameroomDb>,
  batch: OutboxEntry[],
  results: FeedbackResult[],
  now: Date,
): Promise<{ sent: number; dead: number }> {
  const tx = db.transaction(['outbox', 'sent'], 'readwrite', { durability: 'strict' });
  const outbox = tx.objectStore('outbox');
  const sentStore = tx.objectStore('sent');
  const delivered: OutboxEntry[] = [];
  const writes: Array<Promise<unknown>> = [];
  let dead = 0;
  for (const [index, entry] of batch.entries()) {
    const result = results[index];
    if (!result || result.id !== entry.item.id) continue; // unanswered: stays pending
    if (result.status === 'created' || result.status === 'duplicate') {
      delivered.push(entry);
      continue;
    }
    // Refused for a field it can go without (a workspace older than the field, an address an earlier
    // version took): sent again without it, which stays here beside it. Not stored, so the same id.
    const without = result.status === 'invalid' ? withoutRefused(entry.item, result.error) : null;
    if (without) {
      writes.push(
        outbox.put({
          ...entry,
          item: without.item,
          withheld: withheldBoth(entry.withheld, without.withheld),
          state: 'pending',
          problem: null,
        }),
      );
    } else {
      const problem = result.error ?? (result.status === 'conflict' ? t('errConflict') : t('errRefused'));
      const refused = result.status === 'conflict' ? 'conflict' : 'invalid';
      writes.push(outbox.put({ ...entry, state: 'dead', problem, refused }));
      dead++;
    }
  }
  // An item already in `sent` (pulled with its replies before this answer) keeps its record.
  const known = await Promise.all(delivered.map((entry) => sentStore.getKey(entry.item.id)));
  for (const [index, entry] of delivered.entries()) {
    if (known[index] === undefined) {
      const record: SentEntry = {
        item: entry.item,
        workspaceUrl: entry.workspaceUrl,
        ...(entry.member ? { member: entry.member } : {}),
        leadKey: entry.leadKey,
        sentAt: now.toISOString(),
        ...(entry.withheld ? { withheld: entry.withheld } : {}),
        replies: [],
        repliesSeen: 0,
      };
      writes.push(sentStore.put(withUnseenMark(record)));
    }
    writes.push(outbox.delete(entry.item.id));
  }
  await Promise.all([...writes, tx.done]);
  return { sent: delivered.length, dead };
}

/** Marks a batch as tried: attempts counted and the reason kept, or moved to dead letters. */
async function markBatch(
  db: IDBPDatabase<SameroomDb>,
  batch: OutboxEntry[],
  change: (entry: OutboxEntry) => OutboxEntry,
): Promise<void> {
  const tx = db.transaction('outbox', 'readwrite', { durability: 'strict' });
  const current = await Promise.all(batch.map((entry) => tx.store.get(entry.item.id)));
  await Promise.all([...current.flatMap((entry) => (entry ? [tx.store.put(change(entry))] : [])), tx.done]);
}

function sameReplies(a: SentEntry['replies'], b: SentEntry['replies']): boolean {
  return a.length === b.length && (a.length === 0 || JSON.stringify(a) === JSON.stringify(b));
}

/**
 * Whether the outbox's entry is the verdict the workspace holds under its id (the rep's, pulled): the
 * same judgement, note, region, campaign and answers (its address and date are as the workspace stored
 * them, which may differ from what was sent).
 */
function holds(entry: OutboxEntry, stored: FeedbackItem): boolean {
  const said = (item: FeedbackItem) =>
    JSON.stringify([item.verdict, item.note ?? '', item.region ?? '', item.campaignId, item.answers ?? []]);
  return entry.state !== 'held' && entry.refused !== 'conflict' && said(entry.item) === said(stored);
}

/** Whose items a pull reads: the workspace's id and the member's. */
const pullerOf = (link: LinkRecord) => `${link.workspace.id}/${link.member.id}`;

/**
 * Pulls the rep's items changed since the cursor (theirs: `member`'s) and keeps their replies. An item
 * still in the outbox that the workspace turns out to hold (stored by a try whose answer was lost, then
 * dead-lettered when the retry was refused as a whole, or waiting to be sent again) is sent: it leaves
 * the outbox, rather than stay "not accepted" until a Resend.
 */
async function pullReplies(
  db: IDBPDatabase<SameroomDb>,
  client: WorkspaceClient,
  state: SyncState,
  member: { id: string; name: string },
  now: Date,
): Promise<string> {
  let cursor = state.cursor;
  for (let page = 0; page < MAX_REPLY_PAGES; page++) {
    const answer = await client.myFeedbackSince(cursor);
    const tx = db.transaction(['sent', 'outbox', 'drafts'], 'readwrite', { durability: 'strict' });
    const sent = tx.objectStore('sent');
    const outbox = tx.objectStore('outbox');
    const [known, waiting] = await Promise.all([
      Promise.all(answer.items.map((record) => sent.get(record.id))),
      Promise.all(answer.items.map((record) => outbox.get(record.id))),
    ]);
    const writes: Array<Promise<unknown>> = [];
    for (const [index, record] of answer.items.entries()) {
      const { rep: _rep, replies, updatedAt: _updatedAt, ...item } = record;
      const before = known[index];
      const queued = waiting[index];
      // With it goes a fix the rep was writing for it in the popup, were it a refused verdict.
      if (queued && holds(queued, item))
        writes.push(outbox.delete(record.id), tx.objectStore('drafts').delete(deadDraftKey(record.id)));
      // Most of a page is often items this run just sent, with no replies yet: nothing to write.
      if (before && sameReplies(before.replies, replies) && before.workspaceUrl === state.workspaceUrl)
        continue;
      writes.push(
        sent.put(
          withUnseenMark(
            before
              ? // At the workspace's address as linked now: it holds them, wherever it answered before.
                // Kept at the old one after the workspace moved (a new hostname, linked again), its
                // replies reached the lead's panel but never the popup or the badge.
                {
                  ...before,
                  replies,
                  repliesSeen: seenAmong(before, replies),
                  workspaceUrl: state.workspaceUrl,
                }
              : {
                  item,
                  workspaceUrl: state.workspaceUrl,
                  member: { id: member.id, name: member.name },
                  leadKey: leadKeyOf(item.lead),
                  sentAt: now.toISOString(),
                  replies,
                  // Items from before this browser knew them: their replies are not news. One it was
                  // still trying to send (a refused verdict the workspace turns out to hold): they are.
                  repliesSeen: queued ? 0 : replies.length,
                },
          ),
        ),
      );
    }
    await Promise.all([...writes, tx.done]);
    cursor = answer.cursor;
    if (answer.items.length < LIMITS.page) break;
  }
  return cursor;
}

/**
 * How many of `replies` (oldest first) the rep has seen, by the ids of those seen before. The workspace
 * gives a verdict's newest LIMITS.replies replies, so past that the list slides: counted by position,
 * the 101st reply to a verdict whose 100 were seen was never new, and with 99 seen of 100, two more
 * arriving showed one.
 */
function seenAmong(
  before: { replies: ReadonlyArray<{ id: string }>; repliesSeen: number },
  replies: ReadonlyArray<{ id: string }>,
): number {
  const seen = new Set(before.replies.slice(0, before.repliesSeen).map((reply) => reply.id));
  let count = 0;
  while (count < replies.length && seen.has(replies[count]!.id)) count++;
  return count;
}

/**
 * One sync run: sends what is due in batches of 100 (up to LANES at once, each lead's items in
 * order), settles each item by the workspace's answer, then pulls replies by cursor. An item leaves
 * the outbox only once the workspace answered for it.
 * Network errors, timeouts, 408, 429 and 5xx back off (honouring Retry-After); 401/403 pause until
 * the rep links again, using up no attempt; a batch refused as a whole is dead-lettered with the reason.
 */
export async function syncOutbox(db: IDBPDatabase<SameroomDb>, options: SyncOptions): Promise<SyncReport> {
  const random = options.random ?? Math.random;
  const link: LinkRecord | undefined = await keptLink(db);
  const report: SyncReport = { sent: 0, dead: 0, waiting: 0, nextRunAt: null, paused: false, problem: null };
  if (!link) return { ...report, problem: t('errNotLinked') };
  let state = syncStateFor(await db.get('sync', 'current'), link.workspaceUrl);
  const now = options.now();
  const waitingUntil = !options.force && waitsFor(state.retryAt, now);

  if (!state.paused && !waitingUntil) {
    const client = new WorkspaceClient(link.workspaceUrl, link.token, options.fetchFn);
    const stillLinked = async () => (await keptLink(db))?.token === link.token;
    state = await sendDue(db, client, link.member.id, state, report, options, random, stillLinked);
    if (!state.paused && !state.retryAt) {
      try {
        // Another rep linked here since (the browser passed on), or another workspace at the same address:
        // their cursor had moved past this member's changes, and a reply to one of them was never pulled.
        const puller = pullerOf(link);
        const from = state.cursorOf === puller ? state.cursor : '0';
        const cursor = await pullReplies(db, client, { ...state, cursor: from }, link.member, options.now());
        state = { ...state, cursor, cursorOf: puller };
      } catch (error) {
        state = failed(state, [error], options.now(), random);
      }
    }
    state = { ...state, lastSyncAt: options.now().toISOString() };
    await keepRunState(db, link, state, client.clockOffsetMs);
  }

  const left = (await db.getAllFromIndex('outbox', 'by-workspace', link.workspaceUrl)).filter(
    (entry) => entry.state !== 'dead',
  );
  // Items due but unsent (a failure stopped the lanes before their batch) wait for the backoff like
  // pending ones: the end of their undo window, already past, is no time to run again.
  const end = options.now();
  const heldUntil = left
    .filter((entry) => entry.state === 'held' && !due(entry, end))
    .map((entry) => entry.heldUntil)
    .sort()[0];
  const retryAt = left.some((entry) => due(entry, end)) ? state.retryAt : null;
  const next = [heldUntil, retryAt].filter((at): at is string => Boolean(at)).sort()[0] ?? null;
  return {
    ...report,
    waiting: left.length,
    nextRunAt: state.paused ? null : next,
    paused: state.paused,
    problem: state.lastError,
  };
}

/**
 * Keeps what the run learnt (cursor, backoff, a refused link's pause), unless the rep linked again or
 * unlinked while it ran: then the sync state is the new link's (un-paused) or the unlink's (its notice),
 * and a run with the old token must not write over it.
 */
async function keepRunState(
  db: IDBPDatabase<SameroomDb>,
  link: LinkRecord,
  state: SyncState,
  clockOffsetMs: number | null,
): Promise<void> {
  const tx = db.transaction(['link', 'sync'], 'readwrite', { durability: 'strict' });
  const [now, stored] = await Promise.all([
    tx.objectStore('link').get('current'),
    tx.objectStore('sync').get('current'),
  ]);
  let relinked: LinkRecord | null = null;
  if (now?.token === link.token && now.workspaceUrl === link.workspaceUrl) {
    // What this run took stays taken: markTaken wrote it to the stored state after the run read its own.
    const same = stored?.workspaceUrl === state.workspaceUrl;
    const { taken, takenUntil } = same ? stored : state;
    await tx.objectStore('sync').put({ ...state, taken, takenUntil }, 'current');
    // The workspace's time, as its answers said it: verdicts are dated by it from now on.
    const correction = clockToKeep(now.clockOffsetMs, clockOffsetMs);
    if (correction !== null) {
      relinked = { ...now, clockOffsetMs: correction };
      await tx.objectStore('link').put(relinked, 'current');
    }
  }
  await tx.done;
  if (relinked) keepLink(db, relinked);
}

/** What a failed request says to the rep: the workspace's words, or "will retry". */
function problemOf(error: unknown): string {
  return error instanceof WorkspaceError ? error.message : t('errWillRetry');
}

const isUnauthorized = (error: unknown) => error instanceof WorkspaceError && error.kind === 'unauthorized';

/**
 * The state after a run's failed requests (one per lane at most): paused for a refused link, else
 * backed off once for the run, for at least the longest Retry-After any of them was given.
 */
function failed(state: SyncState, errors: unknown[], now: Date, random: () => number): SyncState {
  const refused = errors.find(isUnauthorized);
  if (refused) return { ...state, paused: true, lastError: problemOf(refused), retryAt: null };
  const failures = state.failures + 1;
  const wait = Math.max(
    backoffMs(failures, random),
    ...errors.map((error) => (error instanceof WorkspaceError ? (error.retryAfterMs ?? 0) : 0)),
  );
  return {
    ...state,
    failures,
    lastError: problemOf(errors[0]),
    retryAt: new Date(now.getTime() + wait).toISOString(),
  };
}

/**
 * The lead an item counts for on the workspace (which reads Salesforce ids in their 18-character
 * form), so two spellings of one record are never in two batches at once.
 */
function orderKey(lead: FeedbackItem['lead']): string {
  const recordId =
    lead.crm === 'salesforce' ? (toSalesforceId18(lead.recordId) ?? lead.recordId) : lead.recordId;
  return leadKeyOf({ ...lead, recordId });
}

/** Queue order. (ISO times compare as strings; no locale rules needed.) */
function byQueue(a: OutboxEntry, b: OutboxEntry): number {
  return a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0;
}

/** One run's sending: what it learnt, across its rounds. */
interface Sending {
  /** Ids taken this run (sent, or left for the next run): never taken twice in one run. */
  taken: Set<string>;
  /** Leads with an item the workspace left unanswered: their later items wait for the next run. */
  blocked: Set<string>;
  /** Failed requests that end the run (retryable, or a refused link). */
  errors: unknown[];
  /** Some batch was answered. */
  answered: boolean;
  /**
   * Items an answer left unaccounted for (another id in their place: a proxy that rewrote it). They
   * stay pending; the run then backs off and says so, where before they waited with no word and went
   * again every minute for good.
   */
  unaccounted: number;
  /** Whether the link the run started with is still this browser's: asked before each batch. */
  stillLinked: () => Promise<boolean>;
  /** Unlinked (or linked anew) while the run went: no more batches; what is left waits for its link. */
  unlinked: boolean;
}

/**
 * Sends what is due, at most LANES batches of up to 100 on their way at once, keeping each lead's
 * order: a batch takes a lead's oldest waiting items (as many as fit), and no other batch takes that
 * lead until the workspace has answered it. So an item never reaches the workspace before an older
 * item of its lead, whatever the lanes do. The answer releases the lead before the batch is settled
 * here, so the next batch of the same lead is on its way while this one's transaction commits.
 *
 * The outbox is read once per round, not once per batch; a second round only sends what became due
 * during the first (a fixed dead letter). Nothing is marked in flight in IndexedDB: if the worker
 * dies, every unsettled item is still held or pending and goes again, and the workspace answers
 * `duplicate` for what it already has. A retryable failure or a refused link stops every lane from
 * taking another batch (batches already on their way are settled by their answers).
 */
async function sendDue(
  db: IDBPDatabase<SameroomDb>,
  client: WorkspaceClient,
  memberId: string,
  initial: SyncState,
  report: SyncReport,
  options: SyncOptions,
  random: () => number,
  stillLinked: () => Promise<boolean>,
): Promise<SyncState> {
  const sending: Sending = {
    taken: new Set(),
    blocked: new Set(),
    errors: [],
    answered: false,
    unaccounted: 0,
    stillLinked,
    unlinked: false,
  };
  while (sending.errors.length === 0 && !sending.unlinked) {
    const now = options.now();
    const queue = (await db.getAllFromIndex('outbox', 'by-workspace', initial.workspaceUrl))
      .filter((entry) => due(entry, now) && ownedBy(entry, memberId) && !sending.taken.has(entry.item.id))
      .sort(byQueue);
    if (queue.length === 0) break;
    const going = await markTaken(db, initial.workspaceUrl, queue);
    for (const entry of queue) sending.taken.add(entry.item.id);
    if (going.length > 0) await sendRound(db, client, going, sending, report, options);
  }
  // Any answer resets the count of failures in a row, as it did when batches went one by one.
  const base = sending.answered ? { ...initial, failures: 0 } : initial;
  if (sending.errors.length > 0) return failed(base, sending.errors, options.now(), random);
  // Counted from before this run: these answers were no answer for those items, and a proxy that
  // keeps rewriting them must meet a growing wait, not one of 2 s for good.
  if (sending.unaccounted > 0)
    return failed(initial, [new WorkspaceError('notWorkspace', t('errUnreadable'))], options.now(), random);
  return { ...initial, failures: 0, retryAt: null, lastError: null };
}

/**
 * Before a round sends verdicts whose undo window is over, sync notes which held ones it has taken
 * (`taken`, by id, one small write): Undo refuses those, even when the clock steps back while they are
 * on their way. By id, not by an instant: an instant taken from a clock hours ahead stayed hours ahead
 * once the clock was put right, and Undo refused every new verdict until then. Answers the queue less
 * what an Undo took back since it was read (a clock set back meanwhile reopens a window): in the same
 * transaction as the mark, so nothing Undone is sent.
 */
async function markTaken(
  db: IDBPDatabase<SameroomDb>,
  workspaceUrl: string,
  queue: OutboxEntry[],
): Promise<OutboxEntry[]> {
  const held = queue.filter((entry) => entry.state === 'held');
  if (held.length === 0) return queue;
  const tx = db.transaction(['sync', 'outbox'], 'readwrite', { durability: 'strict' });
  const outbox = tx.objectStore('outbox');
  const state = syncStateFor(await tx.objectStore('sync').get('current'), workspaceUrl);
  // Those taken before and still held (not settled yet), and these, unless undone since the read.
  const before = state.taken ?? [];
  const [still, present] = await Promise.all([
    Promise.all(before.map((id) => outbox.get(id))),
    Promise.all(held.map((entry) => outbox.getKey(entry.item.id))),
  ]);
  const undone = new Set(
    held.filter((_, index) => present[index] === undefined).map((entry) => entry.item.id),
  );
  const kept = before.filter((_, index) => still[index]?.state === 'held');
  const taking = held.filter((entry) => !undone.has(entry.item.id)).map((entry) => entry.item.id);
  const taken = [...new Set([...kept, ...taking])];
  const { takenUntil: _older, ...rest } = state;
  await tx.objectStore('sync').put({ ...rest, taken }, 'current');
  await tx.done;
  return queue.filter((entry) => !undone.has(entry.item.id));
}

async function sendRound(
  db: IDBPDatabase<SameroomDb>,
  client: WorkspaceClient,
  queue: OutboxEntry[],
  sending: Sending,
  report: SyncReport,
  options: SyncOptions,
): Promise<void> {
  // Each lead's items in queue order; leads in the order of their oldest item.
  const byLead = new Map<string, OutboxEntry[]>();
  const order = new Map<OutboxEntry, number>();
  for (const [index, entry] of queue.entries()) {
    const key = orderKey(entry.item.lead);
    const items = byLead.get(key);
    if (items) items.push(entry);
    else byLead.set(key, [entry]);
    order.set(entry, index);
  }
  const busy = new Set<string>(); // leads of the batches on their way
  // What a batch may hold: halved when a batch is refused as too large (a proxy's body limit).
  let batchItems: number = LIMITS.batch;
  let batchBytes = BATCH_BYTES;
  /** Entries taken back into the queue, each lead's in queue order, leads by their oldest item. */
  const putBack = (entries: OutboxEntry[]) => {
    const rest = [...byLead.values()].flat().concat(entries);
    rest.sort((a, b) => order.get(a)! - order.get(b)!);
    byLead.clear();
    for (const entry of rest) {
      const key = orderKey(entry.item.lead);
      const items = byLead.get(key);
      if (items) items.push(entry);
      else byLead.set(key, [entry]);
    }
  };
  let active = 0;
  let stopped = false;
  let wake = () => {};
  const broken: unknown[] = [];

  const take = (): { batch: OutboxEntry[]; leads: string[] } | null => {
    const batch: OutboxEntry[] = [];
    const leads: string[] = [];
    let bytes = 0;
    let full = false;
    for (const [key, items] of byLead) {
      if (full || batch.length === batchItems) break;
      if (busy.has(key)) continue;
      if (sending.blocked.has(key)) {
        byLead.delete(key);
        continue;
      }
      // Up to LIMITS.batch items and BATCH_BYTES (at least one item: any one fits); a lead's items
      // left over go in a later batch, after this one's answer.
      let taken = 0;
      while (taken < items.length && batch.length < batchItems) {
        const size = itemBytes(items[taken]!.item);
        if (batch.length > 0 && bytes + size > batchBytes) {
          full = true;
          break;
        }
        bytes += size;
        batch.push(items[taken++]!);
      }
      if (taken === 0) break;
      items.splice(0, taken);
      leads.push(key);
      if (items.length === 0) byLead.delete(key);
    }
    if (batch.length === 0) return null;
    // In queue order within the batch too: the workspace stores a batch in one transaction, in order.
    batch.sort((a, b) => order.get(a)! - order.get(b)!);
    return { batch, leads };
  };

  const lane = async (batch: OutboxEntry[], leads: string[]): Promise<void> => {
    const release = () => {
      for (const key of leads) busy.delete(key);
      wake();
    };
    // Unlinked meanwhile (the rep's Unlink, the admin's policy): the verdicts not on their way yet wait
    // for the link, as Unlink promises; before, a run under way sent each batch that became due.
    if (sending.unlinked || !(await sending.stillLinked())) {
      sending.unlinked = true;
      stopped = true;
      release();
      return;
    }
    let results: FeedbackResult[];
    try {
      results = await client.postFeedback(batch.map((entry) => entry.item));
    } catch (error) {
      if (error instanceof WorkspaceError && error.kind === 'tooLarge' && batch.length > 1) {
        // Too large for the workspace or a proxy in front of it (whose limit may be below ours): the
        // batch goes again in halves, down to one item, which alone is a dead letter if still refused.
        // A proxy's 413 was taken for "not the workspace" and tried as it was, every run, for ever.
        batchItems = Math.max(1, Math.min(batchItems, Math.ceil(batch.length / 2)));
        batchBytes = Math.min(
          batchBytes,
          Math.ceil(batch.reduce((sum, entry) => sum + itemBytes(entry.item), 0) / 2),
        );
        putBack(batch);
        release();
        return;
      }
      if (error instanceof WorkspaceError && !error.retryable && error.kind !== 'unauthorized') {
        // 400, 404, 413, 422: the workspace will refuse these again; the rep decides what to do.
        release();
        await markBatch(db, batch, (entry) => ({ ...entry, state: 'dead', problem: error.message }));
        report.dead += batch.length;
        return;
      }
      // Every lane stops taking batches; this batch's leads stay busy for the rest of the run.
      stopped = true;
      sending.errors.push(error);
      if (!isUnauthorized(error)) {
        const problem = problemOf(error);
        await markBatch(db, batch, (entry) => ({
          ...entry,
          state: 'pending',
          attempts: entry.attempts + 1,
          problem,
        }));
      }
      return;
    }
    sending.answered = true;
    const unaccounted = batch.filter((entry, index) => results[index]?.id !== entry.item.id);
    for (const entry of unaccounted) sending.blocked.add(orderKey(entry.item.lead));
    sending.unaccounted += unaccounted.length;
    // The workspace has stored this batch: the next one of these leads may go while it is settled.
    release();
    if (unaccounted.length > 0)
      await markBatch(db, unaccounted, (entry) => ({
        ...entry,
        state: 'pending',
        attempts: entry.attempts + 1,
        problem: t('errUnreadable'),
      }));
    const settled = await settle(db, batch, results, options.now());
    report.sent += settled.sent;
    report.dead += settled.dead;
  };

  for (;;) {
    while (!stopped && active < LANES) {
      const next = take();
      if (!next) break;
      for (const key of next.leads) busy.add(key);
      active++;
      void lane(next.batch, next.leads)
        .catch((error: unknown) => {
          // IndexedDB failed: no more batches, and the run ends with this error once the lanes are done.
          stopped = true;
          broken.push(error);
        })
        .finally(() => {
          active--;
          wake();
        });
    }
    if (active === 0) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  if (broken.length > 0) throw broken[0];
}

/**
 * Runs sync one at a time in this worker: a call while a run is going waits for it and then runs once
 * more, so an item saved mid-run is not left for the next alarm.
 */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const start = (): Promise<T> => {
    current = run().finally(() => {
      current = null;
    });
    return current;
  };
  return () => {
    if (!current) return start();
    queued ??= current
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}

/**
 * Runs `run` once changes have stopped for `quietMs`, and at the latest `maxMs` after the first change
 * of a burst. The bookkeeping after a click (the badge, every view's history, the next wake-up) each
 * read the whole outbox: done after every click, they held the next click's save back behind them.
 */
export function afterQuiet(run: () => Promise<unknown>, quietMs: number, maxMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstAt = 0;
  const fire = () => {
    timer = undefined;
    void run().catch(() => undefined);
  };
  return () => {
    const now = Date.now();
    if (timer === undefined) firstAt = now;
    else clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(quietMs, firstAt + maxMs - now)));
  };
}
