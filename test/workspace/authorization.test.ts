import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

/** Invites made by the matrix: numbered, as member names are unique among current members. */
let invited = 0;
type Caller = 'none' | 'bad' | 'revoked' | 'rep' | 'marketer' | 'admin';
const CALLERS: Caller[] = ['none', 'bad', 'revoked', 'rep', 'marketer', 'admin'];

/**
 * Who may call what: one row per route of the OpenAPI document. A route the document names without a
 * row here fails the test, so a new route cannot ship without its authorization being decided.
 */
const MATRIX: Record<string, { allowed: Caller[]; body?: () => unknown; query?: string }> = {
  'POST /api/v1/link': {
    allowed: ['none', 'bad', 'revoked', 'rep', 'marketer', 'admin'],
    body: () => ({ code: 'x' }),
  },
  'POST /api/v1/session': {
    allowed: ['none', 'bad', 'revoked', 'rep', 'marketer', 'admin'],
    body: () => ({ code: 'x' }),
  },
  'DELETE /api/v1/session': { allowed: ['none', 'bad', 'revoked', 'rep', 'marketer', 'admin'] },
  'GET /api/v1/me': { allowed: ['rep', 'marketer', 'admin'] },
  'GET /api/v1/feedback/matrix': { allowed: ['marketer', 'admin'] },
  'GET /api/v1/insights': { allowed: ['marketer', 'admin'] },
  'GET /api/v1/insights.csv': { allowed: ['marketer', 'admin'] },
  'GET /api/v1/campaigns': { allowed: ['rep', 'marketer', 'admin'] },
  'POST /api/v1/campaigns': { allowed: ['marketer', 'admin'], body: () => briefInput() },
  'PATCH /api/v1/campaigns/{id}': { allowed: ['marketer', 'admin'], body: () => ({ priority: 'low' }) },
  'POST /api/v1/feedback': {
    allowed: ['rep', 'marketer', 'admin'],
    body: () => ({ items: [feedbackItem({ id: randomUUID(), campaignId: null })] }),
  },
  'GET /api/v1/feedback': { allowed: ['marketer', 'admin'] },
  'GET /api/v1/feedback?mine=1': { allowed: ['rep', 'marketer', 'admin'], query: '?mine=1&since=0' },
  'POST /api/v1/feedback/{id}/replies': { allowed: ['marketer', 'admin'], body: () => ({ text: 'Thanks' }) },
  'GET /api/v1/answers': { allowed: ['marketer', 'admin'] },
  'POST /api/v1/feedback/{id}/answers/{index}/useful': { allowed: ['marketer', 'admin'] },
  'DELETE /api/v1/feedback/{id}/answers/{index}/useful': { allowed: ['marketer', 'admin'] },
  'GET /api/v1/members': { allowed: ['marketer', 'admin'] },
  'GET /api/v1/workspace': { allowed: ['admin'] },
  'PATCH /api/v1/workspace': { allowed: ['admin'], body: () => ({ regions: ['DACH', 'Iberia'] }) },
  'PATCH /api/v1/members/{id}': { allowed: ['admin'], body: () => ({ region: 'DACH' }) },
  'POST /api/v1/invites': { allowed: ['admin'], body: () => ({ name: `New rep ${++invited}`, role: 'rep' }) },
  'POST /api/v1/members/{id}/codes': { allowed: ['admin'] },
  'DELETE /api/v1/members/{id}': { allowed: ['admin'] },
  'DELETE /api/v1/tokens/current': { allowed: ['rep', 'marketer', 'admin'] },
  'GET /api/v1/members/{id}/tokens': { allowed: ['admin'] },
  'DELETE /api/v1/members/{id}/tokens/{tokenId}': { allowed: ['admin'] },
};

