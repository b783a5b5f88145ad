/**
 * Answers marketing found useful (issue 15, "Back to the reps"): a marketer marks one answer of a
 * feedback item, by its place in the item's answers, and each brief the reps get carries its campaign's
 * most recently marked answer (no rep's name). Marking and unmarking change what GET /api/v1/campaigns
 * answers, so both bump its ETag (the workspace's stats_version).
 */
import type { UsefulAnswer, UsefulMark } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { notFound } from '../errors';

/** The ETag of GET /api/v1/campaigns; taken first, so marking waits on the workspace row like ingest. */
async function bumpCampaignsVersion(sql: Sql): Promise<void> {
  await sql.query('UPDATE workspace SET stats_version = stats_version + 1');
}

/** Marks a feedback item's answer useful (again: the first mark stays); 404 when it has no such answer. */
export async function markUseful(
  sql: Sql,
  memberId: string,
  feedbackId: string,
  index: number,
): Promise<UsefulMark> {
  await bumpCampaignsVersion(sql);
  const [answer] = await sql.query<{ found: boolean }>(
    'SELECT true AS found FROM feedback WHERE id = $1 AND jsonb_typeof(answers -> $2::int) = $3',
    [feedbackId, index, 'object'],
  );
  if (!answer) throw notFound('That answer');
  await sql.query(
    `INSERT INTO useful_answers (feedback_id, answer_index, marked_by) VALUES ($1, $2, $3)
     ON CONFLICT (feedback_id, answer_index) DO NOTHING`,
    [feedbackId, index, memberId],
  );
  const [row] = await sql.query<{ marked_at: Date }>(
    'SELECT marked_at FROM useful_answers WHERE feedback_id = $1 AND answer_index = $2',
    [feedbackId, index],
  );
  return { feedbackId, index, markedAt: new Date(row!.marked_at).toISOString() };
}

/** Takes the mark off (nothing to take off is fine); 404 when the item has no such answer. */
export async function unmarkUseful(sql: Sql, feedbackId: string, index: number): Promise<void> {
  await bumpCampaignsVersion(sql);
  const [answer] = await sql.query<{ found: boolean }>(
    'SELECT true AS found FROM feedback WHERE id = $1 AND jsonb_typeof(answers -> $2::int) = $3',
    [feedbackId, index, 'object'],
  );
  if (!answer) throw notFound('That answer');
  await sql.query('DELETE FROM useful_answers WHERE feedback_id = $1 AND answer_index = $2', [
    feedbackId,
    index,
  ]);
}

/**
 * Each campaign's most recently marked useful answer (on equal instants the newer answer), by campaign
 * id: all campaigns, or only these.
 */
export async function newestUsefulAnswers(
  sql: Sql,
  campaignIds?: string[],
): Promise<Map<string, UsefulAnswer>> {
  const rows = await sql.query<{ campaign_id: string; question: string; answer: string; marked_at: Date }>(
    `SELECT DISTINCT ON (f.campaign_id) f.campaign_id::text AS campaign_id,
            f.answers -> u.answer_index ->> 'question' AS question,
            f.answers -> u.answer_index ->> 'answer' AS answer, u.marked_at
       FROM useful_answers u JOIN feedback f ON f.id = u.feedback_id
      WHERE f.campaign_id IS NOT NULL AND ($1::text[] IS NULL OR f.campaign_id::text = ANY($1))
        AND f.answers -> u.answer_index IS NOT NULL
      ORDER BY f.campaign_id, u.marked_at DESC, f.created_at DESC, f.id DESC, u.answer_index`,
    [campaignIds ?? null],
  );
  return new Map(
    rows.map((row) => [
      row.campaign_id,
      { question: row.question, answer: row.answer, markedAt: new Date(row.marked_at).toISOString() },
    ]),
  );
}
