import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/postgres-server';
import { briefInput, feedbackItem } from '../support/examples';
import { freshPostgresDatabase, startTestWorkspace } from './harness';

/**
 * The workspace on PostgreSQL through a real PgBouncer in transaction pooling, as hosted databases and
 * many teams put one in front of their server: each transaction may run on another server connection,
 * and PgBouncer before 1.20 (Debian 12 ships 1.18) refuses a connection that sends the `options`
 * startup parameter.
 */
const dir = mkdtempSync(join(tmpdir(), 'sameroom-pgbouncer-'));
const bouncers: ChildProcess[] = [];

afterAll(async () => {
  for (const bouncer of bouncers) {
    const exited = new Promise((resolve) => bouncer.once('exit', resolve));
    bouncer.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function pgbouncerBinary(): string {
  return ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) => existsSync(path)) ?? 'pgbouncer';
}

/**
 * PgBouncer in front of `databaseUrl`'s server, in transaction pooling, for its role and database; the
 * same URL through it. It will not run as root: as root, it is started as the postgres user.
 */
async function throughPgbouncer(databaseUrl: string): Promise<string> {
  const target = new URL(databaseUrl);
  const name = target.pathname.slice(1);
  const role = decodeURIComponent(target.username);
  const port = await freePort();
  const file = (base: string) => join(dir, `${name}.${base}`);
  writeFileSync(file('users'), `"${role}" ""\n`);
  writeFileSync(
    file('ini'),
    [
      '[databases]',
      `${name} = host=${target.hostname} port=${target.port} dbname=${name}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${file('users')}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      `logfile = ${file('log')}`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    for (const base of ['users', 'ini']) chownSync(file(base), uid, gid);
  }
  const bouncer = spawn(pgbouncerBinary(), [...(asRoot ? ['-u', 'postgres'] : []), file('ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  bouncers.push(bouncer);
  let said = '';
  bouncer.stderr!.on('data', (chunk: Buffer) => {
    said += chunk.toString();
  });
  for (const deadline = Date.now() + 10_000; ; ) {
    if (bouncer.exitCode !== null) throw new Error(`PgBouncer stopped: ${said}`);
    const answers = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (answers) break;
    if (Date.now() > deadline) throw new Error(`PgBouncer did not answer: ${said}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const through = new URL(databaseUrl);
  through.port = String(port);
  return through.toString();
}

describe('the workspace through PgBouncer in transaction pooling', () => {
  it('starts, migrates, stores and counts by UTC, though the database’s own zone is another', async () => {
    const databaseUrl = await freshPostgresDatabase();
    // The database's sessions start in Tokyo's time: the workspace must count days in UTC all the same.
    const admin = new pg.Client({ connectionString: `${inject('postgresUrl')}/postgres` });
    await admin.connect();
    try {
      await admin.query(
        `ALTER DATABASE ${new URL(databaseUrl).pathname.slice(1)} SET timezone TO 'Asia/Tokyo'`,
      );
    } finally {
      await admin.end();
    }
    // Before, the workspace's first connection failed: "unsupported startup parameter: options".
    const ws = await startTestWorkspace('postgres', { databaseUrl: await throughPgbouncer(databaseUrl) });
    try {
      const campaign = await ws.call('POST', '/api/v1/campaigns', {
        token: ws.adminToken,
        body: briefInput(),
      });
      expect(campaign.status).toBe(201);
      const { id: campaignId } = (await campaign.json()) as { id: string };
      const { token } = await ws.join('rep');
      const items = Array.from({ length: 20 }, (_, n) =>
        feedbackItem({
          id: randomUUID(),
          campaignId,
          lead: { crm: 'hubspot', objectType: 'contact', recordId: String(n) },
        }),
      );
      const posted = await ws.call('POST', '/api/v1/feedback', { token, body: { items } });
      expect(posted.status).toBe(200);
      const { results } = (await posted.json()) as { results: Array<{ status: string }> };
      expect(results.map((result) => result.status)).toEqual(Array(20).fill('created'));
      // Many at once: PgBouncer lends them several server connections, each set to UTC for this client.
      const zones = await Promise.all(
        Array.from({ length: 12 }, () =>
          ws.db.query<{ zone: string }>('SELECT current_setting($1) AS zone', ['TimeZone']),
        ),
      );
      expect(new Set(zones.map(([row]) => row!.zone))).toEqual(new Set(['UTC']));
      const stored = await ws.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback');
      expect(stored[0]!.n).toBe(20);
    } finally {
      await ws.close();
    }
  });
});
