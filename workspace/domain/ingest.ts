/**
 * Ingest: a batch of verdicts checked and hashed outside the transaction, then stored each exactly once
 * with the rollups moved in the same transaction (./rollups.ts keeps them; ./feed.ts reads them back).
 */
import { randomUUID } from 'node:crypto';
import { leadKeyOf, siteOfKey } from '../../lib/campaigns/lead-key';
import { toSalesforceId18 } from '../../lib/crm/salesforce-id';
import { type FeedbackItem, type FeedbackResult, idOf, type Member, requests } from '../../lib/protocol';
import type { Database, Sql } from '../db/database';
import { canonicalHash } from './canonical';

/** One lead, whatever page or id form it was seen on: Salesforce ids count in their 18-character form. */
export function leadKey(lead: FeedbackItem['lead']): string {
  const recordId =
    lead.crm === 'salesforce' ? (toSalesforceId18(lead.recordId) ?? lead.recordId) : lead.recordId;
  return leadKeyOf({ ...lead, recordId });
}

/**
 * A stored verdict's lead, as its row keeps it: the record's columns, and a custom site's host from
 * the row's lead key (`leadKeyOf`), where it has one.
 */
export function storedLead(row: {
  crm: FeedbackItem['lead']['crm'];
  object_type: FeedbackItem['lead']['objectType'];
  record_id: string;
  url: string | null;
  lead_key: string;
}): FeedbackItem['lead'] {
  const site = siteOfKey(row.lead_key);
  return {
    crm: row.crm,
    objectType: row.object_type,
    recordId: row.record_id,
    ...(row.url ? { url: row.url } : {}),
    ...(site ? { site } : {}),
  };
}

/** An item that passed its checks: what is stored, its lead and its canonical hash. */
export interface Stored {
  item: FeedbackItem;
  key: string;
  /** Of the item as sent: a resent item compares equal, whatever was stored for it. */
  hash: Buffer;
  /**
   * Of the item as stored, when its address was changed to be stored (a fragment dropped): what the
   * workspace kept as the hash before it kept the one as sent, so that an item stored then and resent
   * now is still a duplicate.
   */
  formerHash?: Buffer;
  /** When the verdict was given, as stored: the item's createdAt, or when it came if that is later. */
  createdAt: string;
}

function invalid(
  raw: unknown,
  error: { issues: Array<{ path: PropertyKey[]; message: string }> },
): FeedbackResult {
  const problem = error.issues[0];
  const where = problem?.path.map(String).join('.');
  return {
    id: idOf(raw),
    status: 'invalid',
    error: `${where ? `${where}: ` : ''}${problem?.message ?? 'invalid'}`,
  };
}

/** A batch checked and hashed: work done before the transaction, so the workspace lock is held briefly. */
export type PreparedBatch = Array<FeedbackResult | Stored>;

const isStored = (entry: FeedbackResult | Stored): entry is Stored => 'item' in entry;

/** `ms` (a time in milliseconds) less `micros` microseconds, as an ISO time to the microsecond. */
function microsBefore(ms: number, micros: number): string {
  if (micros === 0) return new Date(ms).toISOString();
  const total = ms * 1000 - micros;
  const whole = Math.floor(total / 1000);
  return new Date(whole).toISOString().replace('Z', `${String(total - whole * 1000).padStart(3, '0')}Z`);
}

/**
 * Checks and hashes each item of a batch received at `receivedAt`. A verdict cannot have been given
 * after it came: a createdAt later than that is a rep's clock running ahead (a dual-boot laptop whose
 * clock keeps local time runs hours off), and stored as it was, it stayed the lead's latest verdict
 * until that moment came, whatever the team said about the lead meanwhile. It is stored as given when
 * it came (several, in the order given: below); its hash stays the item's as sent, so the same item
 * sent again is a duplicate.
 */
export function prepareBatch(rawItems: unknown[], receivedAt = new Date()): PreparedBatch {
  const latest = receivedAt.getTime();
  const parsed = rawItems.map((raw) => requests.FeedbackItem.safeParse(raw));
  // Several dated ahead in one batch keep the order they were given in, a microsecond apart up to the
  // moment it came: all given that same moment, a lead judged twice offline ("good fit", then "won")
  // had its latest verdict chosen by the random ids that break the tie. Microseconds (the database
  // keeps them), not milliseconds: a batch's first item then still comes after the batch before it,
  // which may have come a few milliseconds earlier.
  const ahead = parsed
    .flatMap((result, at) =>
      result.success && Date.parse(result.data.createdAt) > latest
        ? [{ at, given: Date.parse(result.data.createdAt) }]
        : [],
    )
    .sort((a, b) => a.given - b.given || a.at - b.at);
  const clamped = new Map(ahead.map(({ at }, rank) => [at, microsBefore(latest, ahead.length - 1 - rank)]));
  return parsed.map((result, at) => {
    if (!result.success) return invalid(rawItems[at], result.error);
    const createdAt = clamped.get(at) ?? result.data.createdAt;
    return { item: result.data, key: leadKey(result.data.lead), hash: canonicalHash(result.data), createdAt };
  });
}

