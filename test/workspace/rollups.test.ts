import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { VERDICTS } from '../../lib/protocol';
import { rebuildRollups } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { mulberry32 } from '../support/random';
import { startTestWorkspace, type TestWorkspace } from './harness';

describe('rollups kept by ingest', () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('equal the rollups rebuilt from the feedback, after many verdicts on shared leads from several reps', async () => {
    ws = await startTestWorkspace('postgres');
    const marketer = await ws.join('marketer');
    const reps = [
      await ws.join('rep', 'A', 'DACH'),
      await ws.join('rep', 'B', 'Iberia'),
      await ws.join('rep', 'C'),
    ];
    const campaigns: Array<string | null> = [null];
    for (const name of ['One', 'Two', 'Three']) {
      const response = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name }),
      });
      campaigns.push(((await response.json()) as { id: string }).id);
    }
    // Seeded, so the test is the same every run.
    const next = mulberry32(7);
    for (let batch = 0; batch < 12; batch++) {
      const rep = reps[next(reps.length)]!;
      const items = Array.from({ length: 40 }, () =>
        feedbackItem({
          id: randomUUID(),
          campaignId: campaigns[next(campaigns.length)]!,
          lead: { crm: 'pipedrive', objectType: 'deal', recordId: String(next(60)) },
          verdict: VERDICTS[next(VERDICTS.length)]!,
          region: ['DACH', 'Iberia', 'Nordics'][next(3)]!,
          // distinct instants: the latest verdict of a lead is never a tie
          createdAt: new Date(Date.UTC(2026, 0, 1) + next(10_000_000) * 1_000 + next(1_000)).toISOString(),
        }),
      );
      const response = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      expect(response.status).toBe(200);
    }
    const snapshot = async () => ({
      latest: await ws.db.query(
        'SELECT lead_key, feedback_id, campaign_key, verdict, region, member_id FROM lead_latest ORDER BY lead_key',
      ),
      counts: await ws.db.query(
        'SELECT campaign_key, region, verdict, leads FROM verdict_counts WHERE leads <> 0 ORDER BY campaign_key, region, verdict',
      ),
      wins: await ws.db.query(
        'SELECT campaign_key, member_id, won FROM seller_wins WHERE won <> 0 ORDER BY campaign_key, member_id',
      ),
    });
    const incremental = await snapshot();
    expect(incremental.latest.length).toBe(60);
    await ws.db.transaction((tx) => rebuildRollups(tx));
    expect(await snapshot()).toEqual(incremental);
  });
});
