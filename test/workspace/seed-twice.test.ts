import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../workspace/seed';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * `seed-demo` fills an empty workspace only. Two at once on one PostgreSQL (two CLI calls, or two
 * `npm start`s on one DATABASE_URL) both found it empty and both seeded: two demo teams, twice the briefs.
 */
describe('two seed-demo runs at once on PostgreSQL', () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('seed the workspace once; the other is told it has campaigns already', async () => {
    ws = await startTestWorkspace('postgres');
    const answers = await Promise.all([seedDemo(ws.db), seedDemo(ws.db)]);
    const briefs = await ws.db.query<{ count: number }>('SELECT count(*)::int AS count FROM briefs');
    const once = await startTestWorkspace('postgres');
    try {
      await seedDemo(once.db);
      const expected = await once.db.query<{ count: number }>('SELECT count(*)::int AS count FROM briefs');
      expect(briefs[0]?.count).toBe(expected[0]?.count);
    } finally {
      await once.destroy();
    }
    expect(answers.filter((answer) => answer.includes('already has campaigns'))).toHaveLength(1);
  });
});
