import type { IncomingMessage } from 'node:http';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { LIMITS, type Member } from '../lib/protocol';
import { fromOwnOrigin, sessionCookieName } from './auth/same-origin';
import { sessionMember } from './auth/sessions';
import { authenticate, TOO_MANY_REQUESTS } from './auth/tokens';
import { rateLimitSubject } from './client-address';
import { serveDashboard } from './dashboard-assets';
import { DatabaseUnavailable } from './db/database';
import { ApiError, forbidden, unauthorized } from './errors';
import { openApiDocument } from './openapi';
import { hit, MemoryWindows } from './rate-limit';
import { ROUTES, type Route, type WorkspaceConfig } from './routes';

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]{20,64})$/);
  return match?.[1] ?? null;
}

/** Host's name without its port, lower case; IPv6 kept in brackets. */
function hostName(header: string | undefined): string | null {
  const match = header?.trim().match(/^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/);
  return match ? match[1]!.toLowerCase() : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'bad_json', 'The request body is not JSON.');
  }
}

/**
 * CORS for calls with bearer tokens (never cookies) from any origin: the extension's pages and workers.
 * hono/cors answers preflights. On other requests it writes its headers to the response that exists
 * before the handler runs, and Hono then remakes the handler's response to copy them over, which with
 * @hono/node-server builds a whole web Response (its body as a web stream) for every answer. Set through
 * c.header before the handler, the same headers go into the handler's response as it is made, and into
 * an error's.
 */
function crossOrigin(): MiddlewareHandler {
  // Date: the extension dates verdicts by the workspace's time when the rep's clock is off.
  const exposed = ['ETag', 'Retry-After', 'Date'];
  const preflight = cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
    exposeHeaders: exposed,
    maxAge: 600,
  });
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Access-Control-Expose-Headers', exposed.join(','));
    return next();
  };
}

/**
 * Refuses a request body over `maxSize` bytes (413). Hono's bodyLimit asks the request for its body
 * stream to see whether it has one, and that makes @hono/node-server build a whole web Request (an
 * AbortController, the body as a web stream, read back through it) for every request, GETs included,
 * instead of reading the body from Node's request as `text()` does on its own. Here a body that declares
 * its length is checked from the header alone (Node's parser reads exactly that many bytes); only a body
 * sent without one (chunked) is counted, by bodyLimit, as it arrives.
 * The rest of a refused body is read by readRestOfBody before the 413 goes.
 */
function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new ApiError(413, 'too_large', `The request body is larger than ${maxSize} bytes.`);
  };
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const length = c.req.header('Content-Length');
    if (length === undefined || c.req.header('Transfer-Encoding') !== undefined) return counted(c, next);
    const declared = Number.parseInt(length, 10);
    if (declared > maxSize) tooLarge();
    return next();
  };
}

/**
 * Reads and drops what is left of a request body its answer did not need (a 401, a 413, a 507 on a
 * full disk: decided from the headers), before the answer goes. A client, or a reverse proxy (nginx),
 * writes the whole body before it reads the answer, and a connection closed on bytes not yet read is
 * reset: the proxy lost the answer and said 502 (test/workspace/reverse-proxy.test.ts), and a client on a
 * slow or busy link saw a network failure, because @hono/node-server gives the rest of the body 500 ms
 * and then closes (test/workspace/http-limits.test.ts). A body far over the limit (more than `maxBytes`)
 * is not worth reading: its answer says Connection: close. A client that stops sending is cut off by the
 * server's request timeout.
 */
function readRestOfBody(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // Node's request, under @hono/node-server; absent in app.request() (tests).
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming || incoming.complete || incoming.destroyed) return;
    if (Number(c.req.header('Content-Length')) > maxBytes) return;
    await new Promise<void>((resolve) => {
      let read = 0;
      const done = () => {
        incoming.off('data', counted).off('end', done).off('close', done).off('error', done);
        resolve();
      };
      const counted = (chunk: Buffer) => {
        read += chunk.length;
        if (read > maxBytes) done();
      };
      incoming.on('data', counted).once('end', done).once('close', done).once('error', done);
      incoming.resume();
    });
  };
}

const TOO_MANY_FAILED_SIGN_INS =
  'Too many failed sign-ins from this address: wait a little and try again, with a valid link or token.';

