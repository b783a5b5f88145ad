import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackItem, Member } from '../../lib/protocol';
import type { Database } from '../../workspace/db/database';
import { ingest, type PreparedBatch, prepareBatch, type Stored } from '../../workspace/domain/ingest';
import { rollupDifferences } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

/**
 * Requests that wait for their turn at the same time share one call of the ingest function (ingest_batch, migration 010; ingest_items since 015): each
 * still gets the answers it would get alone, in its own order, and the rollups equal a rebuild.
 */
describe.each(DATABASES)('ingest calls shared by waiting requests on %s', (kind) => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  /** The database, counting the ingest_items calls made through it. */
  const counting = (db: Database) => {
    const counted = { calls: 0, db: { ...db } as Database };
    counted.db.query = (text, params) => {
      if (text.includes('ingest_items')) counted.calls++;
      return db.query(text, params);
    };
    return counted;
  };

  const rep = async (name: string, region: string): Promise<Member> => {
    const { id } = await ws.join('rep', name, region);
    return { id, name, role: 'rep', region };
  };

  it('answers each request for its own items, the same id sent by two requests included', async () => {
    ws = await startTestWorkspace(kind);
    const marketer = await ws.join('marketer');
    const campaign = async (status: 'active' | 'draft') => {
      const response = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ status }),
      });
      return ((await response.json()) as { id: string }).id;
    };
    const active = await campaign('active');
    const draft = await campaign('draft');
    const [ana, ben] = [await rep('Ana', 'DACH'), await rep('Ben', 'Iberia')];
    let made = 0;
    // Leads judged several times, verdicts given out of order: the pointers and rollups move too.
    const item = (overrides: Partial<FeedbackItem> = {}) =>
      feedbackItem({
        id: randomUUID(),
        campaignId: active,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: String(made % 40) },
        createdAt: new Date(Date.UTC(2026, 0, 1) + ((made++ * 7_919) % 1_000) * 60_000).toISOString(),
        ...overrides,
      });

    const shared = item();
    const contested = item();
    const requests: Array<[Member, FeedbackItem[]]> = [
      [ana, [item(), shared, item()]],
      // The same item again in another request: stored once, the other place is a duplicate.
      [ana, [shared, item()]],
      // The same id with other content, and the same content from another member: conflicts.
      [ana, [contested, item()]],
      [ben, [{ ...contested, verdict: 'spam' }, item(), { ...shared }]],
      // A draft campaign's item is refused; its neighbours are stored.
      [ben, [item(), item({ campaignId: draft }), item()]],
      ...Array.from({ length: 7 }, (_, n): [Member, FeedbackItem[]] => [
        n % 2 ? ana : ben,
        Array.from({ length: 20 }, () => item()),
      ]),
    ];
    const { db, calls } = (() => {
      const counted = counting(ws.db);
      return { db: counted.db, calls: () => counted.calls };
    })();
    const answers = await Promise.all(
      requests.map(([member, items]) => ingest(db, member, prepareBatch(items))),
    );

    // Fewer calls than requests: the waiting ones went together.
    expect(calls()).toBeLessThan(requests.length);
    const statuses = answers.map((results) => results.map((r) => r.status));
    expect(statuses.slice(0, 5)).toEqual([
      ['created', 'created', 'created'],
      ['duplicate', 'created'],
      ['created', 'created'],
      ['conflict', 'created', 'conflict'],
      ['created', 'invalid', 'created'],
    ]);
    for (const results of statuses.slice(5)) expect(results).toEqual(Array(20).fill('created'));
    expect(answers.map((results) => results.map((r) => r.id))).toEqual(
      requests.map(([, items]) => items.map((i) => i.id)),
    );

    const [stored] = await ws.db.query<{ count: number; members: number }>(
      'SELECT count(*)::int AS count, count(DISTINCT member_id)::int AS members FROM feedback',
    );
    expect(stored).toEqual({ count: 3 + 1 + 2 + 1 + 2 + 7 * 20, members: 2 });
    const [first] = await ws.db.query<{ member_id: string; verdict: string }>(
      'SELECT member_id, verdict FROM feedback WHERE id = $1',
      [contested.id],
    );
    expect(first).toEqual({ member_id: ana.id, verdict: contested.verdict });
    expect(await ws.db.transaction((tx) => rollupDifferences(tx))).toEqual([]);

    // Sent again, alone: every item is answered as a resend, nothing is stored twice.
    const again = await ingest(ws.db, ana, prepareBatch(requests[0]![1]));
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);

    // Its brief put back to draft meanwhile (the answer lost, so the outbox sends it again): still a
    // duplicate, not invalid for its campaign, which made it a dead letter that Resend stored twice. The
    // same id with another member is a conflict; a new item for the draft is refused as before.
    const moved = await ws.call('PATCH', `/api/v1/campaigns/${active}`, {
      token: marketer.token,
      body: { status: 'draft' },
    });
    expect(moved.status).toBe(200);
    const late = [...requests[0]![1], item()];
    expect((await ingest(ws.db, ana, prepareBatch(late))).map((r) => r.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'invalid',
    ]);
    expect((await ingest(ws.db, ben, prepareBatch([shared]))).map((r) => r.status)).toEqual(['conflict']);
  });

  it("does not fail a request for another request's failure in the same call", async () => {
    const member = await rep('Cleo', 'DACH');
    const good = (n: number) =>
      prepareBatch(
        Array.from({ length: 5 }, () =>
          feedbackItem({
            id: randomUUID(),
            campaignId: null,
            lead: { crm: 'hubspot', objectType: 'contact', recordId: `cleo-${n}` },
          }),
        ),
      );
    // An entry past the checks that the database refuses (a batch prepared elsewhere, a bug): its
    // request fails, alone.
    const [entry] = good(99) as Stored[];
    const broken: PreparedBatch = [{ ...entry!, createdAt: 'not an instant' }];
    const { db } = counting(ws.db);
    const outcomes = await Promise.allSettled([
      ingest(db, member, good(1)),
      ingest(db, member, good(2)),
      ingest(db, member, broken),
      ingest(db, member, good(3)),
      ingest(db, member, good(4)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    for (const outcome of outcomes)
      if (outcome.status === 'fulfilled')
        expect(outcome.value.map((r) => r.status)).toEqual(Array(5).fill('created'));
    expect(await ws.db.transaction((tx) => rollupDifferences(tx))).toEqual([]);
  });
});
