import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BackupExists, backup } from '../../workspace/backup';
import { listBackups } from '../../workspace/backups';
import { claimDataFolder, DataFolderInUse } from '../../workspace/data-folder';
import { startWorkspace } from '../../workspace/server';
import { feedbackItem } from '../support/examples';
import { linkWithCode } from '../support/link';
import { schemaOneDatabase, startTestWorkspace, type TestWorkspace } from './harness';

const run = promisify(execFile);
const canUnshare = spawnSync('unshare', ['-n', 'true']).status === 0;
const ROOT = join(import.meta.dirname, '..', '..');

const folders: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sameroom-data-'));
  folders.push(dir);
  return dir;
}
const children: ChildProcess[] = [];
let workspaces: TestWorkspace[] = [];
afterEach(async () => {
  for (const ws of workspaces) await ws.close().catch(() => undefined);
  workspaces = [];
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** `npm run workspace -- …` in its own process; resolves with stdout, or rejects with stderr. */
async function cli(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'workspace/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '' },
    });
    return stdout;
  } catch (error) {
    throw new Error((error as { stderr: string }).stderr.trim());
  }
}

/** A workspace server in a child process, as `npm run workspace` runs it; resolves once it serves. */
function serveInChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'workspace/cli.ts', 'serve', '--port', '0', '--data', dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = out.match(/Sameroom workspace at (http:\/\/\S+) /)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
}

