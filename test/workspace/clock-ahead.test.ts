import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { rollupDifferences } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

const HOUR = 3_600_000;

/**
 * A rep's clock running ahead: a dual-boot laptop whose hardware clock keeps local time runs hours off,
 * and a verdict's createdAt is the rep's clock. Stored as sent, a verdict from three hours ahead stayed
 * the lead's latest for three hours, whatever the team said about the lead meanwhile (an older verdict
 * arriving later changes nothing), and the Insights counted it in a week to come.
 */
describe.each(DATABASES)("a rep's clock running ahead (%s)", (kind) => {
  let ws: TestWorkspace | undefined;
  afterEach(async () => {
    await ws?.destroy();
    ws = undefined;
  });

  it('is stored as given when it came: a later verdict on the lead is its latest, and the same item sent again is a duplicate', async () => {
    ws = await startTestWorkspace(kind);
    const created = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
    const { id: campaignId } = (await created.json()) as { id: string };
    const ahead = await ws.join('rep', 'Ahead', 'DACH');
    const onTime = await ws.join('rep', 'On time', 'DACH');
    const lead = { crm: 'hubspot' as const, objectType: 'contact' as const, recordId: '4711' };
    const send = async (token: string, items: unknown[]) => {
      const response = await ws!.call('POST', '/api/v1/feedback', { token, body: { items } });
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: Array<{ status: string; error?: string }> };
      return results.map((r) => (r.error ? `${r.status}: ${r.error}` : r.status));
    };

    const before = Date.now();
    const early = feedbackItem({
      id: randomUUID(),
      campaignId,
      lead,
      verdict: 'good_fit',
      createdAt: new Date(before + 3 * HOUR).toISOString(),
    });
    expect(await send(ahead.token, [early])).toEqual(['created']);
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = feedbackItem({
      id: randomUUID(),
      campaignId,
      lead,
      verdict: 'wrong_audience',
      createdAt: new Date().toISOString(),
    });
    expect(await send(onTime.token, [later])).toEqual(['created']);

    const [stored] = await ws.db.query<{ created_at: Date }>(
      'SELECT created_at FROM feedback WHERE id = $1',
      [early.id],
    );
    expect(stored!.created_at.getTime()).toBeGreaterThanOrEqual(before);
    expect(stored!.created_at.getTime()).toBeLessThanOrEqual(after);
    const latest = await ws.db.query<{ feedback_id: string; verdict: string }>(
      'SELECT feedback_id::text, verdict FROM lead_latest',
    );
    expect(latest).toEqual([{ feedback_id: later.id, verdict: 'wrong_audience' }]);
    // The campaign's counts say so too, and every rollup equals a rebuild from the feedback.
    const campaigns = await ws.call('GET', '/api/v1/campaigns', { token: ws.adminToken });
    const [brief] = (
      (await campaigns.json()) as { campaigns: Array<{ stats: { verdicts: Record<string, number> } }> }
    ).campaigns;
    expect(brief!.stats.verdicts).toMatchObject({ wrong_audience: 1 });
    expect(brief!.stats.verdicts.good_fit ?? 0).toBe(0);
    expect(await rollupDifferences(ws.db)).toEqual([]);
    // Sent again (its answer lost on the way): the item as sent compares equal.
    expect(await send(ahead.token, [early])).toEqual(['duplicate']);
  });

  it('keeps the order of several given ahead in one batch: a lead judged twice offline has its second verdict as its latest', async () => {
    ws = await startTestWorkspace(kind);
    const created = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
    const { id: campaignId } = (await created.json()) as { id: string };
    const ahead = await ws.join('rep', 'Ahead', 'DACH');
    // Eight leads, each judged "good fit" and five minutes later "won", three hours ahead, sent in one
    // batch with the later verdict first. Before, both were stored at the moment the batch came and
    // their random ids chose the latest: all eight right by chance one run in 256.
    const base = Date.now() + 3 * HOUR;
    const items = Array.from({ length: 8 }, (_, n) => {
      const lead = { crm: 'hubspot' as const, objectType: 'contact' as const, recordId: String(5000 + n) };
      const at = (minutes: number) => new Date(base + n * 60_000 + minutes * 60_000).toISOString();
      return [
        feedbackItem({ id: randomUUID(), campaignId, lead, verdict: 'won', createdAt: at(5) }),
        feedbackItem({ id: randomUUID(), campaignId, lead, verdict: 'good_fit', createdAt: at(0) }),
      ];
    }).flat();
    const response = await ws.call('POST', '/api/v1/feedback', { token: ahead.token, body: { items } });
    expect(response.status).toBe(200);
    const latest = await ws.db.query<{ verdict: string }>('SELECT verdict FROM lead_latest');
    expect(latest.map((row) => row.verdict)).toEqual(Array(8).fill('won'));
    // The next batch, at once: the first lead judged "lost" after all of that, first among 99 more ahead.
    // Its place was the batch's moment less 99 of the steps, which a step of a millisecond put before
    // the first batch (sent a few ms earlier); a microsecond keeps it after.
    const lead0 = { crm: 'hubspot' as const, objectType: 'contact' as const, recordId: '5000' };
    const next = [
      feedbackItem({
        id: randomUUID(),
        campaignId,
        lead: lead0,
        verdict: 'lost',
        createdAt: new Date(base + 3_600_000).toISOString(),
      }),
      ...Array.from({ length: 99 }, (_, n) =>
        feedbackItem({
          id: randomUUID(),
          campaignId,
          lead: { crm: 'hubspot', objectType: 'contact', recordId: String(7000 + n) },
          createdAt: new Date(base + 3_600_000 + (n + 1) * 1_000).toISOString(),
        }),
      ),
    ];
    const again = await ws.call('POST', '/api/v1/feedback', { token: ahead.token, body: { items: next } });
    expect(again.status).toBe(200);
    const [first] = await ws.db.query<{ verdict: string }>(
      "SELECT verdict FROM lead_latest WHERE lead_key = 'hubspot:contact:5000'",
    );
    expect(first!.verdict).toBe('lost');
    const stored = await ws.db.query<{ created_at: Date }>('SELECT created_at FROM feedback');
    expect(stored.every((row) => row.created_at.getTime() <= Date.now())).toBe(true);
    expect(await rollupDifferences(ws.db)).toEqual([]);
  });
});

