import type { Verdict } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { addPeriodFilter, Conditions, type PeriodFilter } from './feedback-filter';

export type MatrixFilter = PeriodFilter;

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
  const conditions = addPeriodFilter(new Conditions(), filter);
  const rows = await sql.query<{ campaign_id: string | null; verdict: Verdict; leads: number }>(
    `SELECT campaign_id, verdict, count(*)::int AS leads FROM (
       SELECT DISTINCT ON (f.lead_key) f.campaign_id, f.verdict
         FROM feedback f
        ${conditions.where()}
        ORDER BY f.lead_key, f.created_at DESC, f.received_at DESC, f.id DESC) latest
     GROUP BY campaign_id, verdict`,
    conditions.params,
  );
  return rows.map((row) => ({ campaignId: row.campaign_id, verdict: row.verdict, leads: Number(row.leads) }));
}
