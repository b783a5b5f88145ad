import type { Verdict } from '../../lib/protocol';
import type { Sql } from '../db/database';
import type { Stored } from './ingest';

// The rollups two ways, side by side: kept incrementally by ingest (updateRollups), and rebuilt from
// the feedback itself (rebuildRollups, rollupDifferences), which is how the first is checked.

interface LatestRow {
  lead_key: string;
  campaign_key: string;
  verdict: Verdict;
  region: string;
  member_id: string;
  created_at: Date;
}

/** Sums of +1/-1 moves, by key, so each rollup row is written once per batch. */
class Deltas {
  readonly counts = new Map<
    string,
    { campaignKey: string; region: string; verdict: Verdict; delta: number }
  >();
  readonly wins = new Map<string, { campaignKey: string; memberId: string; delta: number }>();

  move(
    from: Omit<LatestRow, 'lead_key' | 'created_at'> | undefined,
    to: Omit<LatestRow, 'lead_key' | 'created_at'>,
  ): void {
    if (from) this.add(from, -1);
    this.add(to, 1);
  }

  private add(row: Omit<LatestRow, 'lead_key' | 'created_at'>, delta: number): void {
    const countKey = JSON.stringify([row.campaign_key, row.region, row.verdict]);
    const count = this.counts.get(countKey) ?? {
      campaignKey: row.campaign_key,
      region: row.region,
      verdict: row.verdict,
      delta: 0,
    };
    count.delta += delta;
    this.counts.set(countKey, count);
    if (row.verdict !== 'won') return;
    const winKey = JSON.stringify([row.campaign_key, row.member_id]);
    const win = this.wins.get(winKey) ?? { campaignKey: row.campaign_key, memberId: row.member_id, delta: 0 };
    win.delta += delta;
    this.wins.set(winKey, win);
  }
}

/**
 * Moves each lead's one count to its latest verdict. Set-based: one read of the leads' current latest
 * verdicts (locked), then one write per rollup table, whatever the batch size.
 */
export async function updateRollups(tx: Sql, stored: Stored[], memberId: string): Promise<void> {
  const latestInBatch = new Map<string, Stored>();
  for (const entry of stored) {
    const current = latestInBatch.get(entry.key);
    if (!current || entry.item.createdAt > current.item.createdAt) latestInBatch.set(entry.key, entry);
  }
  const keys = [...latestInBatch.keys()].sort();
  const previous = new Map(
    (
      await tx.query<LatestRow>(
        'SELECT lead_key, campaign_key, verdict, region, member_id, created_at FROM lead_latest WHERE lead_key = ANY($1) ORDER BY lead_key FOR UPDATE',
        [keys],
      )
    ).map((row) => [row.lead_key, row]),
  );
  const deltas = new Deltas();
  const latest: Array<LatestRow & { feedback_id: string }> = [];
  for (const key of keys) {
    const { item } = latestInBatch.get(key)!;
    const before = previous.get(key);
    const createdAt = new Date(item.createdAt);
    if (before && before.created_at > createdAt) continue; // an older verdict arriving late changes nothing
    const next = {
      campaign_key: item.campaignId ?? '',
      region: item.region ?? '',
      verdict: item.verdict,
      member_id: memberId,
    };
    deltas.move(before, next);
    latest.push({ lead_key: key, feedback_id: item.id, ...next, created_at: createdAt });
  }
  if (latest.length === 0) return;
  await tx.query(
    `INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[])
     ON CONFLICT (lead_key) DO UPDATE SET feedback_id = EXCLUDED.feedback_id, campaign_key = EXCLUDED.campaign_key,
       verdict = EXCLUDED.verdict, region = EXCLUDED.region, member_id = EXCLUDED.member_id, created_at = EXCLUDED.created_at`,
    [
      latest.map((r) => r.lead_key),
      latest.map((r) => r.feedback_id),
      latest.map((r) => r.campaign_key),
      latest.map((r) => r.verdict),
      latest.map((r) => r.region),
      latest.map((r) => r.member_id),
      latest.map((r) => r.created_at.toISOString()),
    ],
  );
  const counts = [...deltas.counts.values()].filter((c) => c.delta !== 0);
  if (counts.length > 0) {
    await tx.query(
      `INSERT INTO verdict_counts (campaign_key, region, verdict, leads)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
       ON CONFLICT (campaign_key, region, verdict) DO UPDATE SET leads = verdict_counts.leads + EXCLUDED.leads`,
      [
        counts.map((c) => c.campaignKey),
        counts.map((c) => c.region),
        counts.map((c) => c.verdict),
        counts.map((c) => c.delta),
      ],
    );
  }
  const wins = [...deltas.wins.values()].filter((w) => w.delta !== 0);
  if (wins.length > 0) {
    await tx.query(
      `INSERT INTO seller_wins (campaign_key, member_id, won)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[])
       ON CONFLICT (campaign_key, member_id) DO UPDATE SET won = seller_wins.won + EXCLUDED.won`,
      [wins.map((w) => w.campaignKey), wins.map((w) => w.memberId), wins.map((w) => w.delta)],
    );
  }
}

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

/**
 * Where the rollups kept by ingest differ from a rebuild from the feedback, row by row (empty when
 * they agree). Reads only: `npm run workspace -- verify` and the chaos suite ask it after every round.
 */
export async function rollupDifferences(tx: Sql): Promise<string[]> {
  const rebuiltLatest = `SELECT DISTINCT ON (lead_key) lead_key, id AS feedback_id, coalesce(campaign_id::text, '') AS campaign_key, verdict, coalesce(region, '') AS region, member_id
      FROM feedback ORDER BY lead_key, created_at DESC, received_at DESC`;
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
