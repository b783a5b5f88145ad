import type { Sql } from '../db/database';

// The rollups two ways, side by side: kept incrementally by ingest, in the database function
// ingest_items (../db/migrations/005_ingest.sql and 006_insight_facts.sql: each lead's latest verdict in
// lead_latest, counted once in verdict_counts by campaign, region and verdict, and in seller_wins when
// won; for the Insights page, each verdict with its next-verdict pointers in insight_facts, and from
// those, by triggers, the leads counted by their latest verdict in each scope in insight_counts,
// 009_insight_counts.sql, and the verdicts counted by day and next-verdict days in insight_days,
// 011_insight_days.sql), and rebuilt
// from the feedback itself here (rebuildRollups, rollupDifferences), which is how the first is checked.

/**
 * Recomputes the rollups from the feedback itself: each lead's latest verdict, the counts by campaign,
 * region and verdict, and sellers' wins. Ingest keeps them incrementally; this is for repair, for
 * checking that the two agree, and for loading data in bulk.
 */
export async function rebuildRollups(tx: Sql): Promise<void> {
  await tx.exec(`
    TRUNCATE lead_latest, verdict_counts, seller_wins, insight_facts, insight_counts, insight_days;
    INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
      SELECT DISTINCT ON (lead_key) lead_key, id, coalesce(campaign_id::text, ''), verdict, coalesce(region, ''), member_id, created_at
        FROM feedback ORDER BY lead_key, created_at DESC, received_at DESC, id DESC;
    INSERT INTO verdict_counts (campaign_key, region, verdict, leads)
      SELECT campaign_key, region, verdict, count(*) FROM lead_latest GROUP BY campaign_key, region, verdict;
    INSERT INTO seller_wins (campaign_key, member_id, won)
      SELECT campaign_key, member_id, count(*) FROM lead_latest WHERE verdict = 'won' GROUP BY campaign_key, member_id;
    -- insight_counts and insight_days fill as the facts go in (triggers, migrations 009 and 011).
    INSERT INTO insight_facts SELECT * FROM insight_facts_from_feedback;
    UPDATE workspace SET stats_version = stats_version + 1;
  `);
}

/**
 * Where the rollups kept by ingest differ from a rebuild from the feedback, row by row (empty when
 * they agree). Reads only: `npm run workspace -- verify` and the chaos suite ask it after every round.
 */
export async function rollupDifferences(tx: Sql): Promise<string[]> {
  const rebuiltLatest = `SELECT DISTINCT ON (lead_key) lead_key, id AS feedback_id, coalesce(campaign_id::text, '') AS campaign_key, verdict, coalesce(region, '') AS region, member_id
      FROM feedback ORDER BY lead_key, created_at DESC, received_at DESC, id DESC`;
  const checks: Array<[name: string, kept: string, rebuilt: string]> = [
    [
      'lead_latest',
      'SELECT lead_key, feedback_id, campaign_key, verdict, region, member_id FROM lead_latest',
      rebuiltLatest,
    ],
    [
      'verdict_counts',
      'SELECT campaign_key, region, verdict, leads FROM verdict_counts WHERE leads <> 0',
      `SELECT campaign_key, region, verdict, count(*) AS leads FROM (${rebuiltLatest}) l GROUP BY campaign_key, region, verdict`,
    ],
    [
      'seller_wins',
      'SELECT campaign_key, member_id, won FROM seller_wins WHERE won <> 0',
      `SELECT campaign_key, member_id, count(*) AS won FROM (${rebuiltLatest}) l WHERE verdict = 'won' GROUP BY campaign_key, member_id`,
    ],
    [
      'insight_facts',
      `SELECT feedback_id, lead_key, campaign_id, region, member_id, verdict, created_at, received_at, next_any, next_r,
              next_c, next_p, next_rc, next_rp, next_cp, next_rcp FROM insight_facts`,
      'SELECT * FROM insight_facts_from_feedback',
    ],
    [
      'insight_counts',
      `SELECT scope, filter_key, campaign_key, region, member_id, week, verdict, leads FROM insight_counts
        WHERE leads <> 0`,
      'SELECT * FROM insight_counts_from_feedback',
    ],
    [
      'insight_days',
      `SELECT day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc, next_rp,
              next_cp, next_rcp, verdicts FROM insight_days WHERE verdicts <> 0`,
      'SELECT * FROM insight_days_from_feedback',
    ],
  ];
  const differences: string[] = [];
  for (const [name, kept, rebuilt] of checks) {
    const [row] = await tx.query<{ extra: number; missing: number }>(
      `SELECT (SELECT count(*) FROM ((${kept}) EXCEPT (${rebuilt})) a)::int AS extra,
              (SELECT count(*) FROM ((${rebuilt}) EXCEPT (${kept})) b)::int AS missing`,
    );
    if (row && (row.extra > 0 || row.missing > 0))
      differences.push(
        `${name}: ${row.extra} rows kept that a rebuild does not have, ${row.missing} rebuilt rows missing`,
      );
  }
  return differences;
}
