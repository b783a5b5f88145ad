import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, threadFlags } from '../../workspace/db/database';

/**
 * PGlite runs on a worker thread of its own (workspace/db/pglite-thread.mjs). What callers saw when it
 * ran on their thread holds across the thread boundary: PostgreSQL's error fields, transactions that
 * run alone and commit all or nothing, and a process that exits when it has nothing left to wait for.
 */
describe('PGlite on its own thread', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: null });
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL, b bytea, at timestamptz)');
  });
  afterAll(() => db.close());

  it('answers with the values PGlite gives, parameters included', async () => {
    const at = new Date('2026-12-02T08:00:00Z');
    await db.query('INSERT INTO t (id, n, b, at) VALUES ($1, $2, $3, $4)', [1, 10, Buffer.from([1, 2]), at]);
    const [row] = await db.query<{ id: number; n: number; b: Uint8Array; at: Date }>('SELECT * FROM t');
    expect(row!.id).toBe(1);
    expect([...row!.b]).toEqual([1, 2]);
    expect(row!.at.getTime()).toBe(at.getTime());
  });

  it("keeps PostgreSQL's error fields (code, constraint, detail)", async () => {
    const error = await db.query('INSERT INTO t (id, n) VALUES (1, 1)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect((error as Error).message).toMatch(/duplicate key/);
    expect((error as { detail: string }).detail).toMatch(/\(id\)=\(1\)/);
  });

  it('rolls a transaction back whole when its work throws, and commits it whole when it ends', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id, n) VALUES (2, 2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.query('SELECT id FROM t WHERE id = 2')).toEqual([]);
    // A statement that fails inside: the transaction is refused as a whole, and the database goes on.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id, n) VALUES (3, 3)');
        await tx.query('INSERT INTO t (id, n) VALUES (3, 3)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id FROM t WHERE id = 3')).toEqual([]);
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id, n) VALUES (4, 4)');
      return 'done';
    });
    expect(value).toBe('done');
    expect(await db.query('SELECT id FROM t WHERE id = 4')).toEqual([{ id: 4 }]);
  });

  it('runs transactions one at a time: read-modify-write from many at once loses no update', async () => {
    await db.query('INSERT INTO t (id, n) VALUES (5, 0)');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>('SELECT n FROM t WHERE id = 5');
          await new Promise((resolve) => setTimeout(resolve, 1));
          await tx.query('UPDATE t SET n = $1 WHERE id = 5', [row!.n + 1]);
        }),
      ),
    );
    expect(await db.query('SELECT n FROM t WHERE id = 5')).toEqual([{ n: 20 }]);
  });

  it("says why a database cannot be opened in PGlite's words, not only that its thread ended", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sameroom-bad-db-'));
    writeFileSync(join(dataDir, 'PG_VERSION'), '99\n'); // a data folder of a PostgreSQL this is not
    await expect(openDatabase({ dataDir })).rejects.toThrow(/PGlite/);
  });

  it('refuses calls once closed, in plain words', async () => {
    const other = await openDatabase({ dataDir: null });
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow('the database is closed');
  });

  it('keeps the process alive while a call waits, and lets it exit when none does', () => {
    // Without a hold on the thread while a call waits, the process would end before the answer (Node
    // exits with 13 on a top-level await left unsettled); with one left after, it would never end.
    const script = join(mkdtempSync(join(tmpdir(), 'sameroom-thread-')), 'wait.mts');
    writeFileSync(
      script,
      `
      import { openDatabase } from ${JSON.stringify(fileURLToPath(new URL('../../workspace/db/database.ts', import.meta.url)))};
      const db = await openDatabase({ dataDir: null });
      const [row] = await db.query('SELECT 7 AS seven FROM pg_sleep(0.3)');
      console.log('answer', row.seven);`,
    );
    const output = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(output.trim()).toBe('answer 7');
  });

  it("starts the thread without the process's loaders and --input-type, keeping the other flags", () => {
    expect(
      threadFlags([
        '--require',
        '/x/preflight.cjs',
        '--import',
        'file:///x/loader.mjs',
        '--max-old-space-size=4096',
        '--input-type=module',
        '-r',
        'y',
        '--loader=z',
        '--enable-source-maps',
      ]),
    ).toEqual(['--max-old-space-size=4096', '--enable-source-maps']);
  });
});
