/**
 * What stands between a rep's browser and the workspace and is not Sameroom: a corporate proxy's block
 * page, nginx's error page while the workspace restarts, a load balancer's empty 503, a proxy that
 * answers every path with its index page, a body cut off on its way, a sign-in page in front of the
 * workspace. None of it may pass for the workspace's answer, and each is said in words the rep can act on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { currentCampaigns } from '../../../lib/background/campaigns';
import { linkWorkspace } from '../../../lib/background/link';
import { setLanguage } from '../../../lib/i18n';
import { outboxStatus, saveVerdict, UNDO_MS } from '../../../lib/outbox/outbox';
import { BACKOFF, syncOutbox } from '../../../lib/outbox/sync';
import { openSameroomDb } from '../../../lib/store/db';
import { LINK, verdictInput, WORKSPACE } from '../outbox/fake-workspace';

const START = new Date('2026-11-22T09:00:00.000Z');
const LOGIN = 'https://login.example.com';
const JOIN_LINK = `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv`;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
  setLanguage('en');
});

const BLOCK_PAGE =
  '<!DOCTYPE html><html><head><title>Access denied</title></head><body>Zscaler</body></html>';
const html = (status: number, body = BLOCK_PAGE) =>
  new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8' } });

/** A body that stops half-way: the connection dropped (or the time ran out) while it came. */
function cutShort(start: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(start));
      controller.error(new TypeError('network error'));
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
}

/** What a browser's fetch gives for a redirect it was told not to follow (`redirect: 'manual'`). */
function opaqueRedirect(): Response {
  const response = new Response(null);
  Object.defineProperties(response, {
    type: { value: 'opaqueredirect' },
    status: { value: 0 },
    ok: { value: false },
  });
  return response;
}

/** A sign-in proxy in front of the workspace: every request is sent on to the identity provider. */
const toSignIn = () =>
  new Response(null, { status: 302, headers: { Location: `${LOGIN}/oauth2/authorize?client_id=x` } });

/**
 * The network as the browser's fetch meets it: the workspace's address answers with `answer`, a
 * redirect is followed (fetch's default) unless the request says `manual`, with the headers it was
 * given (as Chromium did before version 119 for a cross-origin redirect), and the sign-in page answers
 * without CORS, which fetch reports as a network error. Every address asked is recorded.
 */
function network(answer: (url: URL) => Response) {
  const sent: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    sent.push(url.href);
    if (url.origin !== WORKSPACE) throw new TypeError('Failed to fetch');
    const response = answer(url);
    const location = response.headers.get('Location');
    if (!location || response.status < 300 || response.status > 399) return response;
    if (init.redirect === 'manual') return opaqueRedirect();
    if (init.redirect === 'error') throw new TypeError('Failed to fetch');
    const { body: _body, ...rest } = init;
    return fetchFn(new URL(location, url), { ...rest, method: 'GET' });
  }) as typeof fetch;
  return { fetchFn, sent };
}

