import { randomUUID } from 'node:crypto';
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import { toSalesforceId18 } from '../../lib/crm/salesforce-id';
import {
  type FeedbackItem,
  type FeedbackRecord,
  type FeedbackResult,
  idOf,
  LIMITS,
  type Member,
  requests,
  type Verdict,
} from '../../lib/protocol';
import type { Sql } from '../db/database';
import { notFound } from '../errors';
import { canonicalHash } from './canonical';
import { addPeriodFilter, Conditions, type PeriodFilter } from './feedback-filter';
import { nextChange } from './workspace';

/** One lead, whatever page or id form it was seen on: Salesforce ids count in their 18-character form. */
export function leadKey(lead: FeedbackItem['lead']): string {
  const recordId =
    lead.crm === 'salesforce' ? (toSalesforceId18(lead.recordId) ?? lead.recordId) : lead.recordId;
  return leadKeyOf({ ...lead, recordId });
}

interface LatestRow {
  lead_key: string;
  campaign_key: string;
  verdict: Verdict;
  region: string;
  member_id: string;
  created_at: Date;
}

interface Stored {
  item: FeedbackItem;
  key: string;
  hash: Buffer;
}

/** Sums of +1/-1 moves, by key, so each rollup row is written once per batch. */
class Deltas {
  readonly counts = new Map<
    string,
    { campaignKey: string; region: string; verdict: Verdict; delta: number }
  >();
  readonly wins = new Map<string, { campaignKey: string; memberId: string; delta: number }>();

  move(
    from: Omit<LatestRow, 'lead_key' | 'created_at'> | undefined,
    to: Omit<LatestRow, 'lead_key' | 'created_at'>,
  ): void {
    if (from) this.add(from, -1);
    this.add(to, 1);
  }

  private add(row: Omit<LatestRow, 'lead_key' | 'created_at'>, delta: number): void {
    const countKey = JSON.stringify([row.campaign_key, row.region, row.verdict]);
    const count = this.counts.get(countKey) ?? {
      campaignKey: row.campaign_key,
      region: row.region,
      verdict: row.verdict,
      delta: 0,
    };
    count.delta += delta;
    this.counts.set(countKey, count);
    if (row.verdict !== 'won') return;
    const winKey = JSON.stringify([row.campaign_key, row.member_id]);
    const win = this.wins.get(winKey) ?? { campaignKey: row.campaign_key, memberId: row.member_id, delta: 0 };
    win.delta += delta;
    this.wins.set(winKey, win);
  }
}

/**
 * Moves each lead's one count to its latest verdict. Set-based: one read of the leads' current latest
 * verdicts (locked), then one write per rollup table, whatever the batch size.
 */
