import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_PAGE_ROWS } from '../../workspace/routes';
import { feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

describe.each(DATABASES)('on %s', (kind) => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await startTestWorkspace(kind, { tokenRequests: { limit: 40, windowSeconds: 3_600 } });
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  it('the CSV export streams every row, a page at a time: chunked, no Content-Length', async () => {
    const rep = await ws.join('rep', 'Exporter');
    const total = CSV_PAGE_ROWS * 2 + 37;
    const ids: string[] = [];
    for (let sent = 0; sent < total; sent += 100) {
      const items = Array.from({ length: Math.min(100, total - sent) }, (_, n) =>
        feedbackItem({
          id: randomUUID(),
          campaignId: null,
          lead: { crm: 'hubspot', objectType: 'contact', recordId: `export-${sent + n}` },
          createdAt: new Date(Date.now() - 60_000).toISOString(),
        }),
      );
      ids.push(...items.map((item) => item.id));
      const posted = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      expect(posted.status).toBe(200);
    }
    const csv = await ws.call('GET', '/api/v1/feedback?format=csv', { token: ws.adminToken });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('Content-Length')).toBeNull();
    expect(csv.headers.get('Transfer-Encoding')).toBe('chunked');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toMatch(/^id,created_at,campaign_id,verdict/);
    expect(lines.at(-1)).toBe('');
    const exported = lines.slice(1, -1).map((line) => line.split(',')[0]);
    expect(exported).toHaveLength(total);
    expect(new Set(exported)).toEqual(new Set(ids));
  });

  it('exports a matrix cell’s leads (latest=1) a page at a time, choosing them once', async () => {
    // The leads of the export above, each with its one verdict: the cell of every lead.
    const listed: string[] = [];
    for (let since = '0'; ; ) {
      const answer = await ws.call('GET', `/api/v1/feedback?latest=1&since=${since}`, {
        token: ws.adminToken,
      });
      const page = (await answer.json()) as { items: Array<{ id: string }>; cursor: string };
      if (page.items.length === 0) break;
      listed.push(...page.items.map((item) => item.id));
      since = page.cursor;
    }
    expect(listed.length).toBeGreaterThan(CSV_PAGE_ROWS * 2);
    const query = ws.db.query;
    let chosen = 0;
    ws.db.query = ((text: string, params?: unknown[]) => {
      if (text.includes('DISTINCT ON (f.lead_key)')) chosen++;
      return query.call(ws.db, text, params);
    }) as typeof query;
    try {
      const csv = await ws.call('GET', '/api/v1/feedback?format=csv&latest=1', { token: ws.adminToken });
      const exported = (await csv.text())
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]);
      expect(exported).toEqual(listed);
    } finally {
      ws.db.query = query;
    }
    // Once, not once a page (3 pages here; 200 for 100,000 leads, each over the whole period).
    expect(chosen).toBe(1);
  });

  it('refuses a filter holding a NUL (422), not a database error (500)', async () => {
    const rep = await ws.join('rep');
    const marketer = await ws.join('marketer');
    const asked = [
      [rep.token, '/api/v1/feedback?mine=1&region=%00'],
      [marketer.token, '/api/v1/feedback?channel=Web%00inar'],
      [marketer.token, '/api/v1/feedback/matrix?region=%00'],
      [marketer.token, '/api/v1/insights?channel=%00'],
      [marketer.token, '/api/v1/answers?region=%00'],
    ] as const;
    for (const [token, path] of asked) {
      const response = await ws.call('GET', path, { token });
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(422);
    }
  });

  it('limits requests per token: 429 with Retry-After past the limit, other tokens unaffected', async () => {
    const busy = await ws.join('rep', 'Busy');
    const calm = await ws.join('rep', 'Calm');
    for (let n = 0; n < 40; n++)
      expect((await ws.call('GET', '/api/v1/me', { token: busy.token })).status).toBe(200);
    const limited = await ws.call('GET', '/api/v1/me', { token: busy.token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('Retry-After'))).toBeLessThanOrEqual(3_600);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await ws.call('GET', '/api/v1/me', { token: calm.token })).status).toBe(200);
    // Counted in the database: a second server on the same data would refuse this token too.
    const [row] = await ws.db.query<{ count: number }>(
      "SELECT sum(count)::int AS count FROM rate_limits WHERE key LIKE 'token:%' AND count > 40",
    );
    expect(row?.count).toBeGreaterThan(40);
  });
});
