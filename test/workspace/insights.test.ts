import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BriefInput,
  type FeedbackItem,
  type Insights,
  LIMITS,
  type Member,
  responses,
} from '../../lib/protocol';
import { breakEvenStatus, insights, setTireKickerThreshold } from '../../workspace/domain/insights';
import { openApiDocument } from '../../workspace/openapi';
import type { WorkspaceConfig } from '../../workspace/routes';
import { INSIGHT_ROUTES } from '../../workspace/routes-insights';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

const TODAY = '2026-06-01';

function brief(
  name: string,
  channel: string,
  economics: Partial<BriefInput['economics']>,
  dates: [string, string],
) {
  const base = briefInput();
  return briefInput({
    name,
    channel,
    startsOn: dates[0],
    endsOn: dates[1],
    economics: { ...base.economics, ...economics },
    match: { campaignIds: [], utmCampaigns: [], leadSources: [], keywords: [] },
  });
}

describe.each(DATABASES)('insights on %s', (kind) => {
  let ws: TestWorkspace;
  let ana: { id: string; token: string };
  let ben: { id: string; token: string };
  let marketer: { id: string; token: string };
  const ids: Record<'fair' | 'webinar' | 'ads' | 'autumn', string> = {
    fair: '',
    webinar: '',
    ads: '',
    autumn: '',
  };

  const verdict = (
    campaign: string | null,
    lead: string,
    verdictGiven: FeedbackItem['verdict'],
    region: string,
    day: string,
  ) =>
    feedbackItem({
      id: randomUUID(),
      campaignId: campaign,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: lead },
      signals: {},
      verdict: verdictGiven,
      region,
      createdAt: `${day}T10:00:00.000Z`,
    });

  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
    const regions = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { regions: ['DACH', 'Nordics', 'Iberia'] },
    });
    expect(regions.status).toBe(200);
    marketer = await ws.join('marketer', 'Mara Jensen');
    ana = await ws.join('rep', 'Ana Ruiz', 'Iberia');
    ben = await ws.join('rep', 'Ben Okafor', 'DACH');
    const create = async (input: BriefInput) => {
      const answer = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body: input });
      expect(answer.status).toBe(201);
      return ((await answer.json()) as { id: string }).id;
    };
    // Break-even 12 (120,000 ÷ (25,000 × 40 %)), 2 (6,000 ÷ (10,000 × 30 %)), 3 as entered, 5.
    ids.fair = await create(
      brief('Hannover Messe', 'Trade show', { spendToDate: 84_000 }, ['2026-04-20', '2026-06-30']),
    );
    ids.webinar = await create(
      brief(
        'Webinar Q2',
        'Webinar',
        { budget: 6_000, spendToDate: 5_000, avgDealValue: 10_000, grossMarginPct: 30 },
        ['2026-05-01', '2026-05-31'],
      ),
    );
    ids.ads = await create(
      brief('LinkedIn ads', 'Paid social', { spendToDate: 10_000, breakEvenDeals: 3 }, [
        '2026-05-01',
        '2026-08-31',
      ]),
    );
    ids.autumn = await create(
      brief('Autumn fair', 'Trade show', { budget: 50_000, spendToDate: 1_000 }, [
        '2026-09-01',
        '2026-09-30',
      ]),
    );
    const send = async (token: string, items: FeedbackItem[]) => {
      const answer = await ws.call('POST', '/api/v1/feedback', { token, body: { items } });
      const { results } = (await answer.json()) as { results: Array<{ status: string; error?: string }> };
      expect(results.map((r) => r.error ?? r.status)).toEqual(items.map(() => 'created'));
    };
    await send(ana.token, [
      verdict(ids.fair, '1001', 'good_fit', 'DACH', '2026-05-04'), // judged again by Ben on 20 May
      verdict(ids.fair, '1002', 'tire_kicker', 'DACH', '2026-05-05'),
      verdict(ids.webinar, '2001', 'won', 'Iberia', '2026-05-05'),
      verdict(ids.webinar, '2002', 'won', 'Iberia', '2026-05-06'),
      verdict(ids.webinar, '2005', 'lost', 'Iberia', '2026-05-14'),
      verdict(ids.ads, '3001', 'spam', 'Iberia', '2026-05-06'),
    ]);
    await send(ben.token, [
      verdict(ids.fair, '1003', 'good_fit', 'Nordics', '2026-05-06'),
      verdict(ids.fair, '1004', 'wrong_audience', 'Nordics', '2026-05-12'),
      verdict(ids.fair, '1001', 'won', 'DACH', '2026-05-20'),
      verdict(ids.webinar, '2003', 'tire_kicker', 'DACH', '2026-05-07'),
      verdict(ids.webinar, '2004', 'tire_kicker', 'DACH', '2026-05-13'),
      verdict(ids.ads, '3002', 'won', 'DACH', '2026-05-20'),
      verdict(null, '9001', 'good_fit', 'DACH', '2026-05-08'),
    ]);
  });

  afterAll(async () => {
    await ws?.destroy();
  });

  const payback = (all: Insights, id: string) => all.payback.find((p) => p.campaignId === id)!;
  const seller = (all: Insights, member: string, campaign: string | null) =>
    all.sellers?.find((s) => s.memberId === member && s.campaignId === campaign);

  it('counts each lead once, by its latest verdict: totals, campaigns and tire-kicker flags', async () => {
    const all = await insights(ws.db, {}, TODAY);
    expect(all).toMatchObject({ leads: 12, unmatched: 1, tireKickerThreshold: 0.3, smallSample: 10 });
    // Lead 1001: good fit (Ana, 4 May), then won (Ben, 20 May): one lead, won.
    expect(payback(all, ids.fair)).toMatchObject({
      leads: 4,
      goodFit: 2,
      won: 1,
      tireKickers: 1,
      flagged: false,
    });
    expect(payback(all, ids.fair).tireKickerShare).toBeCloseTo(0.25);
    expect(payback(all, ids.webinar)).toMatchObject({
      leads: 5,
      goodFit: 3,
      won: 2,
      tireKickers: 2,
      flagged: true,
    });
    expect(payback(all, ids.ads)).toMatchObject({
      leads: 2,
      goodFit: 1,
      won: 1,
      tireKickers: 0,
      flagged: false,
    });
    expect(payback(all, ids.autumn)).toMatchObject({ leads: 0, goodFitRate: null, flagged: false });
    expect(responses.Insights.safeParse(all).success).toBe(true);
  });

  it('ranks channels by good-fit rate, then won deals, with costs from the spend to date', async () => {
    const all = await insights(ws.db, {}, TODAY);
    expect(all.channels.map((c) => c.channel)).toEqual(['Webinar', 'Paid social', 'Trade show']);
    const [webinar, social, trade] = all.channels;
    expect(webinar).toMatchObject({ leads: 5, goodFit: 3, won: 2, currency: 'EUR', spend: 5_000 });
    expect(webinar!.goodFitRate).toBeCloseTo(0.6);
    expect(webinar).toMatchObject({ costPerGoodFit: 1_666.67, costPerWon: 2_500, flagged: true });
    expect(social).toMatchObject({
      leads: 2,
      goodFit: 1,
      won: 1,
      costPerGoodFit: 10_000,
      costPerWon: 10_000,
    });
    // Both trade-show campaigns' spend (84,000 + 1,000) over the fair's leads.
    expect(trade).toMatchObject({
      leads: 4,
      goodFit: 2,
      won: 1,
      spend: 85_000,
      costPerGoodFit: 42_500,
      costPerWon: 85_000,
    });
  });

  it('says break-even reached, on track, behind or not started', async () => {
    const all = await insights(ws.db, {}, TODAY);
    expect(payback(all, ids.webinar).breakEven).toMatchObject({ status: 'reached', needed: 2, won: 2 });
    // 1 sale in 32 of 123 days projects 3 by 31 August: the 3 needed.
    expect(payback(all, ids.ads).breakEven).toMatchObject({
      status: 'on_track',
      needed: 3,
      won: 1,
      projected: 3,
    });
    // 1 sale in 43 of 72 days projects 1 of the 12 needed.
    expect(payback(all, ids.fair).breakEven).toMatchObject({
      status: 'behind',
      needed: 12,
      won: 1,
      projected: 1,
    });
    expect(payback(all, ids.autumn).breakEven).toMatchObject({ status: 'not_started', needed: 5, won: 0 });
  });

  it('maps campaign × region, and reps × campaign with the lead judged twice under its latest rep', async () => {
    const all = await insights(ws.db, {}, TODAY);
    const cell = (campaign: string | null, region: string) =>
      all.heatMap.find((c) => c.campaignId === campaign && c.region === region);
    expect(cell(ids.fair, 'DACH')).toEqual({ campaignId: ids.fair, region: 'DACH', leads: 2, goodFit: 1 });
    expect(cell(ids.fair, 'Nordics')).toMatchObject({ leads: 2, goodFit: 1 });
    expect(cell(ids.webinar, 'Iberia')).toMatchObject({ leads: 3, goodFit: 3 });
    expect(cell(ids.webinar, 'DACH')).toMatchObject({ leads: 2, goodFit: 0 });
    expect(cell(null, 'DACH')).toMatchObject({ leads: 1, goodFit: 1 });
    expect(all.heatMap.reduce((sum, c) => sum + c.leads, 0)).toBe(12);
    expect(seller(all, ana.id, ids.fair)).toMatchObject({ name: 'Ana Ruiz', leads: 1, goodFit: 0, won: 0 });
    expect(seller(all, ben.id, ids.fair)).toMatchObject({ name: 'Ben Okafor', leads: 3, goodFit: 2, won: 1 });
    expect(seller(all, ana.id, ids.webinar)).toMatchObject({ leads: 3, goodFit: 3, won: 2 });
  });

  it('takes the latest verdict within the period: before 10 May lead 1001 is still a good fit by Ana', async () => {
    const early = await insights(ws.db, { to: '2026-05-10' }, TODAY);
    expect(early).toMatchObject({ leads: 8, unmatched: 1, filter: { to: '2026-05-10' } });
    expect(payback(early, ids.fair)).toMatchObject({ leads: 3, goodFit: 2, won: 0, tireKickers: 1 });
    expect(seller(early, ana.id, ids.fair)).toMatchObject({ leads: 2, goodFit: 1, won: 0 });
    expect(seller(early, ben.id, ids.fair)).toMatchObject({ leads: 1, goodFit: 1, won: 0 });
    // The unfiltered answer (read from the rollup) and a period holding everything (read from feedback) agree.
    const { filter: _, asOf: __, ...everything } = await insights(ws.db, { from: '2000-01-01' }, TODAY);
    const { filter: ___, asOf: ____, ...unfiltered } = await insights(ws.db, {}, TODAY);
    expect(everything).toEqual(unfiltered);
    // Money stays whole: break-even counts every sale to date.
    expect(payback(early, ids.webinar).breakEven.status).toBe('reached');
  });

  it('filters by rep, region and channel as the feedback page does', async () => {
    expect((await insights(ws.db, { rep: ben.id }, TODAY)).leads).toBe(7);
    const iberia = await insights(ws.db, { region: 'Iberia' }, TODAY);
    expect(iberia.leads).toBe(4);
    expect(iberia.heatMap.every((c) => c.region === 'Iberia')).toBe(true);
    const webinar = await insights(ws.db, { channel: 'Webinar' }, TODAY);
    expect(webinar).toMatchObject({ leads: 5, unmatched: 0 });
    expect(webinar.campaigns.map((c) => c.name)).toEqual(['Webinar Q2']);
    expect(webinar.channels.map((c) => c.channel)).toEqual(['Webinar']);
  });

  it('gives the weekly verdict mix by the week of each lead’s latest verdict', async () => {
    const all = await insights(ws.db, {}, TODAY);
    const week = (campaign: string | null, monday: string) =>
      Object.fromEntries(
        all.trend
          .filter((t) => t.campaignId === campaign && t.week === monday)
          .map((t) => [t.verdict, t.leads]),
      );
    expect(week(ids.fair, '2026-05-04')).toEqual({ tire_kicker: 1, good_fit: 1 });
    expect(week(ids.fair, '2026-05-18')).toEqual({ won: 1 });
    expect(week(ids.webinar, '2026-05-11')).toEqual({ tire_kicker: 1, lost: 1 });
    expect(all.trend.reduce((sum, t) => sum + t.leads, 0)).toBe(12);
  });

  it('flags by the threshold the team sets, and names no seller when the workspace says so', async () => {
    await setTireKickerThreshold(ws.db, 0.45);
    const looser = await insights(ws.db, {}, TODAY);
    expect(looser.tireKickerThreshold).toBe(0.45);
    expect(payback(looser, ids.webinar).flagged).toBe(false);
    await setTireKickerThreshold(ws.db, 0.3);

    const off = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { showSellers: false },
    });
    expect(off.status).toBe(200);
    const hidden = await insights(ws.db, {}, TODAY);
    expect(hidden.sellers).toBeNull();
    const csv = await routeAnswer('/api/v1/insights.csv');
    expect(csv).toMatch(/^insight,.*\r\nchannels,/s);
    expect(csv).not.toMatch(/Ana Ruiz|Ben Okafor/);
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { showSellers: true } });
  });

  /** The insight routes on their own, signed in as the marketer (app.ts adds sign-in and roles). */
  async function routeAnswer(path: string): Promise<string> {
    const app = new Hono();
    const member: Member = { id: marketer.id, name: 'Mara Jensen', role: 'marketer', region: null };
    for (const route of INSIGHT_ROUTES) {
      app.get(route.path, (c) =>
        route.handle({
          c,
          config: { db: ws.db } as WorkspaceConfig,
          member,
          tokenId: null,
          body: undefined,
          query: route.query!.parse(c.req.query()),
          stillSignedIn: async () => member,
        }),
      );
    }
    return (await app.request(path)).text();
  }

  it('answers JSON the protocol reads, and a CSV of what the page shows', async () => {
    const json = responses.Insights.parse(JSON.parse(await routeAnswer('/api/v1/insights?region=DACH')));
    expect(json.leads).toBe(6); // 1001, 1002, 2003, 2004, 3002, 9001
    const csv = await routeAnswer('/api/v1/insights.csv?insight=channels');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^insight,campaign,channel,region,rep,week,verdict,leads,good_fit,good_fit_rate,won/,
    );
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['Webinar', 'Paid social', 'Trade show']);
    expect(lines[1]).toContain(',5,3,0.6,2,2,0.4,yes,yes,EUR,5000,3,2,1666.67,2500');
    const all = await routeAnswer('/api/v1/insights?format=csv');
    expect(all).toMatch(/\r\ncampaigns,Webinar Q2,Webinar,.*,reached,2,/);
    expect(all).toMatch(/\r\nsellers,Hannover Messe,,,Ben Okafor,/);
    // For an Excel whose list separator is ';' (Spanish, German, French…): the same table in columns
    // there, its rates and costs numbers with a decimal comma, not 1666.67 read as 166,667.
    const excel = (await routeAnswer('/api/v1/insights.csv?insight=channels&sep=semicolon'))
      .trim()
      .split('\r\n');
    expect(excel[0]).toMatch(
      /^insight;campaign;channel;region;rep;week;verdict;leads;good_fit;good_fit_rate;won/,
    );
    expect(excel.slice(1).map((l) => l.split(';')[2])).toEqual(['Webinar', 'Paid social', 'Trade show']);
    expect(excel[1]).toContain(';5;3;0,6;2;2;0,4;yes;yes;EUR;5000;3;2;1666,67;2500');
    expect(await routeAnswer('/api/v1/insights?format=csv&sep=semicolon')).toMatch(
      /\r\nsellers;Hannover Messe;;;Ben Okafor;/,
    );
  });
});