async function updateRollups(tx: Sql, stored: Stored[], memberId: string): Promise<void> {
  const latestInBatch = new Map<string, Stored>();
  for (const entry of stored) {
    const current = latestInBatch.get(entry.key);
    if (!current || entry.item.createdAt > current.item.createdAt) latestInBatch.set(entry.key, entry);
  }
  const keys = [...latestInBatch.keys()].sort();
  const previous = new Map(
    (
      await tx.query<LatestRow>(
        'SELECT lead_key, campaign_key, verdict, region, member_id, created_at FROM lead_latest WHERE lead_key = ANY($1) ORDER BY lead_key FOR UPDATE',
        [keys],
      )
    ).map((row) => [row.lead_key, row]),
  );
  const deltas = new Deltas();
  const latest: Array<LatestRow & { feedback_id: string }> = [];
  for (const key of keys) {
    const { item } = latestInBatch.get(key)!;
    const before = previous.get(key);
    const createdAt = new Date(item.createdAt);
    if (before && before.created_at > createdAt) continue; // an older verdict arriving late changes nothing
    const next = {
      campaign_key: item.campaignId ?? '',
      region: item.region ?? '',
      verdict: item.verdict,
      member_id: memberId,
    };
    deltas.move(before, next);
    latest.push({ lead_key: key, feedback_id: item.id, ...next, created_at: createdAt });
  }
  if (latest.length === 0) return;
  await tx.query(
    `INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[])
     ON CONFLICT (lead_key) DO UPDATE SET feedback_id = EXCLUDED.feedback_id, campaign_key = EXCLUDED.campaign_key,
       verdict = EXCLUDED.verdict, region = EXCLUDED.region, member_id = EXCLUDED.member_id, created_at = EXCLUDED.created_at`,
    [
      latest.map((r) => r.lead_key),
      latest.map((r) => r.feedback_id),
      latest.map((r) => r.campaign_key),
      latest.map((r) => r.verdict),
      latest.map((r) => r.region),
      latest.map((r) => r.member_id),
      latest.map((r) => r.created_at.toISOString()),
    ],
  );
  const counts = [...deltas.counts.values()].filter((c) => c.delta !== 0);
  if (counts.length > 0) {
    await tx.query(
      `INSERT INTO verdict_counts (campaign_key, region, verdict, leads)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
       ON CONFLICT (campaign_key, region, verdict) DO UPDATE SET leads = verdict_counts.leads + EXCLUDED.leads`,
      [
        counts.map((c) => c.campaignKey),
        counts.map((c) => c.region),
        counts.map((c) => c.verdict),
        counts.map((c) => c.delta),
      ],
    );
  }
  const wins = [...deltas.wins.values()].filter((w) => w.delta !== 0);
  if (wins.length > 0) {
    await tx.query(
      `INSERT INTO seller_wins (campaign_key, member_id, won)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[])
       ON CONFLICT (campaign_key, member_id) DO UPDATE SET won = seller_wins.won + EXCLUDED.won`,
      [wins.map((w) => w.campaignKey), wins.map((w) => w.memberId), wins.map((w) => w.delta)],
    );
  }
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

export function prepareBatch(rawItems: unknown[]): PreparedBatch {
  return rawItems.map((raw) => {
    const parsed = requests.FeedbackItem.safeParse(raw);
    if (!parsed.success) return invalid(raw, parsed.error);
    return { item: parsed.data, key: leadKey(parsed.data.lead), hash: canonicalHash(parsed.data) };
  });
}

/**
 * Stores a batch of feedback, each item exactly once, and updates the rollups in the same transaction.
 * Results come in the order of the items: created, duplicate (same id, same content: nothing stored),
 * conflict (same id, other content), or invalid (with the reason) while the valid items are stored.
 */
export async function ingest(tx: Sql, member: Member, batch: PreparedBatch): Promise<FeedbackResult[]> {
  const results = [...batch];

  const named = [
    ...new Set(results.filter(isStored).flatMap((s) => (s.item.campaignId ? [s.item.campaignId] : []))),
  ];
  const campaigns = new Set(
    (named.length === 0
      ? []
      : await tx.query<{ id: string }>(
          "SELECT id FROM briefs WHERE id = ANY($1::uuid[]) AND status <> 'draft'",
          [named],
        )
    ).map((r) => r.id),
  );
  // One id twice in one batch: the first occurrence decides, later ones are answered like a resend.
  const seen = new Set<string>();
  const candidates: Stored[] = [];
  for (const [index, entry] of results.entries()) {
    if (!isStored(entry)) continue;
    if (entry.item.campaignId && !campaigns.has(entry.item.campaignId)) {
      results[index] = {
        id: entry.item.id,
        status: 'invalid',
        error: 'campaignId: no such campaign in this workspace',
      };
    } else if (!seen.has(entry.item.id)) {
      seen.add(entry.item.id);
      candidates.push(entry);
    }
  }

  // Taken last before writing: from here to commit, ingests take turns on the workspace row.
  const { changeSeq, webhook } = await nextChange(tx);
  const rows = candidates.map(({ item, key, hash }) => ({
    id: item.id,
    member_id: member.id,
    campaign_id: item.campaignId,
    lead_key: key,
    crm: item.lead.crm,
    object_type: item.lead.objectType,
    record_id: item.lead.recordId,
    url: item.lead.url ?? null,
    signals: item.signals,
    verdict: item.verdict,
    region: item.region ?? null,
    note: item.note ?? null,
    created_at: item.createdAt,
    hash: `\\x${hash.toString('hex')}`,
    change_seq: changeSeq,
  }));
  const inserted = new Set(
    rows.length === 0
      ? []
      : (
          await tx.query<{ id: string }>(
            `INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                                   region, note, created_at, hash, change_seq)
             SELECT id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                    region, note, created_at, hash, change_seq
               FROM jsonb_populate_recordset(null::feedback, $1::jsonb)
             ON CONFLICT (id) DO NOTHING RETURNING id`,
            [JSON.stringify(rows)],
          )
        ).map((r) => r.id),
  );
  const stored = candidates.filter((c) => inserted.has(c.item.id));
  await updateRollups(tx, stored, member.id);
  // From here to commit every round trip holds the workspace row: each one skipped when it has nothing
  // to do is ingest throughput.
  if (stored.length > 0 && webhook) {
    await tx.query('INSERT INTO webhook_queue (feedback_id) SELECT unnest($1::uuid[])', [
      stored.map((s) => s.item.id),
    ]);
  }

  const resentIds = results
    .filter(isStored)
    .map((s) => s.item.id)
    .filter((id) => !inserted.has(id));
  const existing = new Map(
    (resentIds.length === 0
      ? []
      : await tx.query<{ id: string; hash: Uint8Array; member_id: string }>(
          'SELECT id, hash, member_id FROM feedback WHERE id = ANY($1::uuid[])',
          [resentIds],
        )
    ).map((row) => [row.id, row]),
  );
  const firstHash = new Map(candidates.map((c) => [c.item.id, c.hash]));
  const createdNow = new Set<string>();
  return results.map((entry) => {
    if (!isStored(entry)) return entry;
    const id = entry.item.id;
    if (inserted.has(id) && !createdNow.has(id)) {
      createdNow.add(id);
      return { id, status: 'created' };
    }
    const row =
      existing.get(id) ?? (inserted.has(id) ? { hash: firstHash.get(id)!, member_id: member.id } : undefined);
    const same = row && row.member_id === member.id && Buffer.from(row.hash).equals(entry.hash);
    return same
      ? { id, status: 'duplicate' }
      : { id, status: 'conflict', error: 'an item with this id and other content is already stored' };
  });
}

export interface FeedbackFilter extends PeriodFilter {
  memberId?: string;
  campaign?: string | null; // null: unmatched only
  verdict?: Verdict;
  since: Cursor;
  limit: number;
}

/** Where a reader stands in the change feed: the last change number and item id it has seen. */
export interface Cursor {
  seq: number;
  id: string;
}

const START: Cursor = { seq: 0, id: '00000000-0000-0000-0000-000000000000' };

/** "0" (from the start) or "<seq>.<uuid>" as a previous answer gave it; null when malformed. */
export function parseCursor(text: string | undefined): Cursor | null {
  if (!text || text === '0') return START;
  const match = text.match(/^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/);
  return match ? { seq: Number(match[1]), id: match[2]! } : null;
}

function formatCursor(cursor: Cursor): string {
  return cursor === START ? '0' : `${cursor.seq}.${cursor.id}`;
}

interface FeedbackRow {
  id: string;
  campaign_id: string | null;
  crm: FeedbackItem['lead']['crm'];
  object_type: FeedbackItem['lead']['objectType'];
  record_id: string;
  url: string | null;
  signals: FeedbackItem['signals'];
  verdict: Verdict;
  region: string | null;
  note: string | null;
  created_at: Date;
  member_id: string;
  member_name: string;
  change_seq: number;
  updated_at: Date;
}

/** Items changed (created or replied to) after the cursor, oldest change first, with their replies. */
export async function listFeedback(
  sql: Sql,
  filter: FeedbackFilter,
): Promise<{ items: FeedbackRecord[]; cursor: string }> {
  const conditions = new Conditions([filter.since.seq, filter.since.id]);
  conditions.clauses.push('(f.change_seq, f.id) > ($1::bigint, $2::uuid)');
  if (filter.memberId) conditions.add('f.member_id = ?', filter.memberId);
  if (filter.campaign === null) conditions.clauses.push('f.campaign_id IS NULL');
  else if (filter.campaign) conditions.add('f.campaign_id = ?', filter.campaign);
  if (filter.verdict) conditions.add('f.verdict = ?', filter.verdict);
  addPeriodFilter(conditions, filter);
  const params = conditions.params;
  params.push(filter.limit);
  const rows = await sql.query<FeedbackRow>(
    `SELECT f.id, f.campaign_id, f.crm, f.object_type, f.record_id, f.url, f.signals, f.verdict, f.region, f.note,
            f.created_at, f.member_id, m.name AS member_name, f.change_seq,
            greatest(f.received_at, coalesce((SELECT max(r.created_at) FROM replies r WHERE r.feedback_id = f.id), f.received_at)) AS updated_at
       FROM feedback f JOIN members m ON m.id = f.member_id
      ${conditions.where()}
      ORDER BY f.change_seq, f.id
      LIMIT $${params.length}`,
    params,
  );
  const replies = rows.length
    ? await sql.query<{
        id: string;
        feedback_id: string;
        author_id: string;
        author_name: string;
        text: string;
        created_at: Date;
      }>(
        `SELECT r.id, r.feedback_id, r.author_id, m.name AS author_name, r.text, r.created_at
           FROM replies r JOIN members m ON m.id = r.author_id
          WHERE r.feedback_id = ANY($1) ORDER BY r.created_at, r.id`,
        [rows.map((row) => row.id)],
      )
    : [];
  const items = rows.map(
    (row): FeedbackRecord => ({
      id: row.id,
      campaignId: row.campaign_id,
      lead: {
        crm: row.crm,
        objectType: row.object_type,
        recordId: row.record_id,
        ...(row.url ? { url: row.url } : {}),
      },
      signals: row.signals,
      verdict: row.verdict,
      ...(row.region ? { region: row.region } : {}),
      ...(row.note !== null ? { note: row.note } : {}),
      createdAt: row.created_at.toISOString(),
      rep: { id: row.member_id, name: row.member_name },
      replies: replies
        .filter((reply) => reply.feedback_id === row.id)
        .slice(-LIMITS.replies)
        .map((reply) => ({
          id: reply.id,
          feedbackId: reply.feedback_id,
          author: { id: reply.author_id, name: reply.author_name },
          text: reply.text,
          createdAt: reply.created_at.toISOString(),
        })),
      updatedAt: new Date(row.updated_at).toISOString(),
    }),
  );
  const last = rows.at(-1);
  return { items, cursor: formatCursor(last ? { seq: Number(last.change_seq), id: last.id } : filter.since) };
}

/** A marketer's reply; the item moves past every rep's cursor so its rep pulls the reply. */
export async function addReply(tx: Sql, author: Member, feedbackId: string, text: string): Promise<string> {
  const [item] = await tx.query('SELECT id FROM feedback WHERE id = $1 FOR UPDATE', [feedbackId]);
  if (!item) throw notFound('That feedback item');
  const { changeSeq } = await nextChange(tx);
  const id = randomUUID();
  await tx.query('INSERT INTO replies (id, feedback_id, author_id, text) VALUES ($1, $2, $3, $4)', [
    id,
    feedbackId,
    author.id,
    text,
  ]);
  await tx.query('UPDATE feedback SET change_seq = $2 WHERE id = $1', [feedbackId, changeSeq]);
  return id;
}
