import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { LIMITS, type Member } from '../lib/protocol';
import { authenticate } from './domain/workspace';
import { ApiError, forbidden, unauthorized } from './errors';
import { openApiDocument } from './openapi';
import { ROUTES, type Route, type WorkspaceConfig } from './routes';

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]{20,64})$/);
  return match?.[1] ?? null;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'bad_json', 'The request body is not JSON.');
  }
}

async function signedInMember(
  config: WorkspaceConfig,
  header: string | undefined,
  route: Route,
): Promise<Member> {
  const token = bearerToken(header);
  const member = token ? await authenticate(config.db, token) : null;
  if (!member) throw unauthorized();
  if (route.access !== 'public' && !route.access.includes(member.role)) throw forbidden();
  return member;
}

/** The workspace's HTTP API: CORS for bearer tokens (never cookies), a body limit, the error envelope. */
export function createApp(config: WorkspaceConfig): Hono {
  const app = new Hono();
  const openApi = openApiDocument(ROUTES);

  app.use(
    '/api/v1/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
      exposeHeaders: ['ETag', 'Retry-After'],
      maxAge: 600,
    }),
  );
  app.use(
    '/api/v1/*',
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: () => {
        throw new ApiError(413, 'too_large', `The request body is larger than ${LIMITS.bodyBytes} bytes.`);
      },
    }),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
      // The rest of an oversized body is never read: this connection cannot carry another request.
      if (error.status === 413) c.header('Connection', 'close');
      return c.json(error.envelope(), error.status);
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

  for (const route of ROUTES) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      const member =
        route.access === 'public'
          ? (null as unknown as Member)
          : await signedInMember(config, c.req.header('Authorization'), route);
      let body: unknown;
      if (route.request) {
        const parsed = route.request.safeParse(await readJson(c.req.raw));
        if (!parsed.success) throw ApiError.badInput(parsed.error);
        body = parsed.data;
      }
      return route.handle({ c, config, member, body });
    });
  }
  return app;
}
