import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach } from 'vitest';
import { seedFromTemplate, type TestWorkspace } from './harness';

/*
 * What the data-folder tests share: temporary folders, the CLI and a server in child processes, and
 * their cleanup. Two files (the lock; backups and an unopenable database) so that the suite's two
 * workers take them side by side: as one file they were the workspace suite's longest run by far.
 */
export const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..', '..');

const folders: string[] = [];
export function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sameroom-data-'));
  folders.push(dir);
  return dir;
}
/** A temporary data folder whose database is a copy of the migrated template (./harness.ts). */
export const seededFolder = (): string => seedFromTemplate(folder());

export const children: ChildProcess[] = [];
export const workspaces: TestWorkspace[] = [];

/**
 * Closes the workspaces a test started after it, and kills the children and removes the folders once
 * the file is done. Each file using this module calls it at its top: in the workspace suite a worker
 * imports a module once for all its files (vitest.config.ts, isolate: false), so hooks at this module's
 * top were the first file's alone. The others left their in-process workspaces open: one whose folder
 * was then unmounted lost its lock and ended the worker (process.exit), and vitest reported only
 * "Worker forks emitted error".
 */
export function cleanUpAfterTests(): void {
  afterEach(async () => {
    for (const ws of workspaces.splice(0)) await ws.close().catch(() => undefined);
  });
  afterAll(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** `npm run workspace -- …` in its own process; resolves with stdout, or rejects with stderr. */
export async function cli(...args: string[]): Promise<string> {
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
export function serveInChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
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

/** A join code for a new admin, asked of the running server through the CLI. */
export async function adminCode(dataDir: string): Promise<string> {
  return (await cli('invite', '--name', 'Second admin', '--role', 'admin', '--data', dataDir))
    .trim()
    .split('\n')
    .at(-1)!;
}

/** The statuses of a batch the server answered 200; a rejection for any other answer. */
export async function postItems(url: string, token: string, items: unknown[]): Promise<string[]> {
  const response = await fetch(`${url}/api/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ items }),
  });
  if (response.status !== 200) throw new Error(`feedback: ${response.status}`);
  return ((await response.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status);
}
