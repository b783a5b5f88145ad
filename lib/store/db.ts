import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Withheld } from '../outbox/withheld';
import type { Brief, FeedbackItem, LinkResponse, Rejected, Reply } from '../protocol';
import type { Draft } from './drafts';

export type LinkRecord = LinkResponse & {
  workspaceUrl: string;
  linkedAt: string;
  /**
   * The workspace's clock less this browser's, when they differ by more than CLOCK_TOLERANCE_MS
   * (lib/workspace/clock.ts): added to each verdict's createdAt. Absent: none known.
   */
  clockOffsetMs?: number;
};

/** The briefs as last fetched, with the ETag to revalidate them by. */
export interface CampaignCache {
  workspaceUrl: string;
  etag: string | null;
  fetchedAt: string;
  briefs: Brief[];
  /** Briefs the workspace sent that could not be read: skipped, and said so. */
  rejected: Rejected[];
}

/**
 * A verdict not yet accepted by the workspace. `held` until the undo window closes, then `pending`
 * until the workspace answers for it; `dead` when it answered `invalid` or `conflict`.
 */
export interface OutboxEntry {
  /** Exactly what was first sent, and what every retry sends again. */
  item: FeedbackItem;
  /** Items go only to the workspace they were made for. */
  workspaceUrl: string;
  /**
   * And only under the link of the rep who gave them (the link's member when saved), whoever links
   * this browser to that workspace next: sent with another rep's token, they were stored as that rep's.
   * Absent on entries saved before it was kept: those go with the next link to their workspace.
   */
  member?: { id: string; name: string };
  leadKey: string;
  campaignName: string | null;
  state: 'held' | 'pending' | 'dead';
  heldUntil: string;
  queuedAt: string;
  attempts: number;
  /** Dead: the workspace's reason. Pending: why the last try failed. */
  problem: string | null;
  /**
   * Dead by the workspace's answer for this item alone: `conflict` (it holds another item under this
   * id: the only dead letter whose Resend needs a new id) or `invalid` (not stored: its Resend is dated
   * anew, as a date the workspace refused may be what was wrong). Absent for an item in a batch refused
   * as a whole, which the workspace may hold already from a try whose answer was lost: it keeps its id,
   * and goes as it was when the rep changed nothing (a new id, or a new date, stored it twice).
   */
  refused?: 'conflict' | 'invalid';
  /** What a workspace refused that the verdict went without, kept here (lib/outbox/withheld.ts). */
  withheld?: Withheld;
}

/** A verdict the workspace accepted, with the replies marketing wrote on it. */
export interface SentEntry {
  item: FeedbackItem;
  workspaceUrl: string;
  /** The rep whose verdict it is (as OutboxEntry's): shown in their panel and popup, not another's. */
  member?: { id: string; name: string };
  leadKey: string;
  sentAt: string;
  replies: Reply[];
  /** How many of `replies` the rep has seen in the popup. */
  repliesSeen: number;
  /** What the workspace refused that the verdict went without, kept here (lib/outbox/withheld.ts). */
  withheld?: Withheld;
  /**
   * 1 while some reply is unseen, absent otherwise (`withUnseenMark`): the `by-unseen` index holds only
   * these, so the badge and the popup read the few with news, not every verdict ever sent.
   */
  unseen?: 1;
}

/** The entry with its `unseen` mark set from its replies: every write to `sent` goes through this. */
export function withUnseenMark(entry: SentEntry): SentEntry {
  const { unseen: _unseen, ...rest } = entry;
  return entry.replies.length > entry.repliesSeen ? { ...rest, unseen: 1 } : rest;
}

/** Where sync stands: the reply cursor, the last run, and why it is waiting if it is. */
export interface SyncState {
  workspaceUrl: string;
  cursor: string;
  /**
   * Whose items `cursor` is a place in: the workspace's id and the member's (`pullerOf`). The
   * workspace's cursor counts every member's changes, so one rep's pull moved it past another's.
   */
  cursorOf?: string;
  lastSyncAt: string | null;
  lastError: string | null;
  /** The workspace refused the token: nothing is sent until the rep links again. */
  paused: boolean;
  /** Failed runs in a row, for the backoff; reset by any answer. */
  failures: number;
  retryAt: string | null;
  /**
   * The held verdicts sync has taken to send (their undo window over when it looked), by id: Undo refuses
   * them whatever the clock says since, as they may be on their way. Pruned of those no longer held each
   * time sync takes more.
   */
  taken?: string[];
  /**
   * What versions before `taken` kept instead: every held verdict whose window ended by this instant was
   * taken. Read only when `taken` is absent. A clock hours ahead left it hours ahead once put right, and
   * Undo refused every new verdict for those hours.
   */
  takenUntil?: string;
}

/** The background's own database: the only place the token lives. */
export interface SameroomDb extends DBSchema {
  link: { key: 'current'; value: LinkRecord };
  campaigns: { key: 'current'; value: CampaignCache };
  /** The rep's campaign pick for a record no rule matched, by lead key. */
  picks: { key: string; value: { campaignId: string; pickedAt: string } };
  outbox: { key: string; value: OutboxEntry; indexes: { 'by-lead': string; 'by-workspace': string } };
  sent: { key: string; value: SentEntry; indexes: { 'by-lead': string; 'by-unseen': number } };
  sync: { key: 'current'; value: SyncState };
  /**
   * What the rep typed and has not sent, by where it was typed: a lead's note and answers by the lead's
   * key (`lead:` and the key), the popup's quick form as `quick`. Kept on disk, so a browser that
   * crashes or is closed gives them back.
   */
  drafts: { key: string; value: Draft & { keptAt: string } };
}

