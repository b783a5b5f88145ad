import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VERDICTS } from '../../lib/protocol';
import { backup, restore } from '../../workspace/backup';
import { type Database, openDatabase, type Sql } from '../../workspace/db/database';
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
import { feedbackItem } from '../support/examples';
import { DATABASES, freshPostgresDatabase, startTestWorkspace, type TestWorkspace } from './harness';
import { seedInsights } from './insight-seed';

const TODAY = '2026-05-25';

/**
 * insight_counts (migration 009) and insight_days (migration 011) against the definition: each lead
 * once, by its latest verdict among those in the filters, found by sorting the feedback by lead, then
 * counted by campaign, region, rep, verdict and week. Every filter the counts answer (none, one of region / channel / rep, a period that
 * runs to the latest verdict, from a Monday or mid-week) and those the days answer (periods that end
 * before the latest verdict, several attributes), through late arrivals, a campaign moved to another
 * channel, a rebuild and a restore.
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
    const { marketer, reps, campaigns } = await seedInsights(ws, 23);
    // Verdicts on the edges of days (UTC), the last one sent first: a period ending 11 May keeps the
    // first, whose next verdict came at midnight; one ending 12 May keeps the last.
    const edges = ['2026-05-12T23:59:59.999Z', '2026-05-11T23:59:59.999Z', '2026-05-12T00:00:00.000Z'];
    for (const [n, createdAt] of edges.entries()) {
      const items = [
        feedbackItem({
          id: randomUUID(),
          campaignId: campaigns[1]!,
          lead: { crm: 'pipedrive', objectType: 'deal', recordId: 'edge' },
          verdict: VERDICTS[n]!,
          region: 'DACH',
          createdAt,
        }),
      ];
      const response = await ws.call('POST', '/api/v1/feedback', { token: reps[0]!.token, body: { items } });
      expect(response.status).toBe(200);
    }
    const rep = reps[1]!.id;
    // Each with what answers it: insight_counts (a period that runs to the latest verdict, one attribute
    // at most), insight_days (migration 011: a period that ends before the latest verdict, several
    // attributes), or both (a period from mid-week: its days to Monday from insight_days).
    const filters: Array<[InsightFilter, 'counts' | 'days' | 'both']> = [
      [{}, 'counts'],
      [{ region: 'Iberia' }, 'counts'],
      [{ channel: 'Webinar' }, 'counts'],
      [{ rep }, 'counts'],
      [{ from: '2026-05-11' }, 'counts'], // a Monday
      [{ from: '2026-05-06' }, 'both'], // a Wednesday
      [{ from: '2026-05-09', to: '2026-05-31' }, 'both'],
      [{ to: '2026-06-30' }, 'counts'],
      [{ from: '2026-05-07', region: 'DACH' }, 'both'],
      [{ from: '2026-05-13', to: '2026-05-31', channel: 'Webinar' }, 'both'],
      [{ from: '2026-05-05', rep }, 'both'],
      // Periods that end before the latest verdict (21 May): a closed week, weeks cut mid-week, `to` alone,
      // one day, with each attribute and with several.
      [{ to: '2026-05-12' }, 'days'],
      [{ to: '2026-05-11' }, 'days'],
      [{ from: '2026-05-12', to: '2026-05-12', region: 'DACH' }, 'days'],
      [{ to: '2026-04-30' }, 'days'], // before any verdict
      [{ from: '2026-05-04', to: '2026-05-10' }, 'days'],
      [{ from: '2026-05-06', to: '2026-05-14' }, 'days'],
      [{ from: '2026-05-08', to: '2026-05-08' }, 'days'],
      [{ to: '2026-05-14', region: 'DACH' }, 'days'],
      [{ from: '2026-05-02', to: '2026-05-16', channel: 'Webinar' }, 'days'],
      [{ from: '2026-05-05', to: '2026-05-19', rep }, 'days'],
      [{ from: '2026-05-03', to: '2026-05-15', region: 'Iberia' }, 'days'],
      // Several attributes: insight_days whatever the period.
      [{ region: 'DACH', channel: 'Search' }, 'days'],
      [{ region: 'Iberia', channel: 'Webinar', from: '2026-05-06' }, 'days'],
      [{ channel: 'Search', rep }, 'days'],
      [{ region: 'Iberia', rep, to: '2026-05-13' }, 'days'],
      [{ from: '2026-05-05', to: '2026-05-18', region: 'DACH', channel: 'Webinar', rep }, 'days'],
    ];
    const check = async (db: Database) => {
      expect(await db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
      for (const [filter, source] of filters) {
        const leads = await db.transaction((tx) => countedLeads(tx, filter));
        const read = [leads.sql.includes('insight_counts'), leads.sql.includes('insight_days')];
        expect(read, JSON.stringify(filter)).toEqual([source !== 'days', source !== 'counts']);
        expect(leads.sql, JSON.stringify(filter)).not.toContain('insight_facts');
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
    const days =
      'SELECT * FROM insight_days WHERE verdicts <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13';
    expect(await copy.query(days)).toEqual(await ws.db.query(days));

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
    const [leftDays] = await copy.query<{ extra: number; missing: number }>(
      `SELECT (SELECT count(*) FROM (SELECT * FROM insight_days WHERE verdicts <> 0
                                     EXCEPT SELECT * FROM insight_days_from_facts) a)::int AS extra,
              (SELECT count(*) FROM (SELECT * FROM insight_days_from_facts
                                     EXCEPT SELECT * FROM insight_days WHERE verdicts <> 0) b)::int AS missing`,
    );
    expect(leftDays).toEqual({ extra: 0, missing: 0 });
  });

  it('read the facts for nothing but the latest instant, whatever the filters (no index by rep needed)', async () => {
    const rep = (await ws.db.query<{ id: string }>("SELECT id FROM members WHERE name = 'B'"))[0]!.id;
    const statements: string[] = [];
    const recorded = (sql: Sql): Sql => ({
      query: (text, params) => {
        statements.push(text);
        return sql.query(text, params);
      },
      exec: (text) => {
        statements.push(text);
        return sql.exec(text);
      },
    });
    const db: Database = {
      ...ws.db,
      ...recorded(ws.db),
      transaction: (work) => ws.db.transaction((tx) => work(recorded(tx))),
    };
    const periods = [
      {},
      { from: '2026-05-06' },
      { to: '2026-05-12' },
      { from: '2026-05-03', to: '2026-05-15' },
    ];
    const attributes = [
      {},
      { rep },
      { region: 'DACH' },
      { channel: 'Search' },
      { region: 'DACH', rep },
      { channel: 'Search', rep },
    ];
    for (const period of periods) {
      for (const attribute of attributes) await insights(db, { ...period, ...attribute }, TODAY);
    }
    const facts = new Set(statements.filter((text) => /\binsight_facts\b/.test(text)));
    expect([...facts]).toEqual([
      "SELECT max(created_at) < $1::date + interval '1 day' AS beyond FROM insight_facts",
    ]);
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
