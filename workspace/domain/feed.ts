/**
 * The feed: verdicts read back by cursor (a rep's own, or all of them for marketing, filtered), and
 * marketing's replies, which move an item up the feed.
 */
import { randomUUID } from 'node:crypto';
import {
  type FeedbackItem,
  type FeedbackRecord,
  LIMITS,
  type Member,
  type Verdict,
} from '../../lib/protocol';
import type { Sql } from '../db/database';
import { ApiError, notFound } from '../errors';
import { addPeriodFilter, Conditions, latestPerLead, type PeriodFilter } from './feedback-filter';
import { storedLead } from './ingest';
import { nextChange } from './workspace';

export interface FeedbackFilter extends PeriodFilter {
  memberId?: string;
  campaign?: string | null; // null: unmatched only
  verdict?: Verdict;
  /**
   * Only each lead's latest verdict within the period filters (the matrix's count): a cell's list then
   * holds the leads its number counts, not every verdict ever given with that campaign and verdict.
   */
  latest?: boolean;
  /** Only these items (an export's leads, chosen once by `latestIds`), whatever `latest` says. */
  ids?: readonly string[];
  since: Cursor;
  limit: number;
}

/** Where a reader stands in the change feed: the last change number and item id it has seen. */
export interface Cursor {
  seq: number;
  id: string;
}

export const START: Cursor = { seq: 0, id: '00000000-0000-0000-0000-000000000000' };

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
  lead_key: string;
  signals: FeedbackItem['signals'];
  verdict: Verdict;
  region: string | null;
  note: string | null;
  answers: FeedbackItem['answers'] | null;
  created_at: Date;
  member_id: string;
  member_name: string;
  change_seq: number;
  updated_at: Date;
}

/** The feed's conditions on `f`: after the cursor, and the filters. */
function feedConditions(filter: Omit<FeedbackFilter, 'limit'>): Conditions {
  const conditions = new Conditions([filter.since.seq, filter.since.id]);
  conditions.clauses.push('(f.change_seq, f.id) > ($1::bigint, $2::uuid)');
  if (filter.memberId) conditions.add('f.member_id = ?', filter.memberId);
  if (filter.campaign === null) conditions.clauses.push('f.campaign_id IS NULL');
  else if (filter.campaign) conditions.add('f.campaign_id = ?', filter.campaign);
  if (filter.verdict) conditions.add('f.verdict = ?', filter.verdict);
  addPeriodFilter(conditions, filter);
  if (filter.ids) conditions.add('f.id = ANY(?::uuid[])', filter.ids);
  else if (filter.latest) {
    // The matrix's count: each lead once, by its latest verdict within the period filters.
    const within = addPeriodFilter(new Conditions(conditions.params), filter);
    conditions.clauses.push(`f.id IN (${latestPerLead('f.id', within)})`);
  }
  return conditions;
}

/**
 * The items `listFeedback` would list for a `latest` filter, all of them, oldest change first: an
 * export reads them once, then a page at a time by id. Paged by the cursor, every page worked out each
 * lead's latest verdict over the whole period again: an export of 100,000 leads did it 200 times.
 */
export async function latestIds(sql: Sql, filter: Omit<FeedbackFilter, 'limit' | 'ids'>): Promise<string[]> {
  const conditions = feedConditions({ ...filter, latest: true });
  const rows = await sql.query<{ id: string }>(
    `SELECT f.id::text AS id FROM feedback f ${conditions.where()} ORDER BY f.change_seq, f.id`,
    conditions.params,
  );
  return rows.map((row) => row.id);
}

