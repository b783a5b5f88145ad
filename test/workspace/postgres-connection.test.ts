import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startPostgresServer } from '../../scripts/postgres-server';
import type { ServeOptions } from '../../workspace/server';
import { briefInput, feedbackItem } from '../support/examples';
import { freshPostgresDatabase, startTestWorkspace } from './harness';

/**
 * The workspace on a PostgreSQL server as teams meet one (a managed database: TLS required, a provider's
 * own certificate authority, a role that may not create in schema public, a server still starting):
 * each problem said in words that name the fix, never with DATABASE_URL's password.
 */

const folder = mkdtempSync(join(tmpdir(), 'sameroom-pg-tls-'));
let tlsServer: { url: string; stop(): void };
let ca: string;

/** A certificate authority of the test's own, and a server certificate it signed for `localhost` only. */
function makeCertificates(): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(folder, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Test Provider CA',
  ]);
  openssl([
    'req',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  execFileSync(
    'sh',
    [
      '-c',
      `printf 'subjectAltName=DNS:localhost\\n' > '${file('ext')}' && openssl x509 -req -in '${file('server.csr')}' -CA '${file('ca.pem')}' -CAkey '${file('ca.key')}' -CAcreateserial -out '${file('server.crt')}' -days 2 -extfile '${file('ext')}'`,
    ],
    { stdio: 'pipe' },
  );
  return { ca: file('ca.pem'), cert: file('server.crt'), key: file('server.key') };
}

/** The server's URL with another host, database, user (and password) and query. */
function urlOn(
  server: string,
  {
    host,
    database,
    user,
    password,
    query,
  }: Partial<Record<'host' | 'database' | 'user' | 'password' | 'query', string>>,
): string {
  const url = new URL(server);
  if (host) url.hostname = host;
  if (user) url.username = user;
  if (password) url.password = password;
  url.pathname = `/${database ?? 'postgres'}`;
  url.search = query ?? '';
  return url.toString();
}

const start = (databaseUrl: string, more: Partial<ServeOptions> = {}) =>
  startTestWorkspace('postgres', { databaseUrl, databaseWaitMs: 0, ...more });

beforeAll(async () => {
  const files = makeCertificates();
  ca = files.ca;
  tlsServer = await startPostgresServer({ tls: { cert: files.cert, key: files.key } });
});

afterAll(() => {
  tlsServer?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('a PostgreSQL server that takes encrypted connections only, its certificate from its own authority', () => {
  it('works with sslmode=verify-full and the authority given in sslrootcert, and stores a verdict', async () => {
    const databaseUrl = urlOn(tlsServer.url, {
      host: 'localhost',
      database: 'postgres',
      query: `?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`,
    });
    const ws = await start(databaseUrl);
    try {
      const [{ ssl }] = (await ws.db.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      )) as [{ ssl: boolean }];
      expect(ssl).toBe(true);
      const brief = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
      const { id: campaignId } = (await brief.json()) as { id: string };
      const item = feedbackItem({ id: randomUUID(), campaignId });
      const stored = await ws.call('POST', '/api/v1/feedback', {
        token: ws.adminToken,
        body: { items: [item] },
      });
      expect(((await stored.json()) as { results: Array<{ status: string }> }).results[0]!.status).toBe(
        'created',
      );
    } finally {
      await ws.close();
    }
  });

  it('says to ask for TLS when DATABASE_URL has no sslmode', async () => {
    await expect(start(urlOn(tlsServer.url, { host: 'localhost' }))).rejects.toThrow(
      /takes only encrypted connections: add \?sslmode=verify-full to DATABASE_URL/,
    );
  });

  it('says to give the authority when the certificate is not trusted here (sslmode=require verifies it)', async () => {
    await expect(
      start(urlOn(tlsServer.url, { host: 'localhost', query: '?sslmode=require' })),
    ).rejects.toThrow(/certificate this machine does not trust .*sslrootcert=\/path\/to\/ca\.pem/);
  });

  it('says when the certificate is for another name than DATABASE_URL’s host', async () => {
    await expect(
      start(
        urlOn(tlsServer.url, {
          host: '127.0.0.1',
          query: `?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`,
        }),
      ),
    ).rejects.toThrow(/certificate is not for the name in DATABASE_URL \(127\.0\.0\.1:\d+\)/);
  });
});

describe('a PostgreSQL server the workspace cannot use as DATABASE_URL says', () => {
  const server = () => inject('postgresUrl');

  it('no server at the address: said at once with where, never the password', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const url = `postgres://sameroom:s3cret-word@127.0.0.1:${port}/sameroom`;
    const failure = start(url).then(
      () => null,
      (error: Error) => error,
    );
    const error = await failure;
    expect(error?.message).toMatch(new RegExp(`No PostgreSQL server answers at 127\\.0\\.0\\.1:${port}`));
    expect(error?.message).not.toContain('s3cret-word');
  });

  it('no such database: names it and how to make it', async () => {
    await expect(start(urlOn(server(), { database: 'no_such_db' }))).rejects.toThrow(
      /There is no database "no_such_db" on the PostgreSQL server at 127\.0\.0\.1:\d+: create it/,
    );
  });

  it('TLS asked of a server that has none', async () => {
    await expect(start(urlOn(server(), { query: '?sslmode=verify-full' }))).rejects.toThrow(
      /asks for TLS \(sslmode\), but the PostgreSQL server at 127\.0\.0\.1:\d+ does not offer it/,
    );
  });

  it('a role that may not create in schema public (PostgreSQL 15): names the two fixes, and a grant makes it start', async () => {
    const admin = new pg.Client({ connectionString: `${server()}/postgres` });
    await admin.connect();
    const role = `app_${randomUUID().slice(0, 8)}`;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await admin.query(`CREATE DATABASE ${role}`);
      const url = urlOn(server(), { user: role, database: role });
      await expect(start(url)).rejects.toThrow(
        new RegExp(
          `User "${role}" lacks a privilege the workspace needs in database "${role}" \\(permission denied for schema public\\)\\. Make it the database's owner`,
        ),
      );
      const owner = new pg.Client({ connectionString: `${server()}/${role}` });
      await owner.connect();
      await owner.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
      await owner.end();
      const ws = await start(url);
      await ws.close();
    } finally {
      await admin.end();
    }
  });

  it('waits for a server that is still starting (a container started beside it), and says so once', async () => {
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // Nothing listens on the port at first; a second later it leads to the server, as one coming up.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const target = new URL(server());
    let forward: Server | undefined;
    const later = setTimeout(() => {
      forward = createServer((socket) => {
        const upstream = connect(Number(target.port), target.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      }).listen(port, '127.0.0.1');
    }, 1_500);
    try {
      const fresh = new URL(await freshPostgresDatabase());
      fresh.port = String(port);
      const databaseUrl = fresh.toString();
      const ws = await start(databaseUrl, { databaseWaitMs: 20_000 });
      await ws.close();
      const waiting = said.mock.calls.filter(([line]) =>
        String(line).includes('waiting for the PostgreSQL server'),
      );
      expect(waiting).toEqual([[`workspace: waiting for the PostgreSQL server at 127.0.0.1:${port}…`]]);
    } finally {
      clearTimeout(later);
      said.mockRestore();
      await new Promise((resolve) => (forward ? forward.close(resolve) : resolve(undefined)));
    }
  });
});

describe('a PostgreSQL server that ends the workspace’s connections (a restart, a failover, an idle timeout)', () => {
  it('goes on serving: the next request connects again, and the log says so once', async () => {
    // The database's own lines go to the server's standard error.
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const lines = () => said.mock.calls.map(([line]) => String(line));
    const databaseUrl = await freshPostgresDatabase();
    const ws = await startTestWorkspace('postgres', { databaseUrl });
    try {
      // Several requests at once: the pool keeps several idle connections after them.
      const reads = await Promise.all(
        Array.from({ length: 4 }, () => ws.call('GET', '/api/v1/campaigns', { token: ws.adminToken })),
      );
      expect(reads.map((read) => read.status)).toEqual([200, 200, 200, 200]);
      // What a server's restart or a failover does to them: ended by the server, as an administrator would.
      const admin = new pg.Client({ connectionString: `${inject('postgresUrl')}/postgres` });
      await admin.connect();
      try {
        const name = new URL(databaseUrl).pathname.slice(1);
        const ended = await admin.query<{ n: number }>(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        expect(ended.rows[0]!.n).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // Before, the pool's 'error' event for an idle connection was heard by no one: the process ended.
      await vi.waitFor(() =>
        expect(lines()).toContainEqual(
          expect.stringMatching(
            /^workspace: the database server closed an idle connection \(terminating connection due to administrator command\); the next request connects again\.$/,
          ),
        ),
      );
      expect(lines().filter((line) => line.includes('closed an idle connection'))).toHaveLength(1);
      const brief = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
      expect(brief.status).toBe(201);
    } finally {
      said.mockRestore();
      await ws.close();
    }
  });

  it('answers the requests lent a connection the server is ending, on another one', async () => {
    // A server under load ends its sessions one by one: a CI run lent a request a connection whose end
    // the pool had not heard of yet, and answered it 500 with the server up. Made certain here: each
    // idle connection's server process is stopped, told to end (the signal waits), and let go once the
    // requests went out on them: each request meets "terminating connection due to administrator
    // command" (57P01), as the server ran nothing of it.
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const databaseUrl = await freshPostgresDatabase();
    const ws = await startTestWorkspace('postgres', { databaseUrl });
    const admin = new pg.Client({ connectionString: `${inject('postgresUrl')}/postgres` });
    await admin.connect();
    const stopped: number[] = [];
    try {
      // Four connections in the pool: four reads at once open them, unless one read ends before the last
      // starts and lends its connection on (a CI run had three): bursts again until there are four.
      const idle = async () =>
        (
          await admin.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'idle'",
            [new URL(databaseUrl).pathname.slice(1)],
          )
        ).rows;
      let rows: Array<{ pid: number }> = [];
      for (let burst = 0; burst < 5 && rows.length < 4; burst++) {
        const reads = await Promise.all(
          Array.from({ length: 4 + burst * 2 }, () =>
            ws.call('GET', '/api/v1/campaigns', { token: ws.adminToken }),
          ),
        );
        expect(reads.every((read) => read.status === 200)).toBe(true);
        rows = await idle();
      }
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (const { pid } of rows) {
        process.kill(pid, 'SIGSTOP');
        stopped.push(pid);
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      }
      const answers = Promise.all([
        ...Array.from({ length: 3 }, () => ws.call('GET', '/api/v1/campaigns', { token: ws.adminToken })),
        ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const pid of stopped.splice(0)) process.kill(pid, 'SIGCONT');
      expect((await answers).map((answer) => answer.status)).toEqual([200, 200, 200, 201]);
    } finally {
      for (const pid of stopped) process.kill(pid, 'SIGCONT');
      await admin.end();
      said.mockRestore();
      await ws.close();
    }
  });
});