describe('the insight routes in the API description', () => {
  it('describe their filters and answer', () => {
    const document = openApiDocument(INSIGHT_ROUTES) as unknown as {
      paths: Record<string, { get: { parameters: Array<{ name: string }> } }>;
    };
    expect(Object.keys(document.paths)).toEqual([
      '/api/v1/insights',
      '/api/v1/insights.csv',
      '/api/v1/answers',
    ]);
    expect(document.paths['/api/v1/insights']!.get.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'region', 'channel', 'rep']),
    );
  });
});

describe('break-even wording rules', () => {
  const economics = briefInput().economics; // 12 needed
  it('is unknown without a deal value or margin, and behind once the campaign ended short', () => {
    expect(
      breakEvenStatus({ ...economics, avgDealValue: 0 }, { startsOn: null, endsOn: null }, 3, TODAY).status,
    ).toBe('unknown');
    expect(
      breakEvenStatus(economics, { startsOn: '2026-01-01', endsOn: '2026-03-31' }, 11, TODAY),
    ).toMatchObject({
      status: 'behind',
      projected: 11,
    });
    expect(
      breakEvenStatus(economics, { startsOn: '2026-01-01', endsOn: '2026-03-31' }, 14, TODAY).status,
    ).toBe('reached');
  });

  it('is unknown, as the Campaigns page shows it, for a brief saved before a derived break-even was bounded', () => {
    // 2,500,000 sales derived (before: "Behind: 0 of 2,500,000" here, no break-even on the campaign).
    const old = {
      ...economics,
      breakEvenDeals: null,
      budget: 2_500_000,
      avgDealValue: 1,
      grossMarginPct: 100,
    };
    expect(old.budget / old.avgDealValue).toBeGreaterThan(LIMITS.breakEvenDeals);
    expect(breakEvenStatus(old, { startsOn: '2026-01-01', endsOn: '2026-03-31' }, 0, TODAY)).toMatchObject({
      status: 'unknown',
      needed: null,
      tooMany: true,
    });
    // Figures missing from the brief are not "too many".
    expect(
      breakEvenStatus({ ...economics, avgDealValue: 0 }, { startsOn: null, endsOn: null }, 3, TODAY).tooMany,
    ).toBeUndefined();
  });
});

