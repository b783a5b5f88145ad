import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer, type LookupFunction, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import type { IDBPDatabase } from 'idb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkWorkspace } from '../../lib/background/link';
import { t } from '../../lib/i18n';
import { td } from '../../lib/i18n/dashboard';
import { saveVerdict } from '../../lib/outbox/outbox';
import { syncOutbox } from '../../lib/outbox/sync';
import { LIMITS, responses } from '../../lib/protocol';
import { type LinkRecord, openSameroomDb, type SameroomDb } from '../../lib/store/db';
import { WorkspaceClient } from '../../lib/workspace/client';
import { api } from '../../workspace/dashboard/api';
import { makeSelfSignedCertificate } from '../support/certificate';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * The workspace behind a real nginx that ends TLS, configured with docs/deployment.md's own snippet
 * (read from the file, so the two cannot drift), as a team runs it; the extension's and the dashboard's
 * own request code talk to it over HTTPS.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const NAME = 'sameroom.test';
const dir = mkdtempSync(join(tmpdir(), 'sameroom-proxy-'));

/** A workspace and the nginx server block in front of it. */
interface Site {
  ws: TestWorkspace;
  /** https://sameroom.test:PORT, the address its users open (not 443: the test runs unprivileged). */
  url: string;
}
/** Started as docs/deployment.md says: --public-url https://… --trust-proxy. */
let documented: Site;
/** --trust-proxy alone: the public URL is read from X-Forwarded-Proto and -Host. */
let headersOnly: Site;
let nginx: ChildProcess | undefined;
let ca: string;
const printed: string[] = [];

function nginxBinary(): string {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? 'nginx';
}

/** Ports free on 127.0.0.1, held together while they are found so that no two are the same. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** docs/deployment.md's nginx server block, with this test's port, name, certificate and upstream. */
function documentedServerBlock(port: number, upstream: number): string {
  const docs = readFileSync(join(ROOT, 'docs', 'deployment.md'), 'utf8');
  const block = docs.match(/```nginx\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('docs/deployment.md has no nginx snippet');
  const replace = (text: string, from: RegExp, to: string) => {
    if (!from.test(text)) throw new Error(`docs/deployment.md's nginx snippet has no ${from}`);
    return text.replace(from, to);
  };
  let server = replace(block, /listen 443 ssl;/, `listen 127.0.0.1:${port} ssl;`);
  server = replace(server, /server_name \S+;/, `server_name ${NAME};`);
  server = replace(server, /ssl_certificate \s*\S+;/, `ssl_certificate ${join(dir, 'cert.pem')};`);
  server = replace(server, /ssl_certificate_key \S+;/, `ssl_certificate_key ${join(dir, 'key.pem')};`);
  return replace(
    server,
    /proxy_pass http:\/\/127\.0\.0\.1:8787;/,
    `proxy_pass http://127.0.0.1:${upstream};`,
  );
}

