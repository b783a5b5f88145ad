import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

/**
 * Feedback has no foreign keys to members and briefs (dropped by migration 005 for ingest speed); what
 * they guarded holds without them (migration 010): every stored item names a member and a campaign
 * that exist (or no campaign), never a draft's, and neither table lets a row go.
 */
describe.each(DATABASES)('feedback integrity without foreign keys on %s', (kind) => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('stores items only under existing members and known campaigns, and refuses to delete either', async () => {
    ws = await startTestWorkspace(kind);
    const marketer = await ws.join('marketer');
    const campaign = async (status: 'active' | 'draft') => {
      const response = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ status }),
      });
      return ((await response.json()) as { id: string }).id;
    };
    const [active, draft] = [await campaign('active'), await campaign('draft')];
    const reps = [await ws.join('rep', 'A', 'DACH'), await ws.join('rep', 'B', 'Iberia')];
    for (const [n, campaignId] of [active, draft, randomUUID(), null].entries()) {
      const response = await ws.call('POST', '/api/v1/feedback', {
        token: reps[n % 2]!.token,
        body: {
          items: Array.from({ length: 3 }, (_, k) =>
            feedbackItem({
              id: randomUUID(),
              campaignId,
              lead: { crm: 'hubspot', objectType: 'contact', recordId: `${n}-${k}` },
            }),
          ),
        },
      });
      const { results } = (await response.json()) as { results: Array<{ status: string }> };
      expect(results.map((r) => r.status)).toEqual(
        Array(3).fill(campaignId === draft || (campaignId && campaignId !== active) ? 'invalid' : 'created'),
      );
    }
    const orphans = `SELECT count(*)::int AS count FROM feedback f
       WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = f.member_id)
          OR (f.campaign_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM briefs b WHERE b.id = f.campaign_id AND b.status <> 'draft'))`;
    expect(await ws.db.query(orphans)).toEqual([{ count: 0 }]);
    expect(await ws.db.query('SELECT count(*)::int AS count FROM feedback')).toEqual([{ count: 6 }]);

    // A removed member keeps their row (and their feedback its member); no statement removes one.
    const removed = await ws.call('DELETE', `/api/v1/members/${reps[0]!.id}`, { token: ws.adminToken });
    expect(removed.ok).toBe(true);
    for (const statement of [
      `DELETE FROM members WHERE id = '${reps[0]!.id}'`,
      `DELETE FROM briefs WHERE id = '${active}'`,
      'TRUNCATE members CASCADE',
      'TRUNCATE briefs CASCADE',
    ])
      await expect(ws.db.query(statement)).rejects.toThrow(/are never deleted: feedback points at them/);
    expect(await ws.db.query(orphans)).toEqual([{ count: 0 }]);
  });
});