/** What the caller signs in with: a bearer token, or else the dashboard's session cookie. */
function credentials(config: WorkspaceConfig, c: Context): { token: string | null; session?: string } {
  const token = bearerToken(c.req.header('Authorization'));
  return { token, ...(token ? {} : { session: getCookie(c, sessionCookieName(config.publicUrl(c))) }) };
}

/** Who is calling: by bearer token (with the token's id) or by the dashboard's cookie (no token id). */
async function signedIn(
  config: WorkspaceConfig,
  c: Context,
  route: Route,
  memory: MemoryWindows,
): Promise<{ member: Member; tokenId: string | null }> {
  const { token, session } = credentials(config, c);
  // A client whose tokens or cookies keep failing (guessing, or a script with a revoked token in a loop)
  // is refused before the database is asked, counted per address in this process's memory.
  const failures = (token || session) && config.failedSignIns;
  const from = failures ? `failed-sign-in:${rateLimitSubject(config.clientIp(c))}` : '';
  if (failures) memory.refuseIfFull(from, failures.limit, failures.windowSeconds, TOO_MANY_FAILED_SIGN_INS);
  // While the disk is nearly full a read writes nothing: neither the token's use nor its count, which
  // this process keeps in memory meanwhile (./rate-limit.ts, MemoryWindows).
  const low = config.disk?.low() ?? false;
  const found = token
    ? // The token checked and the request counted against it in one statement (auth/tokens.ts).
      await authenticate(config.db, token, config.tokenMaxIdleDays, low ? undefined : config.tokenRequests, {
        touch: !low,
      })
    : session && fromOwnOrigin(c, config.publicUrl(c))
      ? { member: await sessionMember(config.db, session), tokenId: null }
      : null;
  if (!found?.member) {
    if (failures) memory.hit(from, failures.limit, failures.windowSeconds, TOO_MANY_FAILED_SIGN_INS);
    throw unauthorized();
  }
  if (config.tokenRequests && (low || !found.tokenId)) {
    // Per member for the dashboard, in the database: every instance behind a load balancer counts the same.
    // A token's requests too while the disk is low, counted then in this process's memory.
    const { limit, windowSeconds } = config.tokenRequests;
    const key = found.tokenId ? `token:${found.tokenId}` : `member:${found.member.id}`;
    if (low) memory.hit(key, limit, windowSeconds, TOO_MANY_REQUESTS);
    else await hit(config.db, key, limit, windowSeconds, TOO_MANY_REQUESTS);
  }
  if (route.access !== 'public' && !route.access.includes(found.member.role)) throw forbidden();
  return { member: found.member, tokenId: found.tokenId };
}

/**
 * A request whose body was in later than this after the request came has who calls checked again
 * (createApp).
 */
const HELD_BODY_MS = 100;

/**
 * Whether the caller of `route` may still call it, asked again without counting the request: for an
 * answer that goes on after its handler returned (a CSV export read a page at a time as the client
 * takes it), which a member removed, a token revoked or a session ended meanwhile must stop.
 */
function stillSignedIn(config: WorkspaceConfig, c: Context, route: Route): () => Promise<Member | null> {
  return async () => {
    const { token, session } = credentials(config, c);
    const member = token
      ? (await authenticate(config.db, token, config.tokenMaxIdleDays, undefined, { touch: false }))?.member
      : session
        ? await sessionMember(config.db, session)
        : null;
    return member && (route.access === 'public' || route.access.includes(member.role)) ? member : null;
  };
}

