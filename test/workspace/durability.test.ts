import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readCampaigns, readFeedbackPage } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

describe.each(DATABASES)('a workspace restarted on %s', (kind) => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('keeps everything it acknowledged: members, tokens, briefs, feedback, replies, stats', async () => {
    ws = await startTestWorkspace(kind);
    const marketer = await ws.join('marketer', 'Mara');
    const rep = await ws.join('rep', 'Ana', 'Iberia');
    const brief = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body: briefInput() });
    const campaignId = ((await brief.json()) as { id: string }).id;
    const items = Array.from({ length: 5 }, (_, n) =>
      feedbackItem({
        id: randomUUID(),
        campaignId,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: String(100 + n) },
      }),
    );
    const sent = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    expect(
      ((await sent.json()) as { results: Array<{ status: string }> }).results.every(
        (r) => r.status === 'created',
      ),
    ).toBe(true);
    await ws.call('POST', `/api/v1/feedback/${items[0]!.id}/replies`, {
      token: marketer.token,
      body: { text: 'Noted' },
    });

    ws = await ws.restart();

    const page = readFeedbackPage(
      await (await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token })).json(),
    );
    expect(page.ok && page.items.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());
    expect(page.ok && page.items.find((i) => i.id === items[0]!.id)?.replies[0]?.text).toBe('Noted');
    const campaigns = readCampaigns(
      await (await ws.call('GET', '/api/v1/campaigns', { token: rep.token })).json(),
    );
    expect(campaigns.ok && campaigns.items[0]?.stats.leads).toBe(5);
    const again = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    expect(
      ((await again.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status),
    ).toEqual(Array(5).fill('duplicate'));
  });
});

describe('rate limits', () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('answers 429 with Retry-After once refused codes from one address run out, across a restart; codes that work never count', async () => {
    // A day's window, so that no window begins anew between the attempts (windows are fixed; the
    // restart takes seconds). The harness links the first admin, and a team links six reps from the
    // same address: none of it counts.
    ws = await startTestWorkspace('pglite', { linkAttempts: { limit: 4, windowSeconds: 86_400 } });
    for (let i = 0; i < 6; i++) await ws.join('rep', `Rep ${i}`);
    for (let i = 0; i < 4; i++)
      expect((await ws.call('POST', '/api/v1/link', { body: { code: `guess-${i}` } })).status).toBe(401);
    ws = await ws.restart();
    const limited = await ws.call('POST', '/api/v1/link', { body: { code: 'guess-4' } });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});
