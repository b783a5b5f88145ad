import { vi } from 'vitest';
import type { FeedbackRecord, Insights, Me } from '../../../lib/protocol';
import { feedbackItem } from '../../support/examples';

/**
 * The workspace as the dashboard's fetch sees it: answers by "METHOD /path" (query left out), each a
 * JSON body with a status, a function of the request (answering at once or later), or a network failure.
 * Every call is recorded.
 */
export type Reply =
  | { status?: number; json?: unknown; headers?: Record<string, string> }
  | 'offline'
  | ((body: unknown) => Reply | Promise<Reply>);

export function stubWorkspace(routes: Record<string, Reply>) {
  const calls: Array<{ method: string; path: string; body: unknown; headers: Record<string, string> }> = [];
  const fetch = vi.fn(async (input: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = input.split('?')[0]!;
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path: input, body, headers: (init.headers ?? {}) as Record<string, string> });
    let reply = routes[`${method} ${path}`] ?? { status: 404, json: notFound };
    while (typeof reply === 'function') reply = await reply(body);
    if (reply === 'offline') throw new TypeError('Failed to fetch');
    const status = reply.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(reply.json ?? null), {
      status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fetch);
  return { calls };
}

const notFound = { error: { code: 'not_found', message: 'That does not exist in this workspace.' } };

export const ADMIN_ID = '11111111-1111-4111-8111-111111111111';
export const REP_ID = '22222222-2222-4222-8222-222222222222';
export const CAMPAIGN_ID = '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d';

export function meAnswer(role: 'admin' | 'marketer' = 'admin'): Me {
  return {
    member: { id: ADMIN_ID, name: 'Mara Jensen', role, region: null },
    workspace: { id: '33333333-3333-4333-8333-333333333333', name: 'Acme', regions: ['DACH', 'Iberia'] },
  };
}

export function feedbackRecord(overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    ...feedbackItem(),
    rep: { id: REP_ID, name: 'Ana Ruiz' },
    replies: [],
    updatedAt: '2026-11-22T09:15:00.000Z',
    ...overrides,
  };
}

/** A small, valid Insights answer: one campaign, one channel, two regions. */
export function insightsAnswer(overrides: Partial<Insights> = {}): Insights {
  const counts = { leads: 12, goodFit: 6, won: 2, tireKickers: 4 };
  const money = { spend: 84_000, goodFitToDate: 6, wonToDate: 2, costPerGoodFit: 14_000, costPerWon: 42_000 };
  return {
    filter: {},
    asOf: '2026-11-22T09:00:00.000Z',
    smallSample: 10,
    tireKickerThreshold: 0.25,
    leads: 14,
    unmatched: 2,
    campaigns: [{ id: CAMPAIGN_ID, name: 'Hannover Messe 2026', channel: 'Trade show', status: 'active' }],
    channels: [
      {
        channel: 'Trade show',
        ...counts,
        goodFitRate: 0.5,
        tireKickerShare: 1 / 3,
        flagged: true,
        currency: 'EUR',
        ...money,
      },
    ],
    payback: [
      {
        campaignId: CAMPAIGN_ID,
        ...counts,
        goodFitRate: 0.5,
        tireKickerShare: 1 / 3,
        flagged: true,
        currency: 'EUR',
        ...money,
        breakEven: { status: 'behind', needed: 12, won: 2, projected: 5, endsOn: '2026-06-30' },
      },
    ],
    heatMap: [
      { campaignId: CAMPAIGN_ID, region: 'DACH', leads: 10, goodFit: 5 },
      { campaignId: CAMPAIGN_ID, region: null, leads: 2, goodFit: 1 },
      { campaignId: null, region: 'Iberia', leads: 2, goodFit: 0 },
    ],
    sellers: [
      { memberId: REP_ID, name: 'Ana Ruiz', campaignId: CAMPAIGN_ID, leads: 12, goodFit: 6, won: 2 },
      { memberId: REP_ID, name: 'Ana Ruiz', campaignId: null, leads: 2, goodFit: 0, won: 1 },
    ],
    trend: [
      { campaignId: CAMPAIGN_ID, week: '2026-11-16', verdict: 'good_fit', leads: 3 },
      { campaignId: CAMPAIGN_ID, week: '2026-11-09', verdict: 'tire_kicker', leads: 2 },
      { campaignId: null, week: '2026-11-16', verdict: 'good_fit', leads: 1 },
    ],
    ...overrides,
  };
}
