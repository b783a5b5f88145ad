import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { warmIngest } from '../../workspace/domain/ingest';
import { rollupDifferences } from '../../workspace/domain/rollups';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

const TABLES = [
  'members',
  'feedback',
  'insight_facts',
  'lead_latest',
  'verdict_counts',
  'seller_wins',
  'webhook_queue',
];

/** Every table ingest writes, row by row, and the workspace row with its cursors. */
async function everything(ws: TestWorkspace): Promise<unknown> {
  const tables = await Promise.all(
    TABLES.map((table) => ws.db.query(`SELECT * FROM ${table} ORDER BY 1, 2`)),
  );
  return { tables, workspace: await ws.db.query('SELECT * FROM workspace') };
}

/**
 * On PGlite the first ingests after a start ran two to four times slower than later ones; the server
 * runs ingest once on made-up verdicts as it starts, rolled back (workspace/domain/ingest.ts).
 */
describe('the warm-up of ingest on PGlite', () => {
  const started: TestWorkspace[] = [];
  afterAll(async () => {
    await Promise.all(started.map((ws) => ws.destroy()));
  });

  it('leaves nothing behind: no row, no count, no cursor, with a webhook set and verdicts stored', async () => {
    const ws = await startTestWorkspace('pglite');
    started.push(ws);
    const marketer = await ws.join('marketer');
    const created = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body: briefInput() });
    const campaignId = ((await created.json()) as { id: string }).id;
    const rep = await ws.join('rep', 'Ana', 'DACH');
    const items = Array.from({ length: 20 }, (_, n) =>
      feedbackItem({
        id: randomUUID(),
        campaignId,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: `r${n % 4}` },
        createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
      }),
    );
    expect((await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } })).status).toBe(
      200,
    );
    await ws.db.query("UPDATE workspace SET webhook_url = 'https://hooks.example.com/x'");
    const before = await everything(ws);
    await warmIngest(ws.db);
    expect(await everything(ws)).toEqual(before);
  });

  it('runs as a server starts by default, and an ingest at once after the start is stored and counted', async () => {
    const ws = await startTestWorkspace('pglite', { warmUp: true });
    started.push(ws);
    const rep = await ws.join('rep', 'Ana', 'DACH');
    const items = Array.from({ length: 50 }, (_, n) =>
      feedbackItem({
        id: randomUUID(),
        campaignId: null,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: 'warm' },
        createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
      }),
    );
    const answer = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    const { results } = (await answer.json()) as { results: Array<{ status: string }> };
    expect(results.every((result) => result.status === 'created')).toBe(true);
    expect(await rollupDifferences(ws.db)).toEqual([]);
    const [{ n }] = (await ws.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM members WHERE name = 'warm-up'",
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('does not hold up a close just after the start', async () => {
    const ws = await startTestWorkspace('pglite', { warmUp: true });
    await ws.destroy();
  });
});
