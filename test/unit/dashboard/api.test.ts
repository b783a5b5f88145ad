import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import { readCampaigns } from '../../../lib/protocol';
import { api, apiList, download } from '../../../workspace/dashboard/api';
import { knowsRefusal } from '../../../workspace/dashboard/refusal-words';
import { MatrixAnswer, NoContent } from '../../../workspace/dashboard/schemas';
import { brief } from '../../support/examples';
import { stubWorkspace } from './workspace-double';

afterEach(() => {
  vi.unstubAllGlobals();
  setLanguage('en');
});

describe("the dashboard's API calls", () => {
  it('gives the parsed answer when it fits the schema', async () => {
    stubWorkspace({ 'GET /api/v1/feedback/matrix': { json: { cells: [] } } });
    expect(await api('GET', '/api/v1/feedback/matrix', MatrixAnswer)).toEqual({
      ok: true,
      data: { cells: [] },
      status: 200,
    });
  });

  it('turns a 200 that does not fit the schema into a failure that says so, never a cast', async () => {
    stubWorkspace({
      'GET /api/v1/feedback/matrix': { json: { cells: [{ campaignId: 'x', verdict: 'meh', leads: 1 }] } },
    });
    const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.status).toBe(200);
    expect(answer.message).toMatch(/^The workspace sent an answer this dashboard cannot read \(cells\.0\./);
  });

  it('says so in Spanish to a Spanish reader', async () => {
    setLanguage('es');
    stubWorkspace({ 'GET /api/v1/feedback/matrix': { json: 'not json we know' } });
    const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
    expect(!answer.ok && answer.message).toMatch(/^El espacio de trabajo envió una respuesta/);
  });

  it("gives a Spanish reader the dashboard's words for a refusal it knows, the workspace's for one it does not", async () => {
    const taken = {
      status: 409,
      json: {
        error: {
          code: 'name_taken',
          message: 'Ana Ruiz is already a member. Add a surname or an initial.',
          issues: [{ path: 'name', message: 'is already a member’s name' }],
        },
      },
    };
    const newer = { status: 409, json: { error: { code: 'quota_spent', message: 'The quota is spent.' } } };
    stubWorkspace({ 'POST /api/v1/invites': taken, 'POST /api/v1/campaigns': newer });
    const english = await api('POST', '/api/v1/invites', NoContent, {});
    expect(!english.ok && english.message).toBe('Ana Ruiz is already a member. Add a surname or an initial.');
    expect(!english.ok && english.issues).toEqual([{ path: 'name', message: 'is already a member’s name' }]);
    setLanguage('es');
    const spanish = await api('POST', '/api/v1/invites', NoContent, {});
    expect(!spanish.ok && spanish.message).toMatch(/^Ya hay alguien en el equipo con este nombre\./);
    expect(!spanish.ok && spanish.issues).toEqual([
      { path: 'name', message: 'ya es el nombre de un miembro' },
    ]);
    const unknown = await api('POST', '/api/v1/campaigns', NoContent, {});
    expect(!unknown.ok && unknown.message).toBe('The quota is spent.');
  });

  it('has its own words for every refusal the workspace can give it', () => {
    // The extension's alone, or answered otherwise: a token the workspace does not know is the session's
    // end here; the dashboard revokes no bearer token, sends JSON only, and pages with cursors given.
    const notMet = new Set([
      'unauthorized',
      'no_token',
      'latest_not_mine',
      'bad_cursor',
      'json_only',
      'bad_json',
    ]);
    const codes = new Set<string>();
    for (const file of readdirSync('workspace', { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.startsWith('dashboard')) continue;
      const source = readFileSync(join('workspace', file), 'utf8');
      // Thrown as ApiError, or written as the envelope itself (a 5xx from the server's own handlers).
      for (const found of source.matchAll(/new ApiError\(\s*\d+,\s*'([a-z_]+)'|\bcode: '([a-z_]+)'/g))
        codes.add((found[1] ?? found[2])!);
    }
    expect(codes).toContain('starting');
    expect(codes.size).toBeGreaterThan(20);
    expect([...codes].filter((code) => !notMet.has(code) && !knowsRefusal(code))).toEqual([]);
  });

  it('tells a Spanish reader which field a refusal names and why, and how long to wait', async () => {
    stubWorkspace({
      'PATCH /api/v1/workspace': {
        status: 422,
        json: {
          error: {
            code: 'bad_input',
            message: 'The request is not valid. A workspace has at most 50 regions; remove one first.',
            issues: [{ path: 'addRegion', message: 'at most 50 regions' }],
          },
        },
      },
      'POST /api/v1/session': {
        status: 429,
        headers: { 'Retry-After': '600' },
        json: { error: { code: 'rate_limited', message: 'Too many attempts.' } },
      },
      'GET /api/v1/workspace': {
        status: 503,
        json: { error: { code: 'starting', message: 'The workspace is starting; try again in a moment.' } },
      },
      'GET /api/v1/campaigns': {
        status: 500,
        json: { error: { code: 'out_of_beans', message: 'No beans.' } },
      },
    });
    setLanguage('es');
    const refused = await api('PATCH', '/api/v1/workspace', NoContent, {});
    expect(!refused.ok && refused.message).toBe(
      'El espacio de trabajo no aceptó lo enviado: debe tener como máximo 50 elementos (addRegion).',
    );
    const limited = await api('POST', '/api/v1/session', NoContent, {});
    expect(!limited.ok && limited.message).toBe(
      'Demasiados intentos en poco tiempo: vuelve a intentarlo dentro de 10 min.',
    );
    const starting = await api('GET', '/api/v1/workspace', NoContent);
    expect(!starting.ok && starting.message).toMatch(/^El espacio de trabajo se está iniciando/);
    const newer = await api('GET', '/api/v1/campaigns', NoContent);
    expect(!newer.ok && newer.message).toMatch(/^El espacio de trabajo no respondió \(500\)/);
  });

  it("gives the workspace's own words and issues on an error, its status when they are unreadable", async () => {
    stubWorkspace({
      'POST /api/v1/campaigns': {
        status: 422,
        json: {
          error: {
            code: 'invalid',
            message: 'Check the brief.',
            issues: [{ path: 'name', message: 'Required' }],
          },
        },
      },
      'GET /api/v1/me': { status: 502, json: '<html>' },
    });
    expect(await api('POST', '/api/v1/campaigns', NoContent, {})).toEqual({
      ok: false,
      status: 422,
      message: 'Check the brief.',
      issues: [{ path: 'name', message: 'Required' }],
    });
    const bad = await api('GET', '/api/v1/me', NoContent);
    expect(!bad.ok && bad.message).toMatch(/^The workspace did not answer \(502\): it may be restarting/);
  });

  it('says a 401 in the words of a signed-in dashboard whose session ended, not the extension’s', async () => {
    stubWorkspace({
      'POST /api/v1/campaigns': {
        status: 401,
        json: {
          error: {
            code: 'unauthorized',
            message: 'The workspace does not know this token: link the extension again.',
          },
        },
      },
    });
    const answer = await api('POST', '/api/v1/campaigns', NoContent, {});
    expect(answer).toMatchObject({ ok: false, status: 401 });
    expect(!answer.ok && answer.message).toBe(
      'Your session has ended, so this was not done. Open a join link from your workspace admin in another tab to sign in again, then try again here: what you typed stays on this page.',
    );
  });

  it('says the workspace cannot be reached when the network fails', async () => {
    stubWorkspace({ 'GET /api/v1/me': 'offline' });
    const answer = await api('GET', '/api/v1/me', NoContent);
    expect(answer).toMatchObject({ ok: false, status: 0 });
    expect(!answer.ok && answer.message).toMatch(/cannot be reached/);
  });

  it('accepts no body for 204 only where the schema says so', async () => {
    stubWorkspace({ 'DELETE /api/v1/session': { status: 204 } });
    expect((await api('DELETE', '/api/v1/session', NoContent)).ok).toBe(true);
    expect((await api('DELETE', '/api/v1/session', MatrixAnswer)).ok).toBe(false);
  });

  it('reads a list entry by entry: bad entries are counted, a list that is not one is a failure', async () => {
    stubWorkspace({
      'GET /api/v1/campaigns': { json: { campaigns: [brief(), { id: 'broken' }] } },
      'GET /api/v1/other': { json: { briefs: [] } },
    });
    const read = await apiList('/api/v1/campaigns?include=drafts', readCampaigns);
    expect(read.ok && read.data.items.map((b) => b.name)).toEqual(['Hannover Messe 2026']);
    expect(read.ok && read.data.skipped).toBe(1);
    const wrong = await apiList('/api/v1/other', readCampaigns);
    expect(!wrong.ok && wrong.message).toMatch(/cannot read \(the answer has no "campaigns" list\)/);
  });

  describe('when something between the page and the workspace answers', () => {
    const page = (status: number) =>
      new Response('<!DOCTYPE html><html><body>Access denied</body></html>', {
        status,
        headers: { 'Content-Type': 'text/html' },
      });
    /** The browser's fetch: a redirect is followed unless the call says `manual`, and the sign-in
     * page on another origin answers without CORS, a network error to fetch. */
    const network = (answer: () => Response) => {
      const asked: string[] = [];
      vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
        asked.push(input);
        const response = answer();
        if (response.status < 300 || response.status > 399) return response;
        if (init.redirect !== 'manual') throw new TypeError('Failed to fetch');
        const opaque = new Response(null);
        Object.defineProperties(opaque, {
          type: { value: 'opaqueredirect' },
          status: { value: 0 },
          ok: { value: false },
        });
        return opaque;
      });
      return asked;
    };

    it.each([
      ['an index page for every path (200)', 200],
      ['a proxy’s block page (403)', 403],
    ])('%s: says a web page answered, and what may be in between', async (_name, status) => {
      network(() => page(status));
      const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
      expect(answer).toMatchObject({ ok: false, status });
      expect(!answer.ok && answer.message).toBe(
        `The workspace’s address answered with a web page (HTTP ${status}), not the workspace: a proxy or a sign-in page may be in between. Sign in again in another tab if one asks you to, then try again here; if this stays, tell your workspace admin.`,
      );
    });

    it('a list answered by a web page says the same', async () => {
      network(() => page(200));
      const read = await apiList('/api/v1/campaigns', readCampaigns);
      expect(!read.ok && read.message).toMatch(
        /^The workspace’s address answered with a web page \(HTTP 200\)/,
      );
    });

    it('says it in Spanish to a Spanish reader', async () => {
      setLanguage('es');
      network(() => page(200));
      const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
      expect(!answer.ok && answer.message).toMatch(
        /^La dirección del espacio de trabajo respondió con una página web/,
      );
    });

    it('a sign-in page in front of the workspace: says so, not that the workspace cannot be reached', async () => {
      network(
        () =>
          new Response(null, { status: 302, headers: { Location: 'https://login.example.com/authorize' } }),
      );
      const answer = await api('POST', '/api/v1/campaigns', NoContent, {});
      expect(answer).toMatchObject({ ok: false });
      expect(!answer.ok && answer.message).toBe(
        'The workspace’s address sent this request on to another page: a sign-in in front of the workspace may have ended, so this was not done. Sign in again in another tab, then try again here: what you typed stays on this page.',
      );
    });

    it('nginx’s page while the workspace restarts (502) and an empty 503 say it may be restarting, with the status', async () => {
      network(() => page(502));
      const nginx = await api('GET', '/api/v1/me', NoContent);
      expect(!nginx.ok && nginx.message).toMatch(
        /^The workspace did not answer \(502\): it may be restarting/,
      );
      network(() => new Response(null, { status: 503 }));
      const empty = await api('GET', '/api/v1/me', NoContent);
      expect(!empty.ok && empty.message).toMatch(/^The workspace did not answer \(503\)/);
    });

    it('a body cut off on its way is a connection that failed, not an answer', async () => {
      network(() => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"cells":['));
            controller.error(new TypeError('network error'));
          },
        });
        return new Response(body, { headers: { 'Content-Type': 'application/json' } });
      });
      const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
      expect(!answer.ok && answer.message).toMatch(/cannot be reached/);
    });

    it('an empty 200 is an answer it cannot read, said without a validator’s words', async () => {
      network(() => new Response(null, { status: 200 }));
      const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
      expect(!answer.ok && answer.message).toBe(
        'The workspace sent an answer this dashboard cannot read (not what was expected). Reload the page; if this stays, tell your workspace admin.',
      );
    });

    it('takes the workspace’s JSON even when it comes labelled text/html', async () => {
      network(() => new Response('{"cells":[]}', { headers: { 'Content-Type': 'text/html' } }));
      expect(await api('GET', '/api/v1/feedback/matrix', MatrixAnswer)).toMatchObject({ ok: true });
    });
  });
});

