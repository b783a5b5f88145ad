import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { VERDICTS } from '../../lib/protocol';
import { type InsightFilter, latest } from '../../workspace/domain/insights';
import { feedbackMatrix } from '../../workspace/domain/matrix';
import { rebuildRollups, rollupDifferences } from '../../workspace/domain/rollups';
import { feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';
import { seedInsights } from './insight-seed';

/**
 * insight_facts (migration 006) against the definition it replaces: each lead once, by its latest
 * verdict among those in the filters, found by sorting the feedback by lead. Verdicts on shared leads,
 * from several reps, regions and campaigns, arriving out of order, then a campaign moved to another
 * channel: every filter answers the same leads, and the facts equal a rebuild.
 */
describe.each(DATABASES)('insight facts on %s', (kind) => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  const definition = (filter: InsightFilter) => {
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
      sql: `SELECT DISTINCT ON (f.lead_key) f.lead_key, f.campaign_id, f.verdict, f.region, f.member_id, f.created_at
              FROM feedback f ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
             ORDER BY f.lead_key, f.created_at DESC, f.received_at DESC, f.id DESC`,
      params,
    };
  };
  /** Matrix cells in one order: by campaign (Unmatched first), then verdict. */
  const byCell = (
    a: { campaign_id: string | null; verdict: string },
    b: { campaign_id: string | null; verdict: string },
  ) => (a.campaign_id ?? '').localeCompare(b.campaign_id ?? '') || a.verdict.localeCompare(b.verdict);
  const rows = async (query: { sql: string; params: unknown[] }) =>
    (
      await ws.db.query<Record<string, unknown>>(
        `SELECT lead_key, campaign_id::text, verdict, region, member_id::text, created_at FROM (${query.sql}) l
          ORDER BY lead_key`,
        query.params,
      )
    ).map((r) => ({ ...r, created_at: new Date(r.created_at as string).toISOString() }));

  it('answers every filter with the leads the definition picks, before and after a campaign changes channel', async () => {
    ws = await startTestWorkspace(kind);
    const { marketer, reps, campaigns } = await seedInsights(ws, 11);
    const filters: InsightFilter[] = [
      {},
      { from: '2026-05-05', to: '2026-05-12' },
      { to: '2026-05-09' },
      { from: '2026-05-10' },
      { region: 'Iberia' },
      { channel: 'Webinar' },
      { rep: reps[1]!.id },
      { region: 'DACH', channel: 'Webinar' },
      { region: 'Nordics', rep: reps[0]!.id },
      { channel: 'Search', rep: reps[2]!.id, to: '2026-05-15' },
      { from: '2026-05-03', to: '2026-05-17', region: 'DACH', channel: 'Webinar', rep: reps[0]!.id },
    ];
    const check = async () => {
      expect(await ws.db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
      for (const filter of filters) {
        expect(await rows(latest(filter))).toEqual(await rows(definition(filter)));
        // The Feedback page's matrix counts the same leads.
        const expected = definition(filter);
        const cells = await ws.db.query<{ campaign_id: string | null; verdict: string; leads: number }>(
          `SELECT campaign_id::text, verdict, count(*)::int AS leads FROM (${expected.sql}) l
            GROUP BY campaign_id, verdict`,
          expected.params,
        );
        const matrix = (await feedbackMatrix(ws.db, filter))
          .map((cell) => ({ campaign_id: cell.campaignId, verdict: cell.verdict, leads: cell.leads }))
          .sort(byCell);
        const byDatabase = cells.map((cell) => ({ ...cell, leads: Number(cell.leads) })).sort(byCell);
        expect(matrix).toEqual(byDatabase);
      }
    };
    await check();
    // Campaign Two leaves the webinars: the channel pointers of its leads move with it.
    const moved = await ws.call('PATCH', `/api/v1/campaigns/${campaigns[2]}`, {
      token: marketer.token,
      body: { channel: 'Search' },
    });
    expect(moved.status).toBe(200);
    await check();
    await ws.db.transaction((tx) => rebuildRollups(tx));
    await check();
  });

  it('moves the pointers of a lead with a long history from its verdicts since the call’s earliest (migration 013)', async () => {
    // Over the verdicts of the seed, one lead in batches, each later than the last, then late arrivals
    // between and before them, instants shared with stored verdicts, and a batch spanning the whole
    // history; two reps, two regions, two channels, and no campaign.
    const own = await startTestWorkspace(kind);
    try {
      const { campaigns } = await seedInsights(own, 12);
      const reps = [await own.join('rep', 'Long A', 'DACH'), await own.join('rep', 'Long B')];
      const at = (second: number) => new Date(Date.UTC(2026, 5, 1) + second * 1_000).toISOString();
      let n = 0;
      const send = async (rep: { token: string }, seconds: number[]) => {
        const items = seconds.map((second) =>
          feedbackItem({
            id: randomUUID(),
            campaignId: campaigns[n % campaigns.length]!,
            lead: { crm: 'pipedrive', objectType: 'deal', recordId: 'long-history' },
            verdict: VERDICTS[n % VERDICTS.length]!,
            region: ['DACH', 'Iberia'][n++ % 2]!,
            createdAt: at(second),
          }),
        );
        const response = await own.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
        expect(response.status).toBe(200);
        expect(await own.db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
      };
      for (let batch = 0; batch < 4; batch++)
        await send(
          reps[batch % 2]!,
          Array.from({ length: 50 }, (_, k) => 1_000 * batch + 10 * k),
        );
      await send(reps[0]!, [2_505, 15, 1_000, 3_990, 3_990]); // late, between, and equal instants
      await send(reps[1]!, [5, 3_000, 4_500]); // before everything, equal to a stored one, and after
      // Across the whole history.
      await send(
        reps[0]!,
        Array.from({ length: 40 }, (_, k) => 7 + 113 * k),
      );
      await own.db.transaction((tx) => rebuildRollups(tx));
      expect(await own.db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
    } finally {
      await own.destroy();
    }
  });
});
