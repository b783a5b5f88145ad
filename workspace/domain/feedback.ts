import { randomUUID } from 'node:crypto';
import { toSalesforceId18 } from '../../lib/crm/salesforce-id';
import {
  type FeedbackItem,
  type FeedbackRecord,
  type FeedbackResult,
  LIMITS,
  type Member,
  requests,
  type Verdict,
} from '../../lib/protocol';
import type { Sql } from '../db/database';
import { notFound } from '../errors';
import { canonicalHash } from './canonical';
import { nextChange } from './workspace';

/** One lead, whatever page or id form it was seen on: Salesforce ids count in their 18-character form. */
export function leadKey(lead: FeedbackItem['lead']): string {
  const recordId =
    lead.crm === 'salesforce' ? (toSalesforceId18(lead.recordId) ?? lead.recordId) : lead.recordId;
  return `${lead.crm}:${lead.objectType}:${recordId}`;
}

function idOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'id')) return null;
  const id = (raw as { id: unknown }).id;
  return typeof id === 'string' ? id.slice(0, LIMITS.recordId) : null;
}

interface LatestRow {
  feedback_id: string;
  campaign_key: string;
  verdict: Verdict;
  region: string;
  member_id: string;
  created_at: Date;
}

async function addCount(
  sql: Sql,
  campaignKey: string,
  region: string,
  verdict: Verdict,
  delta: number,
): Promise<void> {
  await sql.query(
    `INSERT INTO verdict_counts (campaign_key, region, verdict, leads) VALUES ($1, $2, $3, $4)
     ON CONFLICT (campaign_key, region, verdict) DO UPDATE SET leads = verdict_counts.leads + EXCLUDED.leads`,
    [campaignKey, region, verdict, delta],
  );
}

async function addWin(sql: Sql, campaignKey: string, memberId: string, delta: number): Promise<void> {
  await sql.query(
    `INSERT INTO seller_wins (campaign_key, member_id, won) VALUES ($1, $2, $3)
     ON CONFLICT (campaign_key, member_id) DO UPDATE SET won = seller_wins.won + EXCLUDED.won`,
    [campaignKey, memberId, delta],
  );
}

/** Moves a lead's one count from its previous latest verdict (if any) to this item, when this item is later. */
async function updateRollups(sql: Sql, key: string, item: FeedbackItem, memberId: string): Promise<void> {
  const [previous] = await sql.query<LatestRow>('SELECT * FROM lead_latest WHERE lead_key = $1 FOR UPDATE', [
    key,
  ]);
  const createdAt = new Date(item.createdAt);
  if (previous && previous.created_at > createdAt) return; // an older verdict arriving late changes nothing
  const next = { campaignKey: item.campaignId ?? '', region: item.region ?? '', verdict: item.verdict };
  if (previous) {
    await addCount(sql, previous.campaign_key, previous.region, previous.verdict, -1);
    if (previous.verdict === 'won') await addWin(sql, previous.campaign_key, previous.member_id, -1);
  }
  await addCount(sql, next.campaignKey, next.region, next.verdict, 1);
  if (next.verdict === 'won') await addWin(sql, next.campaignKey, memberId, 1);
  await sql.query(
    `INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (lead_key) DO UPDATE SET feedback_id = $2, campaign_key = $3, verdict = $4, region = $5,
       member_id = $6, created_at = $7`,
    [key, item.id, next.campaignKey, next.verdict, next.region, memberId, createdAt],
  );
}

/**
 * Stores a batch of feedback, each item exactly once, and updates the rollups in the same transaction.
 * Results come in the order of the items: created, duplicate (same id, same content: nothing stored),
 * conflict (same id, other content), or invalid (with the reason) while the valid items are stored.
 */
export async function ingest(tx: Sql, member: Member, rawItems: unknown[]): Promise<FeedbackResult[]> {
  const { changeSeq } = await nextChange(tx);
  const campaigns = new Set(
    (await tx.query<{ id: string }>("SELECT id FROM briefs WHERE status <> 'draft'")).map((row) => row.id),
  );
  const results: FeedbackResult[] = [];
  for (const raw of rawItems) {
    const parsed = requests.FeedbackItem.safeParse(raw);
    if (!parsed.success) {
      const problem = parsed.error.issues[0];
      const where = problem?.path.map(String).join('.');
      results.push({
        id: idOf(raw),
        status: 'invalid',
        error: `${where ? `${where}: ` : ''}${problem?.message ?? 'invalid'}`,
      });
      continue;
    }
    const item = parsed.data;
    if (item.campaignId && !campaigns.has(item.campaignId)) {
      results.push({
        id: item.id,
        status: 'invalid',
        error: 'campaignId: no such campaign in this workspace',
      });
      continue;
    }
    const hash = canonicalHash(item);
    const key = leadKey(item.lead);
    const inserted = await tx.query(
      `INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                             region, note, created_at, hash, change_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        item.id,
        member.id,
        item.campaignId,
        key,
        item.lead.crm,
        item.lead.objectType,
        item.lead.recordId,
        item.lead.url ?? null,
        JSON.stringify(item.signals),
        item.verdict,
        item.region ?? null,
        item.note ?? null,
        item.createdAt,
        hash,
        changeSeq,
      ],
    );
    if (inserted.length === 0) {
      const [existing] = await tx.query<{ hash: Uint8Array; member_id: string }>(
        'SELECT hash, member_id FROM feedback WHERE id = $1',
        [item.id],
      );
      const same = existing && existing.member_id === member.id && Buffer.from(existing.hash).equals(hash);
      results.push(
        same
          ? { id: item.id, status: 'duplicate' }
          : {
              id: item.id,
              status: 'conflict',
              error: 'an item with this id and other content is already stored',
            },
      );
      continue;
    }
    await updateRollups(tx, key, item, member.id);
    await tx.query(
      'INSERT INTO webhook_queue (feedback_id) SELECT $1 FROM workspace WHERE webhook_url IS NOT NULL',
      [item.id],
    );
    results.push({ id: item.id, status: 'created' });
  }
  return results;
}

export interface FeedbackFilter {
  memberId?: string;
  campaign?: string | null; // null: unmatched only
  verdict?: Verdict;
  region?: string;
  rep?: string;
  from?: string;
  to?: string;
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
  const where = ['(f.change_seq, f.id) > ($1::bigint, $2::uuid)'];
  const params: unknown[] = [filter.since.seq, filter.since.id];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.memberId) add('f.member_id = ?', filter.memberId);
  if (filter.campaign === null) where.push('f.campaign_id IS NULL');
  else if (filter.campaign) add('f.campaign_id = ?', filter.campaign);
  if (filter.verdict) add('f.verdict = ?', filter.verdict);
  if (filter.region) add('f.region = ?', filter.region);
  if (filter.rep) add('f.member_id = ?', filter.rep);
  if (filter.from) add('f.created_at >= ?', filter.from);
  if (filter.to) add('f.created_at < ?', filter.to);
  params.push(filter.limit);
  const rows = await sql.query<FeedbackRow>(
    `SELECT f.id, f.campaign_id, f.crm, f.object_type, f.record_id, f.url, f.signals, f.verdict, f.region, f.note,
            f.created_at, f.member_id, m.name AS member_name, f.change_seq,
            greatest(f.received_at, coalesce((SELECT max(r.created_at) FROM replies r WHERE r.feedback_id = f.id), f.received_at)) AS updated_at
       FROM feedback f JOIN members m ON m.id = f.member_id
      WHERE ${where.join(' AND ')}
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
