import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackItem, Member } from '../../lib/protocol';
import { ingest, prepareBatch } from '../../workspace/domain/ingest';
import { rollupDifferences } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * A campaign moved to another channel moves its leads' channel pointers (a trigger on briefs), and
 * ingest writes those leads' facts: both take turns on the workspace row. The change took it only after
 * the brief's update, so its trigger ran beside an ingest not yet committed, and on PostgreSQL (where
 * the two run at once) the insight tables ended up differing from a rebuild.
 */
describe('a campaign moved to another channel while an ingest of its lead commits (PostgreSQL)', () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('leaves the insight tables equal to a rebuild', async () => {
    ws = await startTestWorkspace('postgres');
    const marketer = await ws.join('marketer');
    const campaign = async (channel: string) => {
      const response = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name: `Campaign on ${channel}`, channel }),
      });
      return ((await response.json()) as { id: string }).id;
    };
    const [old, next] = [await campaign('Old channel'), await campaign('New channel')];
    const { id } = await ws.join('rep', 'Ana', 'DACH');
    const ana: Member = { id, name: 'Ana', role: 'rep', region: 'DACH' };
    const lead: FeedbackItem['lead'] = { crm: 'hubspot', objectType: 'contact', recordId: '42' };
    const verdict = (campaignId: string, minute: number) =>
      feedbackItem({
        id: randomUUID(),
        campaignId,
        lead,
        createdAt: new Date(Date.UTC(2026, 0, 1, 9, minute)).toISOString(),
      });
    await ingest(ws.db, ana, prepareBatch([verdict(old, 0)]));

    // An ingest of the lead under the other campaign holds its turn, uncommitted, while the first
    // campaign moves to the other's channel.
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const ingesting = ws.db.transaction(async (tx) => {
      await ingest(tx, ana, prepareBatch([verdict(next, 5)]));
      await committing;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const moving = ws.call('PATCH', `/api/v1/campaigns/${old}`, {
      token: marketer.token,
      body: { channel: 'New channel' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    await ingesting;
    expect((await moving).status).toBe(200);
    expect(await ws.db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
  });
});
