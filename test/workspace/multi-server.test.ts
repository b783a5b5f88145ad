import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCampaigns } from '../../lib/protocol';
import { type RunningWorkspace, startWorkspace } from '../../workspace/server';
import { briefInput, feedbackItem } from '../support/examples';
import { freshPostgresDatabase } from './harness';

/**
 * A team past one machine: several workspace processes (here two servers in one test process, each with
 * its own data folder) on one PostgreSQL database, behind a load balancer that may send any request to
 * either. What one acknowledges, the other knows.
 */
describe('two workspace servers on one PostgreSQL database', () => {
  let databaseUrl: string;
  let a: RunningWorkspace;
  let b: RunningWorkspace;
  const folders: string[] = [];
  let token: string;

  const call = (
    ws: RunningWorkspace,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${ws.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    databaseUrl = await freshPostgresDatabase();
    const start = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sameroom-multi-'));
      folders.push(dataDir);
      return startWorkspace({
        dataDir,
        databaseUrl,
        port: 0,
        log: () => undefined,
        // A day's window: the windows are fixed (they start on multiples of their length), and a 10-minute
        // one began anew between the admin's link and the last attempt about once in 60 runs.
        linkAttempts: { limit: 6, windowSeconds: 86_400 },
      });
    };
    // Started together: the migrations run once, whoever takes the lock first.
    [a, b] = await Promise.all([start(), start()]);
    const adminJoin = a.adminJoinUrl ?? b.adminJoinUrl;
    expect([a.adminJoinUrl, b.adminJoinUrl].filter(Boolean)).toHaveLength(1); // one workspace, made once
    const linked = await call(a, 'POST', '/api/v1/link', { code: adminJoin!.split('#')[1] });
    token = ((await linked.json()) as { token: string }).token;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('ran each migration once', async () => {
    const rows = await a.db.query<{ version: string; n: number }>(
      'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version',
    );
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });

  it('stores every item once when each batch goes to both at once, and both answer the same numbers', async () => {
    const created = await call(a, 'POST', '/api/v1/campaigns', briefInput());
    const campaignId = ((await created.json()) as { id: string }).id;
    const statuses: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const items = Array.from({ length: 50 }, (_, n) =>
        feedbackItem({
          id: randomUUID(),
          campaignId,
          lead: { crm: 'hubspot', objectType: 'contact', recordId: `${batch}-${n % 20}` },
          createdAt: new Date(Date.UTC(2026, 10, 1, 0, batch, n)).toISOString(),
        }),
      );
      const answers = await Promise.all([a, b].map((ws) => call(ws, 'POST', '/api/v1/feedback', { items })));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        statuses.push(
          ...((await answer.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status),
        );
      }
    }
    expect(statuses.filter((s) => s === 'created')).toHaveLength(500);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(500);
    const [{ n }] = (await a.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback')) as [
      { n: number },
    ];
    expect(n).toBe(500);
    const views = await Promise.all(
      [a, b].map(async (ws) => readCampaigns(await (await call(ws, 'GET', '/api/v1/campaigns')).json())),
    );
    // Everything but the moment each answer was computed.
    const stats = views.map((view) =>
      view.ok ? view.items.map(({ stats: { asOf: _, ...rest } }) => rest) : null,
    );
    expect(stats[0]).toEqual(stats[1]);
    expect(views[0]!.ok && views[0]!.items[0]!.stats.leads).toBe(200);
  });

  it('counts link attempts from one address across both servers', async () => {
    const saved = token;
    token = '';
    try {
      // The admin's own link (on a) does not count: it worked.
      const tries = [a, b, a, b, a, b];
      const statuses: number[] = [];
      for (const ws of tries)
        statuses.push((await call(ws, 'POST', '/api/v1/link', { code: `guess-${randomUUID()}` })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
      expect((await call(b, 'POST', '/api/v1/link', { code: 'one-more' })).status).toBe(429);
      expect((await call(a, 'POST', '/api/v1/link', { code: 'and-another' })).status).toBe(429);
    } finally {
      token = saved;
    }
  });

  it('keeps a dashboard session signed in on one server valid on the other, and signed out on both', async () => {
    const invite = await call(a, 'POST', '/api/v1/invites', { name: 'Mara Jensen', role: 'marketer' });
    const code = ((await invite.json()) as { code: string }).code;
    const saved = token;
    token = '';
    try {
      // The test above spent this address's attempts: let the window pass, as time would.
      await a.db.query("DELETE FROM rate_limits WHERE key LIKE 'link:%'");
      const signIn = await call(a, 'POST', '/api/v1/session', { code }, { origin: a.url });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const me = await call(b, 'GET', '/api/v1/me', undefined, { cookie });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { member: { name: string } }).member.name).toBe('Mara Jensen');
      expect((await call(b, 'DELETE', '/api/v1/session', undefined, { cookie, origin: b.url })).status).toBe(
        204,
      );
      expect((await call(a, 'GET', '/api/v1/me', undefined, { cookie })).status).toBe(401);
    } finally {
      token = saved;
    }
  });
});