describe('download: a CSV export fetched whole, its failure in words', () => {
  const respond = (response: () => Response) =>
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => response()),
    );

  it('gives the file and the name the workspace gave it', async () => {
    respond(
      () =>
        new Response('\uFEFFid,verdict\r\n', {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="sameroom-feedback.csv"',
          },
        }),
    );
    const answer = await download('/api/v1/feedback?format=csv');
    expect(answer.ok && answer.data.name).toBe('sameroom-feedback.csv');
    expect(answer.ok && (await answer.data.blob.text())).toBe('\uFEFFid,verdict\r\n');
  });

  it('says an ended session, a proxy’s page and a workspace that is down apart', async () => {
    respond(() => Response.json({ error: { code: 'unauthorized', message: 'link again' } }, { status: 401 }));
    expect(await download('/x.csv')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Your session has ended/),
    });
    respond(() => new Response('<html>sign in</html>', { headers: { 'content-type': 'text/html' } }));
    expect(await download('/x.csv')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/answered with a web page \(HTTP 200\)/),
    });
    respond(() => new Response('Bad Gateway', { status: 502 }));
    expect(await download('/x.csv')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/did not answer \(502\)/),
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    expect(await download('/x.csv')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/cannot be reached/),
    });
  });

  it('saves nothing of an export that broke off midway', async () => {
    respond(() => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('id,verdict\r\n1,good_fit\r\n'));
          controller.error(new TypeError('terminated'));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/csv' } });
    });
    expect(await download('/x.csv')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^The export broke off/),
    });
  });
});
