import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Debian's PostgreSQL server binaries, newest version first. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL is not installed: run npm test (its pretest installs it).');
  return join(root, versions[0], 'bin');
}

/** The system's `postgres` user, which the server runs as when we are root. */
function postgresUser(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway PostgreSQL server for tests and benchmarks: initdb in a scratch folder (as the `postgres`
 * user when we are root, since PostgreSQL refuses to run as root), on a free loopback port.
 */
export async function startPostgresServer({
  durable = false,
  under = tmpdir(),
  tls,
}: {
  /** fsync on, as a real server runs (the bench); tests run without it, for speed. */
  durable?: boolean;
  /** The folder its scratch folder goes in (a small disk of a test's own). */
  under?: string;
  /**
   * TLS with this certificate and key (PEM files), and encrypted connections only, as a managed
   * database takes them: a connection without TLS is refused by the server's access rules.
   */
  tls?: { cert: string; key: string };
} = {}): Promise<{ url: string; stop(): void }> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(under, 'sameroom-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    return spawnSync(file, argv as string[], { stdio: 'pipe' });
  };
  const owner = asRoot ? postgresUser() : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const port = await freePort();
  const data = join(dir, 'data');
  const init = run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  let options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${durable ? 'on' : 'off'} -c max_connections=200`;
  if (tls) {
    // In the data folder, where the server's user owns them (it refuses a key others can read).
    copyFileSync(tls.cert, join(data, 'server.crt'));
    copyFileSync(tls.key, join(data, 'server.key'));
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
    for (const file of ['server.crt', 'server.key', 'pg_hba.conf']) {
      chmodSync(join(data, file), 0o600);
      if (owner) chownSync(join(data, file), owner.uid, owner.gid);
    }
    options += ' -c ssl=on';
  }
  const start = run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  if (start.status !== 0) throw new Error(`PostgreSQL did not start: ${start.stderr}`);
  watchOwner(process.pid, asRoot, join(bin, 'pg_ctl'), data, dir);
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    stop() {
      const stop = run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      if (stop.status === 0) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A watchdog apart from us: when our process is gone (killed with SIGKILL, a test run interrupted), it
 * stops the server and removes its folder, so no killed run leaves a PostgreSQL server behind.
 */
function watchOwner(owner: number, asRoot: boolean, pgCtl: string, data: string, dir: string): void {
  const stop = `${asRoot ? 'runuser -u postgres -- ' : ''}${pgCtl} -D '${data}' -m immediate -w stop`;
  const script = `while kill -0 ${owner} 2>/dev/null; do sleep 1; done; if [ -d '${data}' ]; then ${stop} >/dev/null 2>&1; rm -rf '${dir}'; fi`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/**
 * A fresh, empty database on `serverUrl` (one of `startPostgresServer`'s): its connection URL. As a
 * managed PostgreSQL (RDS, Cloud SQL, Azure, Supabase) gives it: reached as a role of its own that owns
 * the database and is not a superuser, cannot create databases or roles and cannot bypass row security,
 * so that every test and bench row meets the privileges a team's database has, not the server's own.
 */
export async function createDatabase(serverUrl: string, prefix = 'sameroom'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(
      `CREATE ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`,
    );
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.username = name;
  url.pathname = `/${name}`;
  return url.toString();
}
