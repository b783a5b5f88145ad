import type { Verdict } from '../../lib/protocol';
import type { Database } from '../db/database';
import type { PeriodFilter } from './feedback-filter';
import { countedLeads, withInsightSettings } from './insights';

export type MatrixFilter = PeriodFilter;

export interface MatrixCell {
  campaignId: string | null;
  verdict: Verdict;
  leads: number;
}

/**
 * Campaign × verdict for the dashboard: leads whose feedback falls in the filter, each counted once by
 * its latest verdict there. `campaignId` null is the Unmatched column. Counted from the rollups the
 * Insights page counts from (`countedLeads`), so the two agree by construction: worked out from the
 * feedback itself, every load of the Feedback page sorted every verdict in the period by lead.
 */
export function feedbackMatrix(db: Database, filter: MatrixFilter): Promise<MatrixCell[]> {
  return withInsightSettings(db, async (sql) => {
    const leads = await countedLeads(sql, filter);
    const rows = await sql.query<{ campaign_id: string | null; verdict: Verdict; leads: number }>(
      `SELECT campaign_id, verdict, sum(n)::int AS leads FROM (${leads.sql}) l
        GROUP BY campaign_id, verdict HAVING sum(n) <> 0`,
      leads.params,
    );
    return rows.map((row) => ({
      campaignId: row.campaign_id,
      verdict: row.verdict,
      leads: Number(row.leads),
    }));
  });
}