describe('the insight routes in the running workspace', () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('answer marketers (JSON and CSV), refuse reps, and take the team’s tire-kicker threshold', async () => {
    ws = await startTestWorkspace('pglite');
    const marketer = await ws.join('marketer');
    const rep = await ws.join('rep');
    const answer = await ws.call('GET', '/api/v1/insights', { token: marketer.token });
    expect(answer.status).toBe(200);
    expect(responses.Insights.safeParse(await answer.json()).success).toBe(true);
    const csv = await ws.call('GET', '/api/v1/insights.csv', { token: marketer.token });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    // The UTF-8 byte order mark first, so that Excel reads 'Región' as it is (text() drops it).
    expect([...new Uint8Array(await csv.arrayBuffer()).slice(0, 5)]).toEqual([0xef, 0xbb, 0xbf, 0x69, 0x6e]);
    expect((await ws.call('GET', '/api/v1/insights', { token: rep.token })).status).toBe(403);
    const patched = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { tireKickerThreshold: 0.25 },
    });
    expect(patched.status).toBe(200);
    const settings = await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken });
    expect(((await settings.json()) as { tireKickerThreshold: number }).tireKickerThreshold).toBe(0.25);
  });

  it('list a removed rep for the filter and in Sellers, told apart from a current rep of the same name', async () => {
    const ws = await startTestWorkspace('pglite');
    try {
      await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { showSellers: true } });
      const created = await ws.call('POST', '/api/v1/campaigns', {
        token: ws.adminToken,
        body: briefInput(),
      });
      const campaignId = ((await created.json()) as { id: string }).id;
      const judge = async (token: string, recordId: string) => {
        const lead = { crm: 'hubspot' as const, objectType: 'contact' as const, recordId };
        const items = [feedbackItem({ id: randomUUID(), campaignId, lead, verdict: 'won' })];
        expect((await ws.call('POST', '/api/v1/feedback', { token, body: { items } })).status).toBe(200);
      };
      const former = await ws.join('rep', 'Anna Berg', 'DACH');
      await judge(former.token, '1');
      expect((await ws.call('DELETE', `/api/v1/members/${former.id}`, { token: ws.adminToken })).status).toBe(
        204,
      );
      const current = await ws.join('rep', 'Anna Berg', 'DACH');
      await judge(current.token, '2');

      const members = async (path: string) =>
        (
          (await (await ws.call('GET', path, { token: ws.adminToken })).json()) as { members: Member[] }
        ).members
          .filter((member) => member.name === 'Anna Berg')
          .map((member) => [member.id, member.removed ?? false]);
      expect(await members('/api/v1/members')).toEqual([[current.id, false]]);
      // Removed ones after the team (before: not listed at all, so their verdicts could not be picked).
      expect(await members('/api/v1/members?include=removed')).toEqual([
        [current.id, false],
        [former.id, true],
      ]);
      const insightsAnswer = responses.Insights.parse(
        await (await ws.call('GET', '/api/v1/insights', { token: ws.adminToken })).json(),
      );
      expect(insightsAnswer.sellers?.map((s) => [s.memberId, s.name, s.removed ?? false, s.won])).toEqual(
        expect.arrayContaining([
          [current.id, 'Anna Berg', false, 1],
          [former.id, 'Anna Berg', true, 1],
        ]),
      );
      const csv = await (
        await ws.call('GET', '/api/v1/insights.csv?insight=sellers', { token: ws.adminToken })
      ).text();
      expect(csv).toContain(',Anna Berg (removed),');
      expect(csv).toMatch(/,Anna Berg,/);
      const filtered = responses.Insights.parse(
        await (await ws.call('GET', `/api/v1/insights?rep=${former.id}`, { token: ws.adminToken })).json(),
      );
      expect(filtered.leads).toBe(1);
    } finally {
      await ws.destroy();
    }
  });
});
