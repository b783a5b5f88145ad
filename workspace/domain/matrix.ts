import type { Verdict } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { addPeriodFilter, Conditions, latestPerLead, type PeriodFilter } from './feedback-filter';

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
    `SELECT campaign_id, verdict, count(*)::int AS leads
       FROM (${latestPerLead('f.campaign_id, f.verdict', conditions)}) latest
      GROUP BY campaign_id, verdict`,
    conditions.params,
  );
  return rows.map((row) => ({ campaignId: row.campaign_id, verdict: row.verdict, leads: Number(row.leads) }));
}
