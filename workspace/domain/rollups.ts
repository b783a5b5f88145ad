import type { Sql } from '../db/database';

/**
 * Recomputes the rollups from the feedback itself: each lead's latest verdict, the counts by campaign,
 * region and verdict, and sellers' wins. Ingest keeps them incrementally; this is for repair, for
 * checking that the two agree, and for loading data in bulk.
 */
export async function rebuildRollups(tx: Sql): Promise<void> {
  await tx.exec(`
    TRUNCATE lead_latest, verdict_counts, seller_wins;
    INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
      SELECT DISTINCT ON (lead_key) lead_key, id, coalesce(campaign_id::text, ''), verdict, coalesce(region, ''), member_id, created_at
        FROM feedback ORDER BY lead_key, created_at DESC, received_at DESC;
    INSERT INTO verdict_counts (campaign_key, region, verdict, leads)
      SELECT campaign_key, region, verdict, count(*) FROM lead_latest GROUP BY campaign_key, region, verdict;
    INSERT INTO seller_wins (campaign_key, member_id, won)
      SELECT campaign_key, member_id, count(*) FROM lead_latest WHERE verdict = 'won' GROUP BY campaign_key, member_id;
    UPDATE workspace SET stats_version = stats_version + 1;
  `);
}