describe('one owner per data folder', () => {
  it('refuses a second server on the same folder, naming the first, and the first keeps serving', async () => {
    const dataDir = folder();
    const first = await startTestWorkspace('pglite', { dataDir });
    workspaces.push(first);
    const second = startWorkspace({ dataDir, port: 0, log: () => undefined });
    await expect(second).rejects.toBeInstanceOf(DataFolderInUse);
    await expect(second).rejects.toThrow(
      new RegExp(`in use by a workspace server \\(PID ${process.pid}, since .*, serving ${first.url}\\)`),
    );
    expect((await first.call('GET', '/api/v1/campaigns', { token: first.adminToken })).status).toBe(200);
  });

  it('a second server process exits in one line, and what the first acknowledged survives its restart', async () => {
    const dataDir = folder();
    const { child, url } = await serveInChild(dataDir);
    const token = await linkWithCode(url, await adminCode(dataDir));
    const items = Array.from({ length: 20 }, (_, n) =>
      feedbackItem({
        id: randomUUID(),
        campaignId: null,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: `${n}` },
      }),
    );
    expect(await postItems(url, token, items)).toEqual(Array(20).fill('created'));

    const refusal = await cli('serve', '--port', '0', '--data', dataDir).catch(
      (error: Error) => error.message,
    );
    expect(refusal).toMatch(
      /^The data folder .* is in use by a workspace server \(PID \d+, since .*\)\. Stop it/,
    );
    expect(refusal.split('\n')).toHaveLength(1);

    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const again = await startTestWorkspace('pglite', { dataDir, adminToken: token });
    workspaces.push(again);
    const stored = await again.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback');
    expect(stored[0]!.n).toBe(20);
  });

  it('takes over at once from a server killed with SIGKILL mid-ingest, with every acknowledged verdict', async () => {
    const dataDir = folder();
    const { child, url } = await serveInChild(dataDir);
    const token = await linkWithCode(url, await adminCode(dataDir));
    const acknowledged: string[] = [];
    let batch = 0;
    const sending = (async () => {
      for (;;) {
        const items = Array.from({ length: 50 }, (_, n) =>
          feedbackItem({
            id: randomUUID(),
            campaignId: null,
            lead: { crm: 'hubspot', objectType: 'contact', recordId: `${batch}-${n}` },
          }),
        );
        batch++;
        try {
          const results = await postItems(url, token, items);
          if (results.every((status) => status === 'created')) acknowledged.push(...items.map((i) => i.id));
        } catch {
          return; // the server died under this batch: it was never acknowledged
        }
      }
    })();
    // Killed while it works: once it has acknowledged a batch (a slow machine may take longer than a
    // moment for the first), with the next one on its way.
    for (const deadline = Date.now() + 30_000; acknowledged.length === 0 && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Listened for before the kill: the child can be gone before the batch on its way has failed.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await sending;
    await exited;
    expect(acknowledged.length).toBeGreaterThan(0);

    const started = Date.now();
    const again = await startTestWorkspace('pglite', { dataDir, adminToken: token });
    workspaces.push(again);
    expect(Date.now() - started).toBeLessThan(20_000); // not the lock's 30 s staleness
    const ids = new Set(
      (await again.db.query<{ id: string }>('SELECT id::text FROM feedback')).map((row) => row.id),
    );
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
  });

  // Two containers sharing the folder and the host name but not a network namespace (where the
  // kernel's socket lock lives): each found its socket lock free, so the second took the live lock
  // over as a dead process's. Reproduced with unshare(1) where this machine allows it (root).
  it.skipIf(!canUnshare)('refuses a holder in another network namespace on the same host', async () => {
    const dir = folder();
    const holder = spawn(
      'unshare',
      [
        '-n',
        process.execPath,
        '--import',
        'tsx',
        '-e',
        `import('./workspace/data-folder.ts').then(async ({ claimDataFolder }) => {
           await claimDataFolder(${JSON.stringify(dir)}, 'workspace server');
           console.log('held');
           setInterval(() => undefined, 1000);
         })`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(holder);
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
      holder.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
    });
    await expect(claimDataFolder(dir, 'workspace server')).rejects.toBeInstanceOf(DataFolderInUse);
    holder.kill('SIGKILL');
  });

  it('lets the CLI through a running server’s socket, and refuses when the holder has no socket', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', { dataDir });
    workspaces.push(ws);
    expect(await cli('invite', '--name', 'Ana Ruiz', '--role', 'rep', '--data', dataDir)).toMatch(
      /^Invited Ana Ruiz/,
    );
    await ws.close();
    workspaces = [];

    const holder = await claimDataFolder(dataDir, 'a test holding the folder');
    try {
      const refusal = await cli('invite', '--name', 'B', '--role', 'rep', '--data', dataDir).catch(
        (error: Error) => error.message,
      );
      expect(refusal).toBe(
        `The data folder ${dataDir} is in use by a test holding the folder (PID ${process.pid}, since ${holder.owner.startedAt}). Stop it (kill ${process.pid}), or use another --data folder.`,
      );
    } finally {
      await holder.release();
    }
  });

  it('checks flags before it touches anything, in one line', async () => {
    const dataDir = join(folder(), 'never-made');
    const started = Date.now();
    for (const [args, message] of [
      [['--port', 'abc'], /^--port must be a port number from 0 to 65535, not "abc"\.$/],
      [['--port', '80000'], /^--port must be a port number/],
      [['--prot', '8788'], /^Unknown option '--prot'\. See: npm run workspace -- serve --help$/],
      [['bogus'], /^Unknown command "bogus"/],
    ] as const) {
      await expect(cli(...args, '--data', dataDir)).rejects.toThrow(message);
    }
    expect(existsSync(dataDir)).toBe(false);
    expect((Date.now() - started) / 4).toBeLessThan(5_000);
  });
});

