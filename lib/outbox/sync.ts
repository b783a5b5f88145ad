import type { IDBPDatabase } from 'idb';
import { leadKeyOf } from '../campaigns/lead-key';
import { t } from '../i18n';
import { type FeedbackResult, LIMITS } from '../protocol';
import type { LinkRecord, OutboxEntry, SameroomDb, SentEntry, SyncState } from '../store/db';
import { WorkspaceClient, WorkspaceError } from '../workspace/client';
import { syncStateFor } from './outbox';

/** Full-jitter exponential backoff: the first retry within 2 s, never more than 5 minutes apart. */
export const BACKOFF = { baseMs: 2_000, capMs: 5 * 60_000 } as const;
/** Reply pages pulled in one run at most; the next run goes on from the cursor. */
const MAX_REPLY_PAGES = 20;

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

/** Due to be sent: pending, or held past its undo window. (The caller reads one workspace's items.) */
function due(entry: OutboxEntry, now: Date): boolean {
  return (
    entry.state === 'pending' || (entry.state === 'held' && Date.parse(entry.heldUntil) <= now.getTime())
  );
}

/** Applies the workspace's answer for one batch in one transaction: delivered items move to `sent`. */
async function settle(
  db: IDBPDatabase<SameroomDb>,
  batch: OutboxEntry[],
  results: FeedbackResult[],
  now: Date,
): Promise<{ sent: number; dead: number }> {
  const tx = db.transaction(['outbox', 'sent'], 'readwrite', { durability: 'strict' });
  let sent = 0;
  let dead = 0;
  for (const [index, entry] of batch.entries()) {
    const result = results[index];
    if (!result || result.id !== entry.item.id) continue; // unanswered: stays pending
    if (result.status === 'created' || result.status === 'duplicate') {
      const known = await tx.objectStore('sent').get(entry.item.id);
      const record: SentEntry = known ?? {
        item: entry.item,
        workspaceUrl: entry.workspaceUrl,
        leadKey: entry.leadKey,
        sentAt: now.toISOString(),
        replies: [],
        repliesSeen: 0,
      };
      await tx.objectStore('sent').put(record);
      await tx.objectStore('outbox').delete(entry.item.id);
      sent++;
    } else {
      const problem = result.error ?? (result.status === 'conflict' ? t('errConflict') : t('errRefused'));
      await tx.objectStore('outbox').put({ ...entry, state: 'dead', problem });
      dead++;
    }
  }
  await tx.done;
  return { sent, dead };
}

/** Marks a batch as tried: attempts counted and the reason kept, or moved to dead letters. */
async function markBatch(
  db: IDBPDatabase<SameroomDb>,
  batch: OutboxEntry[],
  change: (entry: OutboxEntry) => OutboxEntry,
): Promise<void> {
  const tx = db.transaction('outbox', 'readwrite', { durability: 'strict' });
  for (const entry of batch) {
    const current = await tx.store.get(entry.item.id);
    if (current) await tx.store.put(change(current));
  }
  await tx.done;
}

/** Pulls the rep's items changed since the cursor and keeps their replies. */
async function pullReplies(
  db: IDBPDatabase<SameroomDb>,
  client: WorkspaceClient,
  state: SyncState,
  now: Date,
): Promise<string> {
  let cursor = state.cursor;
  for (let page = 0; page < MAX_REPLY_PAGES; page++) {
    const answer = await client.myFeedbackSince(cursor);
    const tx = db.transaction('sent', 'readwrite');
    for (const record of answer.items) {
      const known = await tx.store.get(record.id);
      const { rep: _rep, replies, updatedAt: _updatedAt, ...item } = record;
      await tx.store.put(
        known
          ? { ...known, replies }
          : {
              item,
              workspaceUrl: state.workspaceUrl,
              leadKey: leadKeyOf(item.lead),
              sentAt: now.toISOString(),
              replies,
              // Items from before this browser knew them: their replies are not news.
              repliesSeen: replies.length,
            },
      );
    }
    await tx.done;
    cursor = answer.cursor;
    if (answer.items.length < LIMITS.page) break;
  }
  return cursor;
}

/**
 * One sync run: sends what is due in batches of 100, settles each item by the workspace's answer,
 * then pulls replies by cursor. An item leaves the outbox only once the workspace answered for it.
 * Network errors, timeouts, 408, 429 and 5xx back off (honouring Retry-After); 401/403 pause until
 * the rep links again, using up no attempt; a batch refused as a whole is dead-lettered with the reason.
 */
