import type { Verdict } from '../../lib/protocol';
import type { Sql } from '../db/database';

export interface MatrixFilter {
  from?: string | undefined;
  to?: string | undefined;
  region?: string | undefined;
  channel?: string | undefined;
  rep?: string | undefined;
}

export interface MatrixCell {
  campaignId: string | null;
  verdict: Verdict;
  leads: number;
}

/**
 * Campaign × verdict for the dashboard: leads whose feedback falls in the filter, each counted once by
 * its latest verdict there. `campaignId` null is the Unmatched column.
 */
export async function feedbackMatrix(sql: Sql, filter: MatrixFilter): Promise<MatrixCell[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.from) add('f.created_at >= ?::date', filter.from);
  if (filter.to) add("f.created_at < ?::date + interval '1 day'", filter.to);
  if (filter.region) add('f.region = ?', filter.region);
  if (filter.rep) add('f.member_id = ?::uuid', filter.rep);
  if (filter.channel) add("b.data->>'channel' = ?", filter.channel);
  const rows = await sql.query<{ campaign_id: string | null; verdict: Verdict; leads: number }>(
    `SELECT campaign_id, verdict, count(*)::int AS leads FROM (
       SELECT DISTINCT ON (f.lead_key) f.campaign_id, f.verdict
         FROM feedback f LEFT JOIN briefs b ON b.id = f.campaign_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY f.lead_key, f.created_at DESC, f.received_at DESC) latest
     GROUP BY campaign_id, verdict`,
    params,
  );
  return rows.map((row) => ({ campaignId: row.campaign_id, verdict: row.verdict, leads: Number(row.leads) }));
}
