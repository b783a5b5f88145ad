import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackItem } from '../../lib/protocol';
import { rollupDifferences } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

/**
 * ingest_items reads each item as an array of its fields by position and answers with the places it
 * stored and refused (migration 015): every field comes back as it was sent. ingest_batch, which the
 * version before calls, still stores on this schema: several processes restart one by one.
 */
describe.each(DATABASES)('items as ingest_items reads them on %s', (kind) => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('stores every field as sent, and tells a resent item from a changed one', async () => {
    ws = await startTestWorkspace(kind);
    const marketer = await ws.join('marketer');
    const created = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body: briefInput() });
    const campaignId = ((await created.json()) as { id: string }).id;
    const rep = await ws.join('rep', 'Ana', 'DACH');
    const full = feedbackItem({
      id: randomUUID(),
      campaignId,
      signals: { leadSource: 'Trade "Show"\\', utmCampaign: 'hm26 ✓', region: 'Zürich\nNord' },
      region: 'DACH',
      note: 'Quotes " and \' and a backslash \\ and 🚀, on\ntwo lines',
      answers: [{ question: 'Did they mention a 2027 budget?', answer: 'Yes, "approved"' }],
    });
    const bare: FeedbackItem = {
      id: randomUUID(),
      campaignId: null,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: '4242' },
      signals: {},
      verdict: 'won',
      createdAt: '2026-11-23T10:00:00.000Z',
    };
    const send = async (items: FeedbackItem[]) => {
      const response = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      return ((await response.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status);
    };
    expect(await send([full, bare])).toEqual(['created', 'created']);

    const listed = await ws.call('GET', '/api/v1/feedback?mine=1', { token: rep.token });
    const { items } = (await listed.json()) as { items: Array<FeedbackItem & Record<string, unknown>> };
    const sent = (item: FeedbackItem) => items.find((stored) => stored.id === item.id);
    const { rep: _fullRep, replies: _fullReplies, updatedAt: _fullAt, ...fullBack } = sent(full)!;
    const { rep: _bareRep, replies: _bareReplies, updatedAt: _bareAt, ...bareBack } = sent(bare)!;
    expect(fullBack).toEqual(full);
    expect(bareBack).toEqual(bare);

    // The stored hash is the canonical one: the same item again is a duplicate, another note a conflict.
    expect(await send([full, { ...bare, note: 'changed' }])).toEqual(['duplicate', 'conflict']);
  });

  it('still stores through the previous version’s call (ingest_batch, schema 14) during a rolling restart', async () => {
    const [member] = await ws.db.query<{ id: string }>('SELECT id FROM members LIMIT 1');
    const item = {
      id: randomUUID(),
      member_id: member!.id,
      lead_key: 'hubspot:contact:old',
      crm: 'hubspot',
      object_type: 'contact',
      record_id: 'old',
      signals: {},
      verdict: 'won',
      created_at: '2026-11-23T10:00:00.000Z',
      hash: `\\x${'00'.repeat(32)}`,
    };
    const answered = await ws.db.query('SELECT item_n, item_stored FROM ingest_batch($1::jsonb)', [
      JSON.stringify([item]),
    ]);
    expect(answered).toEqual([{ item_n: 1, item_stored: true }]);
    const stored = await ws.db.query<{ verdict: string }>('SELECT verdict FROM feedback WHERE id = $1', [
      item.id,
    ]);
    expect(stored).toEqual([{ verdict: 'won' }]);
    // The rollups it moved are those a rebuild makes.
    expect(await rollupDifferences(ws.db)).toEqual([]);
  });
});