export async function syncOutbox(db: IDBPDatabase<SameroomDb>, options: SyncOptions): Promise<SyncReport> {
  const random = options.random ?? Math.random;
  const link: LinkRecord | undefined = await db.get('link', 'current');
  const report: SyncReport = { sent: 0, dead: 0, waiting: 0, nextRunAt: null, paused: false, problem: null };
  if (!link) return { ...report, problem: t('errNotLinked') };
  let state = syncStateFor(await db.get('sync', 'current'), link.workspaceUrl);
  const now = options.now();
  const waitingUntil = state.retryAt && !options.force && Date.parse(state.retryAt) > now.getTime();

  if (!state.paused && !waitingUntil) {
    const client = new WorkspaceClient(link.workspaceUrl, link.token, options.fetchFn);
    state = await sendDue(db, client, state, report, options, random);
    if (!state.paused && !state.retryAt) {
      try {
        state = { ...state, cursor: await pullReplies(db, client, state, options.now()) };
      } catch (error) {
        state = failed(state, error, options.now(), random);
      }
    }
    state = { ...state, lastSyncAt: options.now().toISOString() };
    await db.put('sync', state, 'current');
  }

  const left = (await db.getAllFromIndex('outbox', 'by-workspace', link.workspaceUrl)).filter(
    (entry) => entry.state !== 'dead',
  );
  const heldUntil = left
    .filter((entry) => entry.state === 'held')
    .map((entry) => entry.heldUntil)
    .sort()[0];
  const retryAt = left.some((entry) => entry.state === 'pending') ? state.retryAt : null;
  const next = [heldUntil, retryAt].filter((at): at is string => Boolean(at)).sort()[0] ?? null;
  return {
    ...report,
    waiting: left.length,
    nextRunAt: state.paused ? null : next,
    paused: state.paused,
    problem: state.lastError,
  };
}

/** The state after a failed request: paused for a refused link, else backed off. */
function failed(state: SyncState, error: unknown, now: Date, random: () => number): SyncState {
  const problem = error instanceof WorkspaceError ? error.message : t('errWillRetry');
  if (error instanceof WorkspaceError && error.kind === 'unauthorized') {
    return { ...state, paused: true, lastError: problem, retryAt: null };
  }
  const failures = state.failures + 1;
  const wait = Math.max(
    backoffMs(failures, random),
    error instanceof WorkspaceError ? (error.retryAfterMs ?? 0) : 0,
  );
  return { ...state, failures, lastError: problem, retryAt: new Date(now.getTime() + wait).toISOString() };
}

async function sendDue(
  db: IDBPDatabase<SameroomDb>,
  client: WorkspaceClient,
  initial: SyncState,
  report: SyncReport,
  options: SyncOptions,
  random: () => number,
): Promise<SyncState> {
  let state = initial;
  for (;;) {
    const now = options.now();
    const batch = (await db.getAllFromIndex('outbox', 'by-workspace', state.workspaceUrl))
      .filter((entry) => due(entry, now))
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))
      .slice(0, LIMITS.batch);
    if (batch.length === 0) return { ...state, failures: 0, retryAt: null, lastError: null };
    let results: FeedbackResult[];
    try {
      results = await client.postFeedback(batch.map((entry) => entry.item));
    } catch (error) {
      if (error instanceof WorkspaceError && !error.retryable && error.kind !== 'unauthorized') {
        // 400, 404, 413, 422: the workspace will refuse these again; the rep decides what to do.
        await markBatch(db, batch, (entry) => ({ ...entry, state: 'dead', problem: error.message }));
        report.dead += batch.length;
        continue;
      }
      state = failed(state, error, options.now(), random);
      if (!state.paused) {
        await markBatch(db, batch, (entry) => ({
          ...entry,
          state: 'pending',
          attempts: entry.attempts + 1,
          problem: state.lastError,
        }));
      }
      return state;
    }
    const settled = await settle(db, batch, results, options.now());
    report.sent += settled.sent;
    report.dead += settled.dead;
    state = { ...state, failures: 0, retryAt: null, lastError: null };
    if (settled.sent + settled.dead === 0) return state; // answers that match nothing: do not spin
  }
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