/** Items changed (created or replied to) after the cursor, oldest change first, with their replies. */
export async function listFeedback(
  sql: Sql,
  filter: FeedbackFilter,
): Promise<{ items: FeedbackRecord[]; cursor: string }> {
  const conditions = feedConditions(filter);
  const params = conditions.params;
  params.push(filter.limit);
  const rows = await sql.query<FeedbackRow>(
    `SELECT f.id, f.campaign_id, f.crm, f.object_type, f.record_id, f.url, f.lead_key, f.signals, f.verdict, f.region, f.note,
            f.answers, f.created_at, f.member_id, m.name AS member_name, f.change_seq,
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
        // Each item's newest LIMITS.replies, read as such (replies_feedback backwards, stopping there):
        // an item with thousands of replies cost every page it was on (a rep's pull, each page of an
        // export) all of them.
        `SELECT x.id, x.feedback_id, x.author_id, m.name AS author_name, x.text, x.created_at
           FROM unnest($1::uuid[]) AS item(id)
           CROSS JOIN LATERAL (SELECT r.id, r.feedback_id, r.author_id, r.text, r.created_at FROM replies r
                                WHERE r.feedback_id = item.id
                                ORDER BY r.created_at DESC, r.id DESC LIMIT $2) x
           JOIN members m ON m.id = x.author_id
          ORDER BY x.created_at, x.id`,
        [rows.map((row) => row.id), LIMITS.replies],
      )
    : [];
  const repliesOf = new Map<string, typeof replies>();
  for (const reply of replies) {
    const list = repliesOf.get(reply.feedback_id);
    if (list) list.push(reply);
    else repliesOf.set(reply.feedback_id, [reply]);
  }
  const items = rows.map(
    (row): FeedbackRecord => ({
      id: row.id,
      campaignId: row.campaign_id,
      lead: storedLead(row),
      signals: row.signals,
      verdict: row.verdict,
      ...(row.region ? { region: row.region } : {}),
      ...(row.note !== null ? { note: row.note } : {}),
      ...(row.answers ? { answers: row.answers } : {}),
      createdAt: row.created_at.toISOString(),
      rep: { id: row.member_id, name: row.member_name },
      replies: (repliesOf.get(row.id) ?? []).map((reply) => ({
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

/**
 * A marketer's reply; the item moves past every rep's cursor so its rep pulls the reply. `replyId`, the
 * client's id for it: sent again (a retry after an answer that never came), the reply is stored once
 * and its id answered; the same id with anything else is a conflict.
 */
export async function addReply(
  tx: Sql,
  author: Member,
  feedbackId: string,
  text: string,
  replyId?: string,
): Promise<string> {
  const [item] = await tx.query('SELECT id FROM feedback WHERE id = $1 FOR UPDATE', [feedbackId]);
  if (!item) throw notFound('That feedback item');
  // The workspace row's lock first: the same reply id sent to two items at once (each request locks only
  // its own item) both found no earlier reply, and the second insert broke the key (500, not 409).
  const { changeSeq } = await nextChange(tx);
  if (replyId) {
    const [earlier] = await tx.query<{ feedback_id: string; author_id: string; text: string }>(
      'SELECT feedback_id::text, author_id::text, text FROM replies WHERE id = $1',
      [replyId],
    );
    if (earlier) {
      if (earlier.feedback_id === feedbackId && earlier.author_id === author.id && earlier.text === text)
        return replyId;
      throw new ApiError(409, 'conflict', 'A different reply was already sent with this id.');
    }
  }
  // A removed rep's verdict: their links are revoked and a rep invited again is a new member, so the
  // reply would reach no one (the dashboard said "Ana sees it in the panel"). A retry of a reply kept
  // before the removal is answered above, as kept. The member row is held (FOR SHARE) until the reply
  // commits: a removal meanwhile waits for it, and a reply meanwhile waits for the removal.
  const [rep] = await tx.query<{ name: string; removed: boolean }>(
    `SELECT m.name, m.removed_at IS NOT NULL AS removed
       FROM feedback f JOIN members m ON m.id = f.member_id WHERE f.id = $1
        FOR SHARE OF m`,
    [feedbackId],
  );
  if (rep?.removed)
    throw new ApiError(
      409,
      'rep_removed',
      `${rep.name} was removed from the team, so no one would see this reply.`,
    );
  const id = replyId ?? randomUUID();
  await tx.query('INSERT INTO replies (id, feedback_id, author_id, text) VALUES ($1, $2, $3, $4)', [
    id,
    feedbackId,
    author.id,
    text,
  ]);
  await tx.query('UPDATE feedback SET change_seq = $2 WHERE id = $1', [feedbackId, changeSeq]);
  return id;
}