/** The workspace's HTTP API: CORS for bearer tokens (never cookies), a body limit, the error envelope. */
export function createApp(config: WorkspaceConfig): Hono {
  const app = new Hono();
  const openApi = openApiDocument(ROUTES);
  const memoryWindows = new MemoryWindows();

  app.use('*', readRestOfBody(LIMITS.bodyBytes * 4));
  // Before the Host check: the extension reads a 421 as the workspace's own answer (and says what to
  // do), where an answer without CORS headers was a network failure to it ("cannot be reached").
  app.use('/api/v1/*', crossOrigin());
  const allowed = config.allowedHosts;
  if (allowed) {
    app.use('*', async (c, next) => {
      const host = hostName(c.req.header('Host'));
      if (!host || !allowed.has(host)) {
        throw new ApiError(
          421,
          'wrong_host',
          `This workspace does not answer to "${(host ?? '').slice(0, 100)}": open it at localhost, or start it with --public-url naming this address.`,
        );
      }
      await next();
    });
  }
  app.use('*', async (c, next) => {
    // Set before the handler, as crossOrigin's headers are: it goes into every answer, errors included.
    if (config.https?.(c)) c.header('Strict-Transport-Security', 'max-age=31536000');
    await next();
  });

  app.use('/api/v1/*', limitBody(LIMITS.bodyBytes));
  const disk = config.disk;
  if (disk) {
    // Refused before the database meets a full disk (./disk-space.ts). Reads go on, and so does signing
    // in and out of the dashboard (a session is a row), so that marketing can still read them.
    const write = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
    app.use('/api/v1/*', async (c, next) => {
      if (write(c.req.method) && c.req.path !== '/api/v1/session' && disk.low()) throw disk.refusal();
      await next();
    });
  }

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
      // The rest of a far oversized body is never read: this connection cannot carry another request.
      if (error.status === 413) c.header('Connection', 'close');
      return c.json(error.envelope(), error.status);
    }
    if (error instanceof DatabaseUnavailable) {
      // A full disk or a database opening again (db/database.ts), said in the log by the database;
      // each request is told, not logged.
      c.header('Retry-After', error.diskFull ? '60' : '5');
      return c.json(
        { error: { code: error.diskFull ? 'disk_full' : 'unavailable', message: error.message } },
        error.diskFull ? 507 : 503,
      );
    }
    console.error('workspace: unexpected error', error);
    c.header('Retry-After', '5');
    return c.json(
      { error: { code: 'server_error', message: 'The workspace failed to answer; try again shortly.' } },
      500,
    );
  });
  app.notFound((c) =>
    c.json(new ApiError(404, 'not_found', 'There is nothing at this address.').envelope(), 404),
  );

  app.get('/healthz', async (c) => {
    try {
      await config.db.query('SELECT 1');
      return c.json({ ok: true });
    } catch {
      c.header('Retry-After', '5');
      return c.json({ error: { code: 'unavailable', message: 'The database is not answering.' } }, 503);
    }
  });
  app.get('/api/v1/openapi.json', (c) => c.json(openApi));
  serveDashboard(app);

  for (const route of ROUTES) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      // Timed from here, before who calls is read: that read (a database query) can take longer than
      // the body's wait on a busy server, and a body that came during it was taken as quick (a CI run
      // served an admin removed meanwhile).
      const arrived = performance.now();
      const { member, tokenId } =
        route.access === 'public'
          ? { member: null as unknown as Member, tokenId: null }
          : await signedIn(config, c, route, memoryWindows);
      // A member's answer is theirs: a reverse proxy or CDN told to cache the API (nginx's proxy_cache_valid
      // caches whatever a response does not forbid, Authorization or not) must not keep one rep's verdicts
      // and replies for the next caller. A route whose answer may be revalidated says `private, no-cache`.
      if (route.secret) c.header('Cache-Control', 'no-store');
      else if (route.access !== 'public') c.header('Cache-Control', 'private, no-store');
      if (route.sameOriginJson) {
        const type = c.req.header('Content-Type') ?? '';
        if (!/^application\/json\s*(;|$)/i.test(type))
          throw new ApiError(415, 'json_only', 'Send this as application/json.');
        if (!fromOwnOrigin(c, config.publicUrl(c)))
          throw new ApiError(403, 'cross_origin', "Sign in from the dashboard's own address.");
      }
      const again = stillSignedIn(config, c, route);
      let body: unknown;
      if (route.request) {
        const text = await c.req.raw.text();
        // Who calls, once more when the body was slow to come: the route runs as soon as the headers
        // are in, and a caller removed (or a token revoked) while their body was held back, up to the
        // server's 30 s, was served with the access they had then (an admin removed meanwhile invited a
        // new admin). Checked before the body too, so that nobody unknown has the server read and keep
        // one; a body that came at once (every client's) is as a request made a moment earlier.
        if (route.access !== 'public' && performance.now() - arrived > HELD_BODY_MS && !(await again()))
          throw unauthorized();
        const parsed = route.request.safeParse(parseJson(text));
        if (!parsed.success) throw ApiError.badInput(parsed.error);
        body = parsed.data;
      }
      let query: unknown;
      if (route.query) {
        const parsed = route.query.safeParse(c.req.query());
        if (!parsed.success) throw ApiError.badInput(parsed.error, 'The query string is not valid.');
        query = parsed.data;
      }
      return route.handle({
        c,
        config,
        member,
        tokenId,
        body,
        query,
        stillSignedIn: again,
      });
    });
  }
  return app;
}
