import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VERDICTS } from '../../lib/protocol';
import { backup, restore } from '../../workspace/backup';
import { type Database, openDatabase } from '../../workspace/db/database';
import {
  campaignPayback,
  channelRanking,
  countedLeads,
  type InsightFilter,
  insights,
  type Leads,
  leadTotals,
  regionHeatMap,
  sellersByCampaign,
  weeklyTrend,
  withInsightSettings,
} from '../../workspace/domain/insights';
import { rebuildRollups, rollupDifferences } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, freshPostgresDatabase, startTestWorkspace, type TestWorkspace } from './harness';

const TODAY = '2026-05-25';

/**
 * insight_counts (migration 009) against the definition: each lead once, by its latest verdict among
 * those in the filters, found by sorting the feedback by lead, then counted by campaign, region, rep,
 * verdict and week. Every filter the counts answer (none, one of region / channel / rep, a period that
 * runs to the latest verdict, from a Monday or mid-week) and some they leave to the facts, through late
 * arrivals, a campaign moved to another channel, a rebuild and a restore.
 */
describe.each(DATABASES)('insight counts on %s', (kind) => {
  let ws: TestWorkspace;
  let copy: Database | undefined;
  afterAll(async () => {
    await copy?.close();
    await ws?.destroy();
  });

  const definition = (filter: InsightFilter): Leads => {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.from) add('f.created_at >= ?::date', filter.from);
    if (filter.to) add("f.created_at < ?::date + interval '1 day'", filter.to);
    if (filter.region) add('f.region = ?', filter.region);
    if (filter.channel)
      add(
        "EXISTS (SELECT 1 FROM briefs b WHERE b.id = f.campaign_id AND b.data->>'channel' = ?)",
        filter.channel,
      );
    if (filter.rep) add('f.member_id = ?::uuid', filter.rep);
    return {
      sql: `SELECT DISTINCT ON (f.lead_key) f.campaign_id, f.region, f.member_id, f.verdict,
                   date_trunc('week', f.created_at AT TIME ZONE 'UTC')::date AS week, 1 AS n
              FROM feedback f ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
             ORDER BY f.lead_key, f.created_at DESC, f.received_at DESC, f.id DESC`,
      params,
    };
  };
  const tally = (db: Database, leads: Leads) =>
    db.query(
      `SELECT campaign_id::text, region, member_id::text, verdict, to_char(week, 'YYYY-MM-DD') AS week,
              sum(n)::int AS leads
         FROM (${leads.sql}) l GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5`,
      leads.params,
    );

  it('count every filter as the definition does, before and after a channel change, a rebuild and a restore', async () => {
    ws = await startTestWorkspace(kind);
    const marketer = await ws.join('marketer');
    const reps = [
      await ws.join('rep', 'A', 'DACH'),
      await ws.join('rep', 'B', 'Iberia'),
      await ws.join('rep', 'C'),
    ];
    const campaigns: Array<string | null> = [null];
    for (const [name, channel] of [
      ['One', 'Webinar'],
      ['Two', 'Webinar'],
      ['Three', 'Search'],
    ] as const) {
      const response = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name, channel }),
      });
      campaigns.push(((await response.json()) as { id: string }).id);
    }
    let state = 23;
    const next = (n: number) => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let batch = 0; batch < 10; batch++) {
      const rep = reps[next(reps.length)]!;
      const items = Array.from({ length: 30 }, () =>
        feedbackItem({
          id: randomUUID(),
          campaignId: campaigns[next(campaigns.length)]!,
          lead: { crm: 'pipedrive', objectType: 'deal', recordId: String(next(25)) },
          verdict: VERDICTS[next(VERDICTS.length)]!,
          region: ['DACH', 'Iberia', 'Nordics'][next(3)]!,
          // 20 days from Friday 1 May, in any order: late arrivals take verdicts out of the counts
          createdAt: new Date(Date.UTC(2026, 4, 1) + next(20 * 86_400) * 1_000 + next(1_000)).toISOString(),
        }),
      );
      const response = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      expect(response.status).toBe(200);
    }
    const rep = reps[1]!.id;
    // Each with whether insight_counts answers it (the rest read insight_facts).
    const filters: Array<[InsightFilter, boolean]> = [
      [{}, true],
      [{ region: 'Iberia' }, true],
      [{ channel: 'Webinar' }, true],
      [{ rep }, true],
      [{ from: '2026-05-11' }, true], // a Monday
      [{ from: '2026-05-06' }, true], // a Wednesday: its days to Monday from the facts
      [{ from: '2026-05-09', to: '2026-05-31' }, true],
      [{ to: '2026-06-30' }, true],
      [{ from: '2026-05-07', region: 'DACH' }, true],
      [{ from: '2026-05-13', to: '2026-05-31', channel: 'Webinar' }, true],
      [{ from: '2026-05-05', rep }, true],
      [{ to: '2026-05-12' }, false], // ends before the latest verdict
      [{ from: '2026-05-03', to: '2026-05-15', region: 'Iberia' }, false],
      [{ region: 'DACH', channel: 'Search' }, false],
      [{ channel: 'Search', rep }, false],
    ];
    const check = async (db: Database) => {
      expect(await db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
      for (const [filter, counted] of filters) {
        const leads = await db.transaction((tx) => countedLeads(tx, filter));
        expect(leads.sql.includes('insight_counts'), JSON.stringify(filter)).toBe(counted);
        expect(await tally(db, leads), JSON.stringify(filter)).toEqual(await tally(db, definition(filter)));
      }
    };
    await check(ws.db);
    // Campaign Two leaves the webinars: its leads' channel pointers move, and the counts with them.
    const moved = await ws.call('PATCH', `/api/v1/campaigns/${campaigns[2]}`, {
      token: marketer.token,
      body: { channel: 'Search' },
    });
    expect(moved.status).toBe(200);
    await check(ws.db);
    await ws.db.transaction((tx) => rebuildRollups(tx));
    await check(ws.db);

    // A restore remakes the counts from the facts it puts back (a backup leaves them out).
    const file = join(ws.dataDir, 'counts-backup.jsonl');
    await backup(ws.db, file);
    copy = await openDatabase(
      kind === 'postgres' ? { databaseUrl: await freshPostgresDatabase(), dataDir: null } : { dataDir: null },
    );
    await restore(copy, file);
    await check(copy);
    const counts = 'SELECT * FROM insight_counts WHERE leads <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7';
    expect(await copy.query(counts)).toEqual(await ws.db.query(counts));

    // Facts removed leave the counts too (nothing removes them today; the trigger is there for it).
    await copy.query(
      'DELETE FROM insight_facts WHERE feedback_id IN (SELECT feedback_id FROM insight_facts LIMIT 40)',
    );
    const [left] = await copy.query<{ extra: number; missing: number }>(
      `SELECT (SELECT count(*) FROM (SELECT * FROM insight_counts WHERE leads <> 0
                                     EXCEPT SELECT * FROM insight_counts_from_facts) a)::int AS extra,
              (SELECT count(*) FROM (SELECT * FROM insight_counts_from_facts
                                     EXCEPT SELECT * FROM insight_counts WHERE leads <> 0) b)::int AS missing`,
    );
    expect(left).toEqual({ extra: 0, missing: 0 });
  });

  it('give the same answer in one statement as each insight asked alone', async () => {
    const rep = (await ws.db.query<{ id: string }>("SELECT id FROM members WHERE name = 'B'"))[0]!.id;
    const filters: InsightFilter[] = [
      {},
      { region: 'Iberia' },
      { from: '2026-05-06', rep },
      { to: '2026-05-12' },
      { from: '2026-05-03', to: '2026-05-15', region: 'DACH', channel: 'Search' },
    ];
    for (const filter of filters) {
      const all = await insights(ws.db, filter, TODAY);
      const threshold = all.tireKickerThreshold;
      const alone = await withInsightSettings(ws.db, async (sql) => ({
        ...(await leadTotals(sql, filter)),
        channels: await channelRanking(sql, filter, threshold),
        payback: await campaignPayback(sql, filter, threshold, TODAY),
        heatMap: await regionHeatMap(sql, filter),
        sellers: await sellersByCampaign(sql, filter, true),
        trend: await weeklyTrend(sql, filter, TODAY),
      }));
      const { leads, unmatched, channels, payback, heatMap, sellers, trend } = all;
      expect(leads, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(alone).toEqual({ leads, unmatched, channels, payback, heatMap, sellers, trend });
    }
  });
});