describe('linking (Options) when something in between answers', () => {
  let db: Awaited<ReturnType<typeof openSameroomDb>>;
  beforeEach(async () => {
    db = await openSameroomDb();
  });
  const link = (fetchFn: typeof fetch) =>
    linkWorkspace(db, { joinLink: JOIN_LINK }, { now: new Date(), fetchFn });

  it.each([
    ['a proxy’s block page (403)', () => html(403)],
    ['a proxy asking for its own sign-in (407)', () => html(407)],
    ['an index page for every path (200)', () => html(200)],
    ['an index page for every path, without a content type', () => new Response(BLOCK_PAGE)],
  ])('%s: says a web page answered, and what may be in between', async (_name, answer) => {
    const error = await link(network(answer).fetchFn).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^${WORKSPACE} answered with a web page \\(HTTP \\d+\\), not Sameroom: a proxy`),
    );
    expect((error as Error).message).not.toMatch(/<|Unexpected token|\[object/);
    expect(await db.get('link', 'current')).toBeUndefined();
  });

  it('says so in Spanish to a Spanish reader', async () => {
    setLanguage('es');
    await expect(link(network(() => html(403)).fetchFn)).rejects.toThrow(
      /respondió con una página web \(HTTP 403\), no con Sameroom/,
    );
  });

  it('a sign-in page in front of the workspace: not followed, so the token and the code go nowhere else', async () => {
    const { fetchFn, sent } = network(toSignIn);
    await expect(link(fetchFn)).rejects.toThrow(
      `${WORKSPACE} sent Sameroom on to another page (a sign-in page or a proxy in between?)`,
    );
    expect(sent.map((url) => new URL(url).origin)).toEqual([WORKSPACE]);
  });

  it('a redirect handed back as it came (as Node’s fetch gives it) is refused the same way', async () => {
    await expect(link(async () => toSignIn())).rejects.toThrow(/sent Sameroom on to another page/);
  });

  it.each([
    ['nginx’s page while the workspace restarts (502)', () => html(502), /failed to answer \(502\)/],
    ['nginx’s timeout page (504)', () => html(504), /failed to answer \(504\)/],
    ['a load balancer’s empty 503', () => new Response(null, { status: 503 }), /failed to answer \(503\)/],
    ['a body cut off on its way', () => cutShort('{"token":"abc'), /cannot be reached/],
    ['JSON of another shape', () => Response.json({ ok: true }), /answered, but it is not a Sameroom/],
  ])('%s: says so', async (_name, answer, words) => {
    await expect(link(network(answer).fetchFn)).rejects.toThrow(words);
  });

  it.each([
    [
      'a full disk (507)',
      507,
      'disk_full',
      /disk is nearly full, so it stores nothing/,
      /disco del espacio de trabajo está casi lleno/,
    ],
    ['a workspace not set up (503)', 503, 'not_ready', /has not been set up yet/, /aún no está configurado/],
    [
      'a workspace started for another address (421)',
      421,
      'wrong_host',
      /does not answer to https:/,
      /no responde a https:/,
    ],
  ])(
    "%s: the rep's words, in the rep's language, not the workspace's English",
    async (_n, status, code, english, spanish) => {
      const refusal = () =>
        Response.json({ error: { code, message: 'The workspace’s own English words.' } }, { status });
      await expect(link(network(refusal).fetchFn)).rejects.toThrow(english);
      setLanguage('es');
      await expect(link(network(refusal).fetchFn)).rejects.toThrow(spanish);
    },
  );

  it('takes the workspace’s JSON even when a proxy labels it text/html', async () => {
    const answer = () =>
      new Response(JSON.stringify({ ...LINK, workspaceUrl: undefined }), {
        headers: { 'Content-Type': 'text/html' },
      });
    const { fetchFn } = network((url) =>
      url.pathname === '/api/v1/link' ? answer() : Response.json({ campaigns: [] }),
    );
    expect(await link(fetchFn)).toMatchObject({ linked: true });
  });
});

describe('sending verdicts when something in between answers', () => {
  async function queued(answer: (url: URL) => Response) {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    await saveVerdict(db, verdictInput(), LINK, new Date());
    vi.advanceTimersByTime(UNDO_MS);
    const net = network(answer);
    const sync = () => syncOutbox(db, { now: () => new Date(), fetchFn: net.fetchFn, random: () => 1 });
    return { db, sync, sent: net.sent };
  }

  it.each([
    ['an index page with 200', () => html(200), /answered with a web page \(HTTP 200\)/],
    ['a proxy’s block page (403)', () => html(403), /answered with a web page \(HTTP 403\)/],
    ['a sign-in page in front of the workspace (302)', toSignIn, /sent Sameroom on to another page/],
    ['a body cut off on its way', () => cutShort('{"results":[{"id":"'), /cannot be reached/],
    ['JSON of another shape', () => Response.json({ results: 'ok' }), /cannot read/],
    ['an empty 200', () => new Response(null), /answered, but it is not a Sameroom/],
  ])(
    '%s: the verdict stays queued, not sent, with the reason, and the backoff holds',
    async (_n, answer, words) => {
      const { db, sync, sent } = await queued(answer);
      const report = await sync();
      expect(report).toMatchObject({ sent: 0, dead: 0, waiting: 1, paused: false });
      expect(report.problem).toMatch(words);
      expect(report.problem).not.toMatch(/<|Unexpected token|\[object/);
      expect((await db.getAll('outbox'))[0]).toMatchObject({ state: 'pending', attempts: 1 });
      expect(await db.count('sent')).toBe(0);
      expect((await outboxStatus(db)).lastError).toBe(report.problem);
      // No second request before the backoff ends, however often sync is woken.
      const posts = () => sent.filter((url) => url.endsWith('/api/v1/feedback')).length;
      await sync();
      await sync();
      expect(posts()).toBe(1);
      vi.advanceTimersByTime(BACKOFF.baseMs);
      await sync();
      expect(posts()).toBe(2);
      // The token went to the workspace's address and nowhere else.
      expect(sent.every((url) => url.startsWith(`${WORKSPACE}/`))).toBe(true);
    },
  );
});

describe('briefs when something in between answers', () => {
  it('shows the cached briefs with the reason, a web page named as one', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const state = await currentCampaigns(db, LINK, {
      now: new Date(),
      fetchFn: network(() => html(200)).fetchFn,
    });
    expect(state.problem).toMatch(/answered with a web page \(HTTP 200\), not Sameroom: a proxy/);
  });
});
