import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedFromTemplate } from './harness';

/**
 * A commit of the embedded database reaches the disk before it is answered: watched from outside, in
 * the system calls of the process (strace, which npm test installs with the other Debian packages it
 * needs). PGlite as shipped runs PostgreSQL with fsync off and has no fsync on Node's files: this
 * process made not one fsync, and a power cut lost what it had acknowledged (workspace/db/pglite-thread.mjs).
 */
const strace = spawnSync('strace', ['-V']).status === 0;
const ROOT = join(import.meta.dirname, '..', '..');
const COMMITS = 5;
const scratch = mkdtempSync(join(tmpdir(), 'sameroom-fsync-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!strace)('the embedded database on a data folder (strace)', () => {
  it('syncs each commit to the disk before answering it, with fsync on in PostgreSQL', () => {
    const log = join(scratch, 'strace.log');
    const out = execFileSync(
      'strace',
      [
        '-f',
        '-e',
        'trace=fsync,fdatasync,write',
        '-o',
        log,
        process.execPath,
        '--import',
        'tsx',
        'test/workspace/fsync-probe.ts',
        join(scratch, 'data'),
        String(COMMITS),
      ],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(JSON.parse(out.trim())).toEqual({ fsync: 'on', walSyncMethod: 'fsync' });
    const calls = readFileSync(log, 'utf8').split('\n');
    const begin = calls.findIndex((line) => line.includes('probe: commits begin'));
    const end = calls.findIndex((line) => line.includes('probe: commits end'));
    expect(begin).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(begin);
    // A sync in one line, or, with the database's thread interleaved (strace -f), split in two: counted
    // by its resumed half (a run under load counted 3 of 5 whole lines, the others split).
    const syncs = calls
      .slice(begin, end)
      .filter(
        (line) =>
          / f(data)?sync\(\d+\)\s+= 0/.test(line) || /<\.\.\. f(data)?sync resumed>\)\s+= 0/.test(line),
      );
    // One for each commit's log record at least (PostgreSQL may sync more: a new log segment).
    expect(syncs.length).toBeGreaterThanOrEqual(COMMITS);
  }, 60_000);

  it('makes a restore’s move of the database into place durable (the data folder synced) before it says so', () => {
    const cli = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'workspace/cli.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
      });
    const source = seedFromTemplate(join(scratch, 'source'));
    const file = join(scratch, 'restore.jsonl');
    cli('backup', file, '--data', source);
    const restored = join(scratch, 'restored');
    const log = join(scratch, 'restore-strace.log');
    execFileSync(
      'strace',
      [
        '-f',
        '-e',
        'trace=openat,rename,renameat,renameat2,fsync',
        '-o',
        log,
        process.execPath,
        '--import',
        'tsx',
        'workspace/cli.ts',
        'restore',
        file,
        '--data',
        restored,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    const calls = readFileSync(log, 'utf8').split('\n');
    const moved = calls.findIndex(
      (line) => /rename/.test(line) && line.includes(`"${join(restored, 'db')}"`),
    );
    expect(moved).toBeGreaterThan(-1);
    // After the move, the folder holding `db` opened and that descriptor synced.
    const after = calls.slice(moved);
    const opened = after
      .map((line) => new RegExp(`openat\\(AT_FDCWD, "${restored}", [^)]*\\) = (\\d+)`).exec(line)?.[1])
      .filter((fd) => fd !== undefined);
    expect(opened.length).toBeGreaterThan(0);
    expect(after.some((line) => opened.some((fd) => new RegExp(`fsync\\(${fd}[) ]`).test(line)))).toBe(true);
  }, 120_000);
});