/** nginx in the foreground, as an ordinary process of this test: its logs and files in the temp folder. */
async function startNginx(serverBlocks: string[], ready: Site): Promise<ChildProcess> {
  const conf = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  writeFileSync(
    conf,
    [
      // One process: no workers switching to "nobody" (who could not write the temp folder) under root.
      'master_process off;',
      `error_log ${errorLog} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${join(dir, `${kind}-temp`)};`,
      ),
      ...serverBlocks,
      '}',
    ].join('\n'),
  );
  const child = spawn(
    nginxBinary(),
    ['-p', dir, '-e', errorLog, '-c', conf, '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`],
    { stdio: 'ignore' },
  );
  const log = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx stopped: ${log()}`);
    try {
      if ((await proxied(ready, 'GET', '/healthz')).status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nginx did not answer: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** sameroom.test is this machine, for this test's clients only. */
const toLoopback: LookupFunction = (_host, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else (callback as (error: null, address: string, family: number) => void)(null, '127.0.0.1', 4);
};

/**
 * fetch over node:https, trusting the test's certificate, from `from`: another address on the loopback
 * network is another client, with its own address, as nginx sees it.
 */
function fetchFrom(from = '127.0.0.1'): typeof fetch {
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const outgoing = httpsRequest(
        new URL(input instanceof Request ? input.url : String(input)),
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(new Headers(init.headers).entries()),
          ca,
          localAddress: from,
          lookup: toLoopback,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const headers = new Headers();
            for (let index = 0; index < incoming.rawHeaders.length; index += 2)
              headers.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!);
            const status = incoming.statusCode!;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(init.body === undefined || init.body === null ? undefined : String(init.body));
    });
}

/** A call through nginx, as a team's clients make it. */
function proxied(
  site: Site,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; from?: string } = {},
): Promise<Response> {
  return fetchFrom(options.from)(`${site.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
}

/** What the dashboard's page sends with each of its requests, as a browser adds it. */
const fromDashboard = (site: Site) => ({ Origin: site.url, 'Sec-Fetch-Site': 'same-origin' });

/** A command through the running workspace's control socket, as `npm run workspace -- invite` sends it. */
function command(site: Site, body: unknown): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { socketPath: site.ws.socketPath, method: 'POST', path: '/' },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { lines: string[] }).lines),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify(body));
  });
}

