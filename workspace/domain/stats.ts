import { LIMITS, type Stats, VERDICTS, type Verdict, type VerdictCounts } from '../../lib/protocol';
import type { Sql } from '../db/database';

function emptyCounts(): VerdictCounts {
  return Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0])) as VerdictCounts;
}

function emptyStats(asOf: string): Stats {
  return { leads: 0, verdicts: emptyCounts(), won: 0, byRegion: [], topSellers: [], asOf };
}

/**
 * Stats for campaigns, read from the rollups that ingest keeps (never by scanning feedback). Returns a
 * lookup by campaign id; the key '' holds feedback no campaign matched.
 */
export async function loadStats(
  sql: Sql,
  showSellers: boolean,
  campaignKeys?: string[],
): Promise<(key: string) => Stats> {
  // All campaigns, or only these: one parameter that may be null.
  const params = [campaignKeys ?? null];
  const counts = await sql.query<{ campaign_key: string; region: string; verdict: Verdict; leads: number }>(
    `SELECT campaign_key, region, verdict, leads FROM verdict_counts
      WHERE leads > 0 AND ($1::text[] IS NULL OR campaign_key = ANY($1))`,
    params,
  );
  const sellers = showSellers
    ? await sql.query<{ campaign_key: string; name: string; won: number }>(
        `SELECT campaign_key, name, won FROM (
           SELECT s.campaign_key, m.name, s.won,
                  row_number() OVER (PARTITION BY s.campaign_key ORDER BY s.won DESC, m.name) AS rank
             FROM seller_wins s JOIN members m ON m.id = s.member_id
            WHERE s.won > 0 AND ($1::text[] IS NULL OR s.campaign_key = ANY($1))) ranked
          WHERE rank <= 5`,
        params,
      )
    : [];

  const asOf = new Date().toISOString();
  const byCampaign = new Map<string, Stats>();
  const statsOf = (key: string) => {
    const stats = byCampaign.get(key) ?? emptyStats(asOf);
    byCampaign.set(key, stats);
    return stats;
  };
  for (const row of counts) {
    const stats = statsOf(row.campaign_key);
    const leads = Number(row.leads);
    stats.leads += leads;
    stats.verdicts[row.verdict] += leads;
    if (row.verdict === 'won') stats.won += leads;
    if (row.region) {
      let region = stats.byRegion.find((r) => r.region === row.region);
      if (!region) {
        region = { region: row.region, leads: 0, verdicts: emptyCounts() };
        stats.byRegion.push(region);
      }
      region.leads += leads;
      region.verdicts[row.verdict] += leads;
    }
  }
  for (const row of sellers)
    statsOf(row.campaign_key).topSellers?.push({ name: row.name, won: Number(row.won) });
  for (const stats of byCampaign.values()) {
    stats.byRegion.sort((a, b) => b.leads - a.leads || a.region.localeCompare(b.region));
    stats.byRegion = stats.byRegion.slice(0, LIMITS.regions);
  }

  return (key) => {
    const stats = byCampaign.get(key) ?? emptyStats(asOf);
    return showSellers ? stats : { ...stats, topSellers: null };
  };
}