/** One item as ingest_items reads it (migration 015), with its member: a JSON array, its fields by
 * position (names would be a third of what the server reads and parses), as text, so that the items of
 * several requests join into one call by concatenation. */
function itemJson({ item, key, hash, createdAt }: Stored, memberId: string): string {
  return JSON.stringify([
    item.id,
    memberId,
    item.campaignId ?? null,
    key,
    item.lead.crm,
    item.lead.objectType,
    item.lead.recordId,
    item.lead.url ?? null,
    item.signals,
    item.verdict,
    item.region ?? null,
    item.note ?? null,
    item.answers?.length ? item.answers : null,
    createdAt,
    hash.toString('base64'),
  ]);
}

/** What a call did with each item: stored now, refused (its campaign is unknown or a draft), or neither
 * (its id was stored before, or earlier in the same call). */
type Placed = 'stored' | 'unknown_campaign' | undefined;

interface Waiting {
  items: string[];
  settle(placed: Placed[]): void;
  fail(error: unknown): void;
}

/**
 * The requests waiting for a call on one database (or transaction), and whether a call is running.
 *
 * One call at a time per process: the others wait here and go together in the next call. PGlite runs
 * one statement at a time anyway. On a PostgreSQL server a second call used to go out at once and wait
 * there for the workspace row, taking only the requests that had arrived by then (about 120 items a
 * call in the bench); waiting here instead, the next call takes every request that arrived while the
 * running one held the row (up to ITEMS_PER_CALL), and a call of 300-400 items costs the database less
 * per item than three of 100 with their commits. Bench, 20,000 items after a warm-up, 4 clients:
 * 14,300-16,300 items/s with two calls at once, 14,200-19,300 with one (5 runs each).
 */
interface Turns {
  busy: boolean;
  waiting: Waiting[];
}

/** How many items one call may take: the row is held for all of them. */
const ITEMS_PER_CALL = 1_000;
const turns = new WeakMap<Sql, Turns>();

/** One call of ingest_items on items as itemJson writes them: the places (1, 2, ...) stored and refused. */
async function ingestItems(sql: Sql, items: string[]): Promise<{ stored: number[]; refused: number[] }> {
  const [places] = await sql.query<{ stored: number[]; refused: number[] }>(
    'SELECT stored, refused FROM ingest_items($1::jsonb)',
    [`[${items.join(',')}]`],
  );
  return places!;
}

async function call(sql: Sql, group: Waiting[]): Promise<void> {
  const places = await ingestItems(
    sql,
    group.flatMap((waiting) => waiting.items),
  );
  // Places are 1, 2, ... across the group, in the order of its requests and of their items.
  const owners = group.flatMap((waiting, owner) =>
    waiting.items.map((_, position) => [owner, position] as const),
  );
  const placed = group.map((waiting) => new Array<Placed>(waiting.items.length));
  const mark = (n: number, outcome: Placed) => {
    const [owner, position] = owners[n - 1]!;
    placed[owner]![position] = outcome;
  };
  for (const n of places.stored) mark(n, 'stored');
  for (const n of places.refused) mark(n, 'unknown_campaign');
  for (const [index, waiting] of group.entries()) waiting.settle(placed[index]!);
}

function next(sql: Sql, queue: Turns): void {
  if (queue.busy || queue.waiting.length === 0) return;
  // The first waiting request, and those after it that fit.
  let taken = 1;
  let count = queue.waiting[0]!.items.length;
  while (taken < queue.waiting.length && count + queue.waiting[taken]!.items.length <= ITEMS_PER_CALL) {
    count += queue.waiting[taken++]!.items.length;
  }
  const group = queue.waiting.splice(0, taken);
  queue.busy = true;
  call(sql, group)
    // A call for several requests that fails is made again for each alone: one request's failure is
    // never another's.
    .catch((error) =>
      group.length === 1
        ? group[0]!.fail(error)
        : group.reduce(
            (done, waiting) => done.then(() => call(sql, [waiting]).catch(waiting.fail)),
            Promise.resolve(),
          ),
    )
    .finally(() => {
      queue.busy = false;
      next(sql, queue);
    });
}

