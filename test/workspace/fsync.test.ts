import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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
});