export const DB_NAME = 'sameroom';
export const DB_VERSION = 6;

/**
 * Opens (and upgrades) the database. Each version's step runs once, in order, on whatever it finds.
 * `terminated` is told when the browser closes the connection itself (site data cleared, a disk error).
 */
export function openSameroomDb(
  name = DB_NAME,
  events: { terminated?: () => void } = {},
): Promise<IDBPDatabase<SameroomDb>> {
  return openDB<SameroomDb>(name, DB_VERSION, {
    ...(events.terminated ? { terminated: events.terminated } : {}),
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore('link');
        db.createObjectStore('campaigns');
        db.createObjectStore('picks');
      }
      if (oldVersion < 2) {
        db.createObjectStore('outbox', { keyPath: 'item.id' }).createIndex('by-lead', 'leadKey');
        db.createObjectStore('sent', { keyPath: 'item.id' }).createIndex('by-lead', 'leadKey');
        db.createObjectStore('sync');
      }
      if (oldVersion < 3) {
        // Sync and the popup read one workspace's items; earlier versions filtered them in memory.
        transaction.objectStore('outbox').createIndex('by-workspace', 'workspaceUrl');
      }
      if (oldVersion < 4) {
        // Drafts were in storage.session until version 4, which the browser empties when it closes.
        db.createObjectStore('drafts');
      }
      if (oldVersion < 5) {
        // Until version 5 the badge and the popup read every sent verdict to find unseen replies.
        const sent = transaction.objectStore('sent');
        sent.createIndex('by-unseen', 'unseen');
        void sent.openCursor().then(async function mark(cursor): Promise<void> {
          if (!cursor) return;
          const marked = withUnseenMark(cursor.value);
          if (marked.unseen !== cursor.value.unseen) await cursor.update(marked);
          await mark(await cursor.continue());
        });
      }
      if (oldVersion < 6) {
        // The first build's version 1 made `link` alone; `campaigns` and `picks` joined version 1 later,
        // without a new version, so a database that build made never got them (every lead page failed
        // to read the briefs). Made now wherever they are missing.
        for (const store of ['campaigns', 'picks'] as const)
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
      }
    },
  });
}

/**
 * The database for a context that lives long (the background): opened on first use and kept, and
 * opened again on the next use after an open that failed or a connection the browser closed. Kept as
 * it was, one failed open (a disk busy at the browser's start) failed every save, Undo, draft and sync
 * for as long as the worker lived, which panel traffic can make hours.
 */
export function keptDb(open = openSameroomDb): KeptDb {
  let current: Promise<IDBPDatabase<SameroomDb>> | undefined;
  const db = () => {
    if (current) return current;
    const opening = open(DB_NAME, {
      terminated: () => {
        if (current === opening) current = undefined;
      },
    });
    current = opening;
    opening.catch(() => {
      if (current === opening) current = undefined;
    });
    return opening;
  };
  db.failed = (error: unknown) => {
    if (!connectionBroken(error) || !current) return;
    const broken = current;
    current = undefined;
    void broken.then((connection) => connection.close()).catch(() => undefined);
  };
  return db;
}

/** The background's database, and what to tell it when an operation on it failed. */
export interface KeptDb {
  (): Promise<IDBPDatabase<SameroomDb>>;
  /** An operation failed: on an error of the connection itself, the next use opens a new one. */
  failed(error: unknown): void;
}

/**
 * An error of the connection, not of one operation: it goes on failing every later one until the
 * connection is opened again. Firefox's, after a write failed on a full disk ("A mutation operation was
 * attempted on a database that did not allow mutations", an InvalidStateError: every save failed with
 * it after space was freed, until the browser restarted); a connection closing or closed (Chromium's
 * "Connection is closing because of: IO error …" on a full disk). The same three messages a public
 * IndexedDB wrapper (Google's) treats as one class. And a request aborted with its transaction, the
 * transaction saying no other why (an AbortError: see `inTransaction`): the browser closing the
 * connection aborts what runs on it (Chromium on a full disk, a CI run of
 * test/e2e/full-disk.chromium.test.ts); our own aborts are caught where they are made.
 */
export function connectionBroken(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'AbortError' ||
    (typeof message === 'string' &&
      /did not allow mutations|connection is closing|closed database|database is closed/i.test(message))
  );
}

/**
 * Runs `work` on `tx` and, where one of its requests failed only because the transaction aborted (an
 * AbortError, "The transaction was aborted, so the request cannot be fulfilled"), throws the
 * transaction's own error, which says why: Chromium, its profile on a full disk, aborts every
 * transaction of a connection it closes with "Connection is closing because of: IO error: …
 * FILE_ERROR_NO_SPACE", and a save whose read was still pending then told the rep only "The transaction
 * was aborted" (a CI run of test/e2e/full-disk.chromium.test.ts), neither a full disk nor a connection
 * to open again.
 */
export async function inTransaction<T>(
  tx: { readonly error: DOMException | null },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw (error as { name?: unknown } | null)?.name === 'AbortError' && tx.error ? tx.error : error;
  }
}