/** Stores items (itemJson) through ingest_items, with the items of requests that wait at the same time. */
function store(sql: Sql, items: string[]): Promise<Placed[]> {
  const queue = turns.get(sql) ?? { busy: false, waiting: [] };
  turns.set(sql, queue);
  const promise = new Promise<Placed[]>((settle, fail) => queue.waiting.push({ items, settle, fail }));
  next(sql, queue);
  return promise;
}

/**
 * Stores a batch of feedback, each item exactly once, and updates the rollups in the same transaction.
 * Results come in the order of the items: created, duplicate (same id, same content: nothing stored),
 * conflict (same id, other content), or invalid (with the reason) while the valid items are stored.
 *
 * Ingests take turns on the workspace row (the change cursor must commit in order), so what runs from
 * taking it to committing is ingest throughput: one call (ingest_items) does all the work set-based,
 * and requests that arrive while it runs share the next call. Given the database rather than a
 * transaction, that call is a transaction of its own, which commits the moment it ends: the row is
 * never held while this process answers.
 */
export async function ingest(sql: Sql, member: Member, batch: PreparedBatch): Promise<FeedbackResult[]> {
  const entries = batch.filter(isStored);
  const placed =
    entries.length === 0
      ? []
      : await store(
          sql,
          entries.map((entry) => itemJson(entry, member.id)),
        );
  // Items not stored now and not refused: their id is stored (before, or earlier in this call), with the
  // same content and member (duplicate) or not (conflict). Ids compare as the database compares UUIDs.
  // Those refused for their campaign are looked for too: one stored before its brief went back to draft
  // (or was removed), sent again because the answer was lost, is a duplicate. Answered invalid, it
  // became a dead letter, and the rep's Resend (a new id) stored the verdict twice.
  const idOf = (entry: Stored) => entry.item.id.toLowerCase();
  const resentIds = entries.filter((_, index) => placed[index] !== 'stored').map(idOf);
  const existing = new Map(
    (resentIds.length === 0
      ? []
      : await sql.query<{ id: string; hash: Uint8Array; member_id: string }>(
          'SELECT id::text, hash, member_id FROM feedback WHERE id = ANY($1::uuid[])',
          [resentIds],
        )
    ).map((row) => [row.id, row]),
  );
  let index = 0;
  return batch.map((entry) => {
    if (!isStored(entry)) return entry;
    const id = entry.item.id;
    const outcome = placed[index++];
    if (outcome === 'stored') return { id, status: 'created' };
    const row = existing.get(idOf(entry));
    if (outcome === 'unknown_campaign' && !row)
      return { id, status: 'invalid', error: 'campaignId: no such campaign in this workspace' };
    const stored = row && Buffer.from(row.hash);
    const same =
      stored &&
      row.member_id === member.id &&
      (stored.equals(entry.hash) || (entry.formerHash !== undefined && stored.equals(entry.formerHash)));
    return same
      ? { id, status: 'duplicate' }
      : { id, status: 'conflict', error: 'an item with this id and other content is already stored' };
  });
}

/** The warm-up's calls: a lead judged many times in a call, and many leads judged twice (both paths). */
const WARM_UP_CALLS = 4;

/**
 * Runs ingest's function on made-up verdicts in a transaction that is rolled back, so nothing of it
 * stays: not a row, not a count, not the change cursor. On PGlite the first calls after a start ran two
 * to four times slower than later ones (115, 59, 46, 41 ms for 100 verdicts of one lead, then about
 * 25) while its WebAssembly code and the function's plans warmed up: a rep's queue drained after a
 * restart paid for it. The server runs this as it starts on PGlite (ServeOptions.warmUp).
 */
export async function warmIngest(db: Database): Promise<void> {
  const rolledBack = new Error('warm-up: rolled back');
  const memberId = randomUUID();
  try {
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO members (id, name, role) VALUES ($1, 'warm-up', 'rep')", [memberId]);
      for (let n = 0; n < WARM_UP_CALLS; n++) {
        const items = Array.from({ length: 100 }, (_, i) => {
          const item: FeedbackItem = {
            id: randomUUID(),
            campaignId: null,
            lead: {
              crm: 'hubspot',
              objectType: 'contact',
              recordId: i < 50 ? 'warm-up' : `warm-up-${i % 25}`,
            },
            signals: {},
            verdict: 'good_fit',
            createdAt: new Date(Date.UTC(2000, 0, 1, 0, n, i)).toISOString(),
          };
          return itemJson(
            { item, key: leadKey(item.lead), hash: canonicalHash(item), createdAt: item.createdAt },
            memberId,
          );
        });
        await ingestItems(tx, items);
      }
      throw rolledBack;
    });
  } catch (error) {
    if (error !== rolledBack) throw error;
  }
}
