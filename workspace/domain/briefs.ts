import { randomUUID } from 'node:crypto';
import {
  type Brief,
  type BriefInput,
  type BriefPatch,
  requests,
  shownBreakEvenDeals,
} from '../../lib/protocol';
import type { Sql } from '../db/database';
import { ApiError, notFound } from '../errors';
import { canonicalJson } from './canonical';
import { loadStats } from './stats';
import { newestUsefulAnswers } from './useful-answers';
import { nextChange } from './workspace';

interface BriefRow {
  id: string;
  data: BriefInput;
  updated_at: Date;
}

function toBrief(row: BriefRow, stats: Brief['stats'], usefulAnswer?: Brief['usefulAnswer']): Brief {
  const { economics, ...fields } = row.data;
  const derived = economics.breakEvenDeals === null;
  return {
    id: row.id,
    ...fields,
    economics: {
      ...economics,
      // A brief saved before its derived break-even was bounded (LIMITS.breakEvenDeals) shows none
      // rather than making every campaign list unreadable.
      breakEvenDeals: shownBreakEvenDeals(economics),
      breakEvenDerived: derived,
    },
    updatedAt: row.updated_at.toISOString(),
    stats,
    ...(usefulAnswer ? { usefulAnswer } : {}),
  };
}

/** Briefs with their stats: every non-draft one for reps, drafts too for marketers writing them. */
export async function listCampaigns(
  sql: Sql,
  options: { includeDrafts: boolean; showSellers: boolean },
): Promise<Brief[]> {
  const rows = await sql.query<BriefRow>(
    `SELECT id, data, updated_at FROM briefs ${options.includeDrafts ? '' : "WHERE status <> 'draft'"}
      ORDER BY (data->>'priority') = 'high' DESC, updated_at DESC, data->>'name', id`,
  );
  const stats = await loadStats(sql, options.showSellers);
  const useful = await newestUsefulAnswers(sql);
  return rows.map((row) => toBrief(row, stats(row.id), useful.get(row.id)));
}

export async function getBrief(sql: Sql, id: string, showSellers: boolean): Promise<Brief> {
  const [row] = await sql.query<BriefRow>('SELECT id, data, updated_at FROM briefs WHERE id = $1', [id]);
  if (!row) throw notFound('That campaign');
  const useful = await newestUsefulAnswers(sql, [id]);
  return toBrief(row, (await loadStats(sql, showSellers, [id]))(id), useful.get(id));
}

/**
 * Stores a new brief: its id, the client's when it made one (a retry of the same brief, its first
 * answer lost, is the brief stored then; another brief under that id is a conflict).
 */
export async function createBrief(sql: Sql, input: BriefInput, clientId?: string): Promise<string> {
  const id = clientId?.toLowerCase() ?? randomUUID();
  const inserted = await sql.query<{ id: string }>(
    'INSERT INTO briefs (id, status, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
    [id, input.status, JSON.stringify(input)],
  );
  if (inserted.length === 0) {
    const [stored] = await sql.query<{ data: unknown }>('SELECT data FROM briefs WHERE id = $1', [id]);
    if (stored && canonicalJson(stored.data) === canonicalJson(input)) return id;
    throw new ApiError(409, 'conflict', 'A campaign with this id and other content is already stored.');
  }
  await nextChange(sql);
  return id;
}

/**
 * Applies a patch to a brief; the result is checked whole, so a patch cannot make a brief invalid.
 * `readAt`, the brief's updatedAt as the caller read it: a brief changed since is left as it is (two
 * marketers editing one brief, or one in two tabs, would otherwise undo each other's changes).
 */
export async function patchBrief(sql: Sql, id: string, patch: BriefPatch, readAt?: string): Promise<void> {
  const [row] = await sql.query<BriefRow>(
    'SELECT id, data, updated_at FROM briefs WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!row) throw notFound('That campaign');
  const current = new Date(row.updated_at).toISOString();
  if (readAt !== undefined && Date.parse(readAt) !== Date.parse(current))
    throw new ApiError(
      412,
      'changed',
      `This campaign was changed at ${current}, after the version this change was made on: read it again, then make the change there.`,
    );
  const merged = requests.BriefInput.safeParse({ ...row.data, ...patch });
  if (!merged.success)
    throw ApiError.badInput(merged.error, 'The campaign would not be valid after this change.');
  // The workspace row first, as ingest takes it: a new channel moves the campaign's leads' pointers
  // (a trigger on briefs), which must not interleave with an ingest writing those leads' facts.
  await nextChange(sql);
  await sql.query('UPDATE briefs SET status = $2, data = $3, updated_at = now() WHERE id = $1', [
    id,
    merged.data.status,
    JSON.stringify(merged.data),
  ]);
}