describe('backups', () => {
  it('never overwrite a file or follow a link planted in their place, and are owner-only', async () => {
    const dir = folder();
    const ws = await startTestWorkspace('pglite', { dataDir: join(dir, 'data') });
    workspaces.push(ws);
    const existing = join(dir, 'existing.jsonl');
    writeFileSync(existing, 'keep me');
    await expect(backup(ws.db, existing)).rejects.toBeInstanceOf(BackupExists);
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'not yours');
    symlinkSync(target, join(dir, 'link.jsonl'));
    await expect(backup(ws.db, join(dir, 'link.jsonl'))).rejects.toBeInstanceOf(BackupExists);
    const fresh = join(dir, 'fresh.jsonl');
    await backup(ws.db, fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('.partial'))).toEqual([]);
    expect(statSync(ws.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(ws.dataDir, 'db')).mode & 0o777).toBe(0o700);
  });

  it('are written before a migration, kept to the newest N, and restore names them', async () => {
    const dataDir = folder();
    // A database as the previous version left it: schema 1, with a workspace in it.
    await (await schemaOneDatabase(dataDir, 'Old')).close();

    const lines: string[] = [];
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      adminToken: 'unused',
      log: (line) => lines.push(line),
      backups: { everyMs: 0, keep: 2 },
    });
    workspaces.push(ws);
    const [made] = listBackups(dataDir);
    expect(made?.reason).toBe('before-migration');
    expect(lines.join('\n')).toContain(`Backed up the workspace to ${made!.file} before migrating (002_`);
    expect(statSync(made!.file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'backups')).mode & 0o777).toBe(0o700);
    await ws.close();
    workspaces = [];

    expect(await cli('restore', '--data', dataDir)).toContain(made!.file);
    const restored = join(folder(), 'restored');
    expect(await cli('restore', made!.file, '--data', restored)).toMatch(/^Restored \d+ rows/);
    const back = await startTestWorkspace('pglite', { dataDir: restored, adminToken: 'unused' });
    workspaces.push(back);
    expect((await back.db.query<{ name: string }>('SELECT name FROM workspace'))[0]!.name).toBe('Old');
  });

  it('on a schedule, keeping only the newest N', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', { dataDir, backups: { everyMs: 200, keep: 2 } });
    workspaces.push(ws);
    await expect.poll(() => listBackups(dataDir).length, { timeout: 10_000 }).toBe(2);
    const newest = listBackups(dataDir)[0]!.createdAt.getTime();
    await expect
      .poll(() => listBackups(dataDir)[0]!.createdAt.getTime(), { timeout: 10_000 })
      .toBeGreaterThan(newest);
    expect(listBackups(dataDir).length).toBe(2);
  });

  it('restore of a missing file says so and leaves no data folder behind', async () => {
    const dataDir = join(folder(), 'restored');
    await expect(cli('restore', join(dataDir, 'missing.jsonl'), '--data', dataDir)).rejects.toThrow(
      /^No backup at /,
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('a database that cannot be opened', () => {
  it('is said in plain words with the path and the newest backup, and the folder is left untouched', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', { dataDir, backups: { everyMs: 100, keep: 3 } });
    await expect.poll(() => listBackups(dataDir).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await ws.close();
    // Damage the cluster the way a second owner's writes can: its control file is garbage.
    writeFileSync(join(dataDir, 'db', 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const before = readdirSync(join(dataDir, 'db')).sort();
    const [newest] = listBackups(dataDir);
    const failed = startWorkspace({ dataDir, port: 0, log: () => undefined });
    await expect(failed).rejects.toThrow(
      new RegExp(
        `^The database in ${join(dataDir, 'db')} could not be opened \\(.*\\)\\. Nothing in ${dataDir} was changed or removed\\.`,
      ),
    );
    await expect(failed).rejects.toThrow(
      `npm run workspace -- restore ${newest!.file} --data ${dataDir}-restored`,
    );
    expect(readdirSync(join(dataDir, 'db')).sort()).toEqual(before);
    // The failed start let the folder go: the next attempt is not refused as "in use".
    await expect(startWorkspace({ dataDir, port: 0, log: () => undefined })).rejects.toThrow(
      /could not be opened/,
    );
  });
});

/** A join code for a new admin, asked of the running server through the CLI. */
async function adminCode(dataDir: string): Promise<string> {
  return (await cli('invite', '--name', 'Second admin', '--role', 'admin', '--data', dataDir))
    .trim()
    .split('\n')
    .at(-1)!;
}

async function postItems(url: string, token: string, items: unknown[]): Promise<string[]> {
  const response = await fetch(`${url}/api/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ items }),
  });
  if (response.status !== 200) throw new Error(`feedback: ${response.status}`);
  return ((await response.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status);
}
