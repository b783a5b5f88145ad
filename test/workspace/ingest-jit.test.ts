import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackItem, Member } from '../../lib/protocol';
import { ingest, prepareBatch } from '../../workspace/domain/ingest';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * On a PostgreSQL server (JIT on by default), the statistics autoanalyze gathers once leads have been
 * judged a few times put the pointers' statement in ingest_items past the JIT thresholds, and every call
 * then compiled it with LLVM: about 580 ms a call, the re-judging bench row at half its pace
 * (migration 020). Here the thresholds are put at nothing, as such statistics do, for one transaction.
 */
describe('an ingest call on a PostgreSQL server whose planner would compile every statement', () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('compiles none: its calls take what they took before', async () => {
    ws = await startTestWorkspace('postgres');
    const created = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
    const campaignId = ((await created.json()) as { id: string }).id;
    const { id } = await ws.join('rep', 'Ana', 'DACH');
    const ana: Member = { id, name: 'Ana', role: 'rep', region: 'DACH' };
    const batch = (round: number) =>
      prepareBatch(
        Array.from({ length: 100 }, (_, n) => {
          const lead: FeedbackItem['lead'] = { crm: 'hubspot', objectType: 'contact', recordId: String(n) };
          const createdAt = new Date(Date.UTC(2026, 0, 1 + round, 9, 0, n)).toISOString();
          return feedbackItem({ id: randomUUID(), campaignId, lead, createdAt });
        }),
      );
    // The leads judged once, so that the second call moves their pointers.
    await ingest(ws.db, ana, batch(0));
    // A server that would compile (JIT on, with its LLVM provider): where it cannot, this says nothing.
    const [jit] = await ws.db.query<{ jit: string; available: boolean }>(
      'SELECT current_setting($1) AS jit, pg_jit_available() AS available',
      ['jit'],
    );
    expect(jit).toEqual({ jit: 'on', available: true });
    const timed = await ws.db.transaction(async (tx) => {
      for (const cost of ['jit_above_cost', 'jit_inline_above_cost', 'jit_optimize_above_cost'])
        await tx.query(`SET LOCAL ${cost} = 0`);
      const started = performance.now();
      const results = await ingest(tx, ana, batch(1));
      return { ms: performance.now() - started, results };
    });
    expect(timed.results.map((result) => result.status)).toEqual(Array(100).fill('created'));
    // Compiled, each of the call's statements took 0.5-1 s of LLVM (several seconds in all); without
    // it the call takes tens of milliseconds.
    expect(timed.ms).toBeLessThan(1_500);
  });
});
