import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../workspace/seed';
import { feedbackItem } from '../support/examples';
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

describe('seed-demo on a workspace in use', () => {
  it('adds nothing where reps have sent verdicts already, campaigns or not', async () => {
    const used = await startTestWorkspace('pglite');
    try {
      const rep = await used.join('rep', 'Real Rep');
      const sent = await used.call('POST', '/api/v1/feedback', {
        token: rep.token,
        body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
      });
      expect(sent.status).toBe(200);
      expect(await seedDemo(used.db)).toBe(
        "This workspace already has its reps' verdicts; seed-demo only fills an empty workspace.",
      );
      const [counts] = await used.db.query<{ feedback: number; members: number }>(
        'SELECT (SELECT count(*) FROM feedback)::int AS feedback, (SELECT count(*) FROM members)::int AS members',
      );
      expect(counts).toEqual({ feedback: 1, members: 2 });
    } finally {
      await used.destroy();
    }
  });
});