describe.each(DATABASES)('the authorization matrix on %s', (kind) => {
  /** What each route's {id} is: a real one, so an allowed caller gets past the role check to a real answer. */
  const ID_FOR: Record<string, () => string> = {};
  const TOKEN_ID_FOR: Record<string, () => string> = {};

  let ws: TestWorkspace;
  const tokens: Record<Caller, string | null> = {
    none: null,
    bad: 'b'.repeat(43),
    revoked: null,
    rep: null,
    marketer: null,
    admin: null,
  };
  let routes: string[];

  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
    tokens.admin = ws.adminToken;
    tokens.marketer = (await ws.join('marketer')).token;
    tokens.rep = (await ws.join('rep')).token;
    const revoked = await ws.join('rep', 'Revoked');
    tokens.revoked = revoked.token;
    await ws.call('DELETE', `/api/v1/members/${revoked.id}`, { token: ws.adminToken });

    const brief = await ws.call('POST', '/api/v1/campaigns', { token: tokens.marketer, body: briefInput() });
    const campaignId = ((await brief.json()) as { id: string }).id;
    const item = {
      ...feedbackItem({ id: randomUUID(), campaignId }),
      answers: [{ question: 'Which line would you retrofit first?', answer: 'Line 2, the oldest.' }],
    };
    await ws.call('POST', '/api/v1/feedback', { token: tokens.rep, body: { items: [item] } });
    ID_FOR['/api/v1/campaigns/{id}'] = () => campaignId;
    ID_FOR['/api/v1/feedback/{id}/replies'] = () => item.id;
    ID_FOR['/api/v1/feedback/{id}/answers/{index}/useful'] = () => item.id;
    // Each call removes or re-codes a member of its own, so the callers above keep working.
    const spare = async () => (await ws.join('rep')).id;
    const spares: string[] = [];
    for (let i = 0; i < CALLERS.length * 3; i++) spares.push(await spare());
    ID_FOR['/api/v1/members/{id}/codes'] = () => spares[0]!;
    ID_FOR['/api/v1/members/{id}'] = () => spares.pop()!;
    ID_FOR['/api/v1/members/{id}/tokens'] = () => spares[0]!;
    const linked = await ws.join('rep', 'Linked');
    const [token] = await ws.db.query<{ id: string }>('SELECT id FROM tokens WHERE member_id = $1', [
      linked.id,
    ]);
    ID_FOR['/api/v1/members/{id}/tokens/{tokenId}'] = () => linked.id;
    TOKEN_ID_FOR['/api/v1/members/{id}/tokens/{tokenId}'] = () => token!.id;

    const doc = (await (await ws.call('GET', '/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
  });

  afterAll(async () => {
    await ws?.destroy();
  });

  it('has a row for every route the OpenAPI document names', () => {
    expect(routes.length).toBeGreaterThan(10);
    const rows = new Set(Object.keys(MATRIX).map((row) => row.replace(/\?.*$/, '')));
    expect(routes.filter((route) => !rows.has(route))).toEqual([]);
  });

  it.each(Object.keys(MATRIX).flatMap((row) => CALLERS.map((caller) => [row, caller] as const)))(
    '%s as %s',
    async (row, caller) => {
      const { allowed, body, query } = MATRIX[row]!;
      const [method, pattern] = row.replace(/\?.*$/, '').split(' ') as [string, string];
      const path =
        pattern
          .replace('{id}', ID_FOR[pattern]?.() ?? randomUUID())
          .replace('{tokenId}', TOKEN_ID_FOR[pattern]?.() ?? randomUUID())
          .replace('{index}', '0') + (query ?? '');
      // Unlinking revokes the caller's own token: an allowed caller unlinks a browser of its own.
      const unlinks = row === 'DELETE /api/v1/tokens/current' && allowed.includes(caller);
      const response = await ws.call(method, path, {
        token: unlinks ? (await ws.join(caller as 'rep' | 'marketer' | 'admin')).token : tokens[caller],
        ...(body ? { body: body() } : {}),
      });
      if (row === 'POST /api/v1/link' || row === 'POST /api/v1/session') {
        expect(response.status).toBe(401); // a made-up code is refused, whoever asks; no token is needed to ask
      } else if (allowed.includes(caller)) {
        expect(response.status, `${row} as ${caller}: ${await response.clone().text()}`).toBeLessThan(300);
      } else {
        const expected = caller === 'none' || caller === 'bad' || caller === 'revoked' ? 401 : 403;
        expect(response.status, `${row} as ${caller}`).toBe(expected);
        const envelope = (await response.json()) as { error: { code: string; message: string } };
        expect(envelope.error.message).toMatch(expected === 401 ? /link the extension again/ : /role/);
      }
    },
  );
});