/** A new member's join link, made by the admin through the proxy. */
async function invite(site: Site, role: 'rep' | 'marketer'): Promise<{ code: string; joinUrl: string }> {
  const response = await proxied(site, 'POST', '/api/v1/invites', {
    token: site.ws.adminToken,
    body: { name: `Proxied ${role} ${randomUUID().slice(0, 8)}`, role, region: 'DACH' },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { code: string; joinUrl: string };
}

/** A marketer signed in to the dashboard through the proxy, as the join page does it: the cookie. */
async function signIn(site: Site): Promise<{ response: Response; cookie: string }> {
  const { code } = await invite(site, 'marketer');
  const response = await proxied(site, 'POST', '/api/v1/session', {
    body: { code },
    headers: fromDashboard(site),
  });
  return { response, cookie: (response.headers.get('Set-Cookie') ?? '').split(';')[0]! };
}

/** A rep's browser: the extension's own store, linked from a join link through the proxy. */
async function linkedExtension(
  site: Site,
  from: string,
): Promise<{ db: IDBPDatabase<SameroomDb>; link: LinkRecord; fetchFn: typeof fetch }> {
  const { joinUrl } = await invite(site, 'rep');
  globalThis.indexedDB = new IDBFactory();
  const db = await openSameroomDb();
  const fetchFn = fetchFrom(from);
  expect((await linkWorkspace(db, { joinLink: joinUrl }, { now: new Date(), fetchFn })).linked).toBe(true);
  return { db, link: (await db.get('link', 'current'))!, fetchFn };
}

/** A verdict saved a minute ago: its undo window is over, so sync sends it. */
function saveOldVerdict(db: IDBPDatabase<SameroomDb>, link: LinkRecord, recordId: string, note: string) {
  return saveVerdict(
    db,
    {
      id: randomUUID(),
      lead: { crm: 'salesforce', objectType: 'lead', recordId, signals: { region: 'DACH' } },
      url: `https://acme.lightning.force.com/lightning/r/Lead/${recordId}/view`,
      campaignId: null,
      verdict: 'not_ready',
      note,
    },
    link,
    new Date(Date.now() - 60_000),
  );
}

beforeAll(async () => {
  makeSelfSignedCertificate(join(dir, 'cert.pem'), join(dir, 'key.pem'), NAME);
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const [documentedPort, headersOnlyPort] = await freePorts(2);
  const documentedUrl = `https://${NAME}:${documentedPort}`;
  const started = await Promise.all([
    startTestWorkspace('pglite', {
      publicUrl: documentedUrl,
      trustProxy: true,
      linkAttempts: { limit: 3, windowSeconds: 600 },
      log: (line) => printed.push(line),
    }),
    // Listening on every address, as in a container: on 127.0.0.1 it answers only to the names it
    // knows (421 otherwise, against DNS rebinding), so there it needs --public-url.
    startTestWorkspace('pglite', { trustProxy: true, host: '0.0.0.0' }),
  ]);
  documented = { ws: started[0], url: documentedUrl };
  headersOnly = { ws: started[1], url: `https://${NAME}:${headersOnlyPort}` };
  nginx = await startNginx(
    [
      documentedServerBlock(documentedPort!, documented.ws.port),
      documentedServerBlock(headersOnlyPort!, headersOnly.ws.port),
    ],
    documented,
  );
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const stopped = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGTERM');
    await stopped;
  }
  for (const site of [documented, headersOnly]) await site?.ws.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the workspace behind nginx ending TLS, configured as docs/deployment.md says', () => {
  it('links the extension from a join link and delivers its verdicts', async () => {
    const { db, link, fetchFn } = await linkedExtension(documented, '127.0.0.2');
    expect(link.workspaceUrl).toBe(documented.url);
    await saveOldVerdict(db, link, '00Q5g00000A1b2cEAB', 'Sent through the proxy.');
    const report = await syncOutbox(db, { now: () => new Date(), fetchFn, force: true });
    expect(report).toMatchObject({ sent: 1, dead: 0, waiting: 0, problem: null });
    // The briefs are asked for again with their ETag: unchanged, the proxy passes the 304 on.
    const client = new WorkspaceClient(documented.url, link.token, fetchFn);
    const first = await client.campaigns(null);
    expect(first.notModified || first.etag).toBeTruthy();
    expect(await client.campaigns(first.notModified ? null : first.etag)).toEqual({ notModified: true });
    db.close();
  });

  it('answers with HSTS, and answers the CORS preflights of extension pages', async () => {
    const health = await proxied(documented, 'GET', '/healthz');
    expect(health.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/);
    const preflight = await proxied(documented, 'OPTIONS', '/api/v1/feedback', {
      headers: {
        Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('counts each client by its own address: a forged X-Forwarded-For escapes no limit', async () => {
    const attempt = (from: string, forged: string) =>
      proxied(documented, 'POST', '/api/v1/link', {
        from,
        body: { code: 'x'.repeat(32) },
        headers: { 'X-Forwarded-For': forged },
      });
    // Three tries a client (this workspace's limit): a new forged address on each is not a new client.
    for (const forged of ['203.0.113.1', '203.0.113.2', '198.51.100.7, 10.0.0.1'])
      expect((await attempt('127.0.0.5', forged)).status).toBe(401);
    expect((await attempt('127.0.0.5', '192.0.2.99')).status).toBe(429);
    // Another client, even one that forges the first one's address, has its own tries.
    expect((await attempt('127.0.0.6', '127.0.0.5')).status).toBe(401);
  });

  it('starts join links with the public HTTPS address, printed or answered', async () => {
    expect(documented.ws.adminJoinUrl).toMatch(new RegExp(`^${documented.url}/join#`));
    expect(printed.some((line) => line.includes(`${documented.url}/join#`))).toBe(true);
    expect((await invite(documented, 'rep')).joinUrl).toMatch(new RegExp(`^${documented.url}/join#`));
    const lines = await command(documented, { command: 'invite', name: 'From the CLI', role: 'rep' });
    expect(lines[1]).toMatch(new RegExp(`^${documented.url}/join#`));
  });

  it("signs a marketer in to the dashboard with a Secure cookie and takes the dashboard's own requests", async () => {
    const { response, cookie } = await signIn(documented);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('Set-Cookie')!;
    expect(setCookie).toMatch(/^__Host-sameroom_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; Secure/);
    const posted = await proxied(documented, 'POST', '/api/v1/campaigns', {
      body: briefInput(),
      headers: { ...fromDashboard(documented), Cookie: cookie },
    });
    expect(posted.status).toBe(201);
    // The CSV export streams through the proxy whole.
    const csv = await proxied(documented, 'GET', '/api/v1/feedback?format=csv', {
      headers: { ...fromDashboard(documented), Cookie: cookie },
    });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[0]).toMatch(/,/);
    const elsewhere = await proxied(documented, 'POST', '/api/v1/campaigns', {
      body: briefInput(),
      headers: { Cookie: cookie, Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(elsewhere.status).toBe(401);
  });

  it('takes a body up to its own limit, and refuses a larger one in its own words', async () => {
    const rep = await documented.ws.join('rep');
    const bare = JSON.stringify({ items: [], pad: '' }).length;
    const body = (bytes: number) => JSON.stringify({ items: [], pad: 'x'.repeat(bytes - bare) });
    const atLimit = await proxied(documented, 'POST', '/api/v1/feedback', {
      token: rep.token,
      body: body(LIMITS.bodyBytes),
    });
    expect(responses.ErrorEnvelope.parse(await atLimit.json()).error.code).not.toBe('too_large');
    // The workspace's JSON, which the extension and the dashboard read: not nginx's HTML 413 page (the
    // extension took it for "not a Sameroom workspace" and tried again and again), nor its 502 for an
    // answer it lost. Several times: it lost most of them, not all.
    for (let attempt = 0; attempt < 5; attempt++) {
      const over = await proxied(documented, 'POST', '/api/v1/feedback', {
        token: rep.token,
        body: body(2 * LIMITS.bodyBytes - 1_000),
      });
      expect(over.status).toBe(413);
      expect(over.headers.get('Content-Type')).toMatch(/application\/json/);
      expect(responses.ErrorEnvelope.parse(await over.json()).error.code).toBe('too_large');
    }
  });
});

describe('the workspace behind nginx with --trust-proxy alone (its public URL from X-Forwarded-*)', () => {
  it('keeps the port people reach it at in join links and in the dashboard’s own origin', async () => {
    expect((await invite(headersOnly, 'rep')).joinUrl).toMatch(new RegExp(`^${headersOnly.url}/join#`));
    const { response, cookie } = await signIn(headersOnly);
    expect(response.status).toBe(200);
    expect(response.headers.get('Set-Cookie')).toMatch(/^__Host-sameroom_session=.*; Secure/);
    const me = await proxied(headersOnly, 'GET', '/api/v1/me', {
      headers: { ...fromDashboard(headersOnly), Cookie: cookie },
    });
    expect(me.status).toBe(200);
  });
});

describe('a workspace stopped behind nginx (its 502 page)', () => {
  it('keeps the rep’s verdicts queued and says in words that the workspace did not answer', async () => {
    const { db, link, fetchFn } = await linkedExtension(headersOnly, '127.0.0.3');
    const saved = await saveOldVerdict(db, link, '00Q5g00000A1b3cEAB', 'Typed while the workspace was down.');
    const { cookie } = await signIn(headersOnly);
    await headersOnly.ws.destroy();

    const down = await proxied(headersOnly, 'GET', '/api/v1/me', { token: link.token });
    expect(down.status).toBe(502);
    expect(down.headers.get('Content-Type')).toMatch(/text\/html/);

    const report = await syncOutbox(db, { now: () => new Date(), fetchFn, force: true });
    expect(report).toMatchObject({ sent: 0, dead: 0, waiting: 1 });
    // "The workspace failed to answer (502). Try again shortly.", and sync tries again by itself.
    expect(report.problem).toBe(t('errServer', 502));
    expect(report.nextRunAt).not.toBeNull();
    expect((await db.get('outbox', saved.id))?.state).toBe('pending');
    db.close();

    // The dashboard's own request code, as its page at the public address runs it.
    vi.stubGlobal('fetch', (path: string, init: RequestInit) =>
      fetchFrom()(`${headersOnly.url}${path}`, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          ...fromDashboard(headersOnly),
          Cookie: cookie,
        },
      }),
    );
    try {
      expect(await api('POST', '/api/v1/campaigns', responses.Brief, briefInput())).toEqual({
        ok: false,
        status: 502,
        message: td('errServerDown', 502),
        issues: [],
      });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
