import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { maintainTables, tablesDue } from '../../workspace/db/maintenance';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

let ws: TestWorkspace | undefined;
afterEach(async () => {
  await ws?.destroy();
  ws = undefined;
});

/** `leads` new leads judged under one campaign, through the API, 100 a request. */
async function judgeLeads(workspace: TestWorkspace, leads: number, createdAt: string): Promise<void> {
  const marketer = await workspace.join('marketer');
  const brief = await workspace.call('POST', '/api/v1/campaigns', {
    token: marketer.token,
    body: briefInput(),
  });
  const { id: campaignId } = (await brief.json()) as { id: string };
  const rep = await workspace.join('rep', undefined, 'DACH');
  for (let first = 0; first < leads; first += 100) {
    const response = await workspace.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: {
        items: Array.from({ length: Math.min(100, leads - first) }, (_, n) =>
          feedbackItem({
            id: randomUUID(),
            campaignId,
            createdAt,
            lead: { crm: 'hubspot', objectType: 'contact', recordId: String(first + n) },
          }),
        ),
      },
    });
    expect(response.status).toBe(200);
  }
}

describe.each(DATABASES)('a lead judged again on %s', (kind) => {
  it('has its verdicts looked up by index, not by reading all of feedback and insight_facts, with no statistics', async () => {
    ws = await startTestWorkspace(kind);
    // No statistics, as the title says, on a PostgreSQL server too: its autovacuum analyzed the tables
    // whenever this test ran slowly enough (a loaded machine) and the planner then chose otherwise.
    await ws.db.exec(`
      ALTER TABLE feedback SET (autovacuum_enabled = false);
      ALTER TABLE insight_facts SET (autovacuum_enabled = false);
    `);
    await judgeLeads(ws, 1_000, '2026-11-02T09:00:00.000Z');
    // And 30,000 verdicts of other leads, where reading every row costs far more than looking 100 up.
    await ws.db.exec(`
      INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, signals, verdict, region,
                            created_at, hash, change_seq)
      SELECT gen_random_uuid(), f.member_id, f.campaign_id, 'hubspot:contact:other-' || g, 'hubspot', 'contact',
             'other-' || g, '{}'::jsonb, 'good_fit', 'DACH', timestamptz '2026-10-01' + make_interval(secs => g),
             sha256(g::text::bytea), 1
        FROM generate_series(1, 30000) AS g, (SELECT member_id, campaign_id FROM feedback LIMIT 1) AS f;
      INSERT INTO insight_facts (feedback_id, lead_key, campaign_id, region, member_id, verdict, created_at, received_at)
      SELECT id, lead_key, campaign_id, region, member_id, verdict, created_at, received_at FROM feedback
       WHERE record_id LIKE 'other-%';
    `);
    const leads = Array.from({ length: 100 }, (_, n) => `hubspot:contact:${n * 7}`);
    // What a call re-judging 100 of them runs after its insert, in a transaction of its own: the rows it
    // read by scanning whole tables, as the counts before and after it differ. Not the counts alone: on
    // PostgreSQL 15 they also hold what this connection read in transactions whose counts it has not
    // reported yet (it reports at most once a second), such as the setup's scan of feedback above on a
    // fast machine.
    const scanned = (tx: Pick<TestWorkspace['db'], 'query'>) =>
      tx.query<{ table: string; rows: number }>(
        `SELECT relname AS table, seq_tup_read::int AS rows FROM pg_stat_xact_user_tables
          WHERE relname IN ('feedback', 'insight_facts') ORDER BY relname`,
      );
    const read = await ws.db.transaction(async (tx) => {
      const before = await scanned(tx);
      await tx.query('SELECT insight_pointers_since($1::text[], $2::timestamptz[])', [
        leads,
        leads.map(() => '2026-11-03T09:00:00.000Z'),
      ]);
      const after = await scanned(tx);
      return after.map(({ table, rows }) => ({
        table,
        rows: rows - (before.find((row) => row.table === table)?.rows ?? 0),
      }));
    });
    // Before migration 018: 31,000 rows of each, at every call, growing with the workspace.
    expect(read).toEqual([
      { table: 'feedback', rows: 0 },
      { table: 'insight_facts', rows: 0 },
    ]);
  });
});

describe('PGlite, which runs no autovacuum', () => {
  it('has its tables analyzed and vacuumed by the workspace once enough of them changed', async () => {
    ws = await startTestWorkspace('pglite');
    await judgeLeads(ws, 1_500, '2026-11-02T09:00:00.000Z');
    const due = await tablesDue(ws.db);
    expect(due).toContainEqual({ table: 'feedback', vacuum: true });
    expect(due.map((d) => d.table)).toEqual(expect.arrayContaining(['insight_facts', 'lead_latest']));
    expect(await maintainTables(ws.db)).toEqual(due);
    const [feedback] = await ws.db.query<{ analyzed: boolean; vacuumed: boolean }>(
      `SELECT last_analyze IS NOT NULL AS analyzed, last_vacuum IS NOT NULL AS vacuumed
         FROM pg_stat_user_tables WHERE relname = 'feedback'`,
    );
    expect(feedback).toEqual({ analyzed: true, vacuumed: true });
    expect(await tablesDue(ws.db)).toEqual([]);
  });

  it('does it on its own while it runs', async () => {
    ws = await startTestWorkspace('pglite', { maintenanceEveryMs: 200 });
    await judgeLeads(ws, 300, '2026-11-02T09:00:00.000Z');
    await expect
      .poll(
        async () =>
          (
            await ws!.db.query<{ analyzed: boolean }>(
              `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'feedback'`,
            )
          )[0]?.analyzed,
        { timeout: 10_000 },
      )
      .toBe(true);
  });
});
