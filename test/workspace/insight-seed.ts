import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { VERDICTS } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { mulberry32 } from '../support/random';
import type { TestWorkspace } from './harness';

/**
 * What the insight tests count over: three reps (two with regions), three campaigns on two channels
 * and no campaign, and 300 verdicts on 25 leads over 20 days from Friday 1 May 2026, sent in ten
 * batches in a random order (seeded), so late arrivals move the pointers of verdicts stored earlier.
 */
export async function seedInsights(ws: TestWorkspace, seed: number) {
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
  const next = mulberry32(seed);
  for (let batch = 0; batch < 10; batch++) {
    const rep = reps[next(reps.length)]!;
    const items = Array.from({ length: 30 }, () =>
      feedbackItem({
        id: randomUUID(),
        campaignId: campaigns[next(campaigns.length)]!,
        lead: { crm: 'pipedrive', objectType: 'deal', recordId: String(next(25)) },
        verdict: VERDICTS[next(VERDICTS.length)]!,
        region: ['DACH', 'Iberia', 'Nordics'][next(3)]!,
        createdAt: new Date(Date.UTC(2026, 4, 1) + next(20 * 86_400) * 1_000 + next(1_000)).toISOString(),
      }),
    );
    const response = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    expect(response.status).toBe(200);
  }
  return { marketer, reps, campaigns };
}