/**
 * Dates the ISO format allows that the database cannot take or give back: an instant before year 1
 * in UTC (written in year 1 with an offset east of it) was stored as a BC date that PGlite reads back
 * as an invalid Date, failing every feed page, CSV export and answer list holding it (500); an offset
 * past ±15:59 failed the whole batch (500), and the extension, which retries a 5xx in order, never got
 * past it.
 */
describe.each(DATABASES)('a verdict dated where the database cannot go (%s)', (kind) => {
  let ws: TestWorkspace | undefined;
  afterEach(async () => {
    await ws?.destroy();
    ws = undefined;
  });

  it('is refused as invalid, its batch stored, and every list still read', async () => {
    ws = await startTestWorkspace(kind);
    const rep = await ws.join('rep', 'Odd clock');
    const beforeYearOne = feedbackItem({
      id: randomUUID(),
      campaignId: null,
      createdAt: '0001-01-01T00:30:00+01:00',
    });
    const farOffset = feedbackItem({
      id: randomUUID(),
      campaignId: null,
      createdAt: '2024-01-01T00:00:00+20:00',
    });
    const eastmost = feedbackItem({
      id: randomUUID(),
      campaignId: null,
      createdAt: '2024-01-01T00:00:00+14:00',
    });
    const plain = feedbackItem({ id: randomUUID(), campaignId: null });
    const response = await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [beforeYearOne, farOffset, eastmost, plain] },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const { results } = (await response.json()) as { results: Array<{ status: string }> };
    expect(results.map((result) => result.status)).toEqual(['invalid', 'invalid', 'created', 'created']);
    for (const path of ['/api/v1/feedback', '/api/v1/feedback?format=csv', '/api/v1/answers']) {
      const read = await ws.call('GET', path, { token: ws.adminToken });
      expect(read.status, `${path}: ${await read.clone().text()}`).toBe(200);
      await read.text();
    }
    const mine = await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token });
    const { items } = (await mine.json()) as { items: Array<{ id: string; createdAt: string }> };
    expect(items.find((item) => item.id === eastmost.id)?.createdAt).toBe('2023-12-31T10:00:00.000Z');
  });
});
