import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackItem } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

/**
 * ingest_batch reads each item as an array of its fields by position and answers with the places it
 * stored and refused (migration 015): every field comes back as it was sent, and a workspace that
 * still speaks the form of schema 14 stores nothing.
 */
describe.each(DATABASES)('items as ingest_batch reads them on %s', (kind) => {
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

  it('stores nothing for a call in the form of schema 14 (items by name, a row per item)', async () => {
    const [member] = await ws.db.query<{ id: string }>('SELECT id FROM members LIMIT 1');
    const before = await ws.db.query('SELECT count(*)::int AS count FROM feedback');
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
    await expect(
      ws.db.query('SELECT item_n, item_stored FROM ingest_batch($1::jsonb)', [JSON.stringify([item])]),
    ).rejects.toThrow(/item_n/);
    expect(await ws.db.query('SELECT count(*)::int AS count FROM feedback')).toEqual(before);
  });
});
