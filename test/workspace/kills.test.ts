import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaOneDatabase, startTestWorkspace } from './harness';

const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = 25_000;
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A data folder as the previous version left it (schema 1), holding ROWS verdicts. */
async function oldFolderWithData(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sameroom-kills-'));
  folders.push(dataDir);
  const db = await schemaOneDatabase(dataDir, 'Killed');
  await db.exec(`
    INSERT INTO feedback (id, member_id, lead_key, crm, object_type, record_id, signals, verdict, created_at, hash, change_seq)
    SELECT gen_random_uuid(), (SELECT id FROM members LIMIT 1), 'hubspot:contact:' || g, 'hubspot', 'contact', g::text,
           '{}'::jsonb, 'good_fit', timestamptz '2026-01-01' + make_interval(secs => g), sha256(g::text::bytea), 1
      FROM generate_series(1, ${ROWS}) AS g;
  `);
  await db.close();
  return dataDir;
}

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'workspace/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: 'ignore',
  });
}

async function killAfter(child: ChildProcess, ms: number): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, ms))]);
  child.kill('SIGKILL');
  await exited;
}

describe('a workspace killed while it works', () => {
  it('restarts with every verdict after SIGKILLs during its start, its pre-migration backup and its migration', {
    timeout: 240_000,
  }, async () => {
    const dataDir = await oldFolderWithData();
    // Killed at different moments of start-up: opening, backing up before migrating, migrating.
    for (const ms of [700, 1_500, 2_500, 3_500, 5_000]) {
      await killAfter(cli(['serve', '--port', '0', '--data', dataDir, '--backup-every', '0']), ms);
    }
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      adminToken: 'unused',
      backups: { everyMs: 0, keep: 3 },
    });
    try {
      const [counts] = await ws.db.query<{ feedback: number; migrations: number }>(
        'SELECT (SELECT count(*) FROM feedback)::int AS feedback, (SELECT count(*) FROM schema_migrations)::int AS migrations',
      );
      expect(counts!.feedback).toBe(ROWS);
      expect(counts!.migrations).toBeGreaterThanOrEqual(3);
      expect((await ws.db.query<{ name: string }>('SELECT name FROM workspace'))[0]!.name).toBe('Killed');
    } finally {
      await ws.close();
    }
  });

  it('leaves no file under a backup’s name when killed while writing it, and the folder opens after', {
    timeout: 240_000,
  }, async () => {
    const dataDir = await oldFolderWithData();
    const target = join(dataDir, 'manual.jsonl');
    for (const ms of [1_500, 3_000, 4_500]) {
      await killAfter(cli(['backup', target, '--data', dataDir]), ms);
      if (existsSync(target)) {
        // It finished before the kill: then it is whole (its last table is there).
        const lines = readFileSync(target, 'utf8').trim().split('\n');
        expect(JSON.parse(lines[0]!).format).toBe('sameroom-backup');
        rmSync(target);
      }
    }
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      adminToken: 'unused',
      backups: { everyMs: 0, keep: 3 },
    });
    try {
      expect((await ws.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback'))[0]!.n).toBe(ROWS);
    } finally {
      await ws.close();
    }
  });
});
