import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../workspace/db/database';
import { migrate, migrationFiles } from '../../workspace/db/migrate';
import { startWorkspace } from '../../workspace/server';
import { DATABASES, freshPostgresDatabase, startTestWorkspace } from './harness';

/**
 * A rolling upgrade on a PostgreSQL server: one process migrates while another keeps answering, and is
 * writing its daily backup (one repeatable-read transaction that reads every table, minutes long on a
 * big workspace). Migration 016 drops an index of insight_facts, which needs that table to itself.
 */
describe('a migration while another process reads the tables (PostgreSQL)', () => {
  const open: Array<{ end(): Promise<void> } | Database> = [];
  afterEach(async () => {
    for (const item of open.splice(0).reverse())
      await ('close' in item ? item.close() : item.end()).catch(() => undefined);
  });

  const client = async (url: string) => {
    const connection = new pg.Client({ connectionString: url });
    await connection.connect();
    open.push(connection);
    return connection;
  };

  it('does not stop the other connections while it waits, and applies once the backup ends', async () => {
    const url = await freshPostgresDatabase();
    const db = await openDatabase({ databaseUrl: url, dataDir: null });
    open.push(db);
    await migrate(db, { upTo: '015_ingest_items_by_position.sql' });

    // The other process's backup: its snapshot, and its share of every table it read, held.
    const backup = await client(url);
    await backup.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await backup.query('SELECT count(*) FROM insight_facts');

    const said: string[] = [];
    const migrating = migrate(db, { lockWaitMs: 200, retryPauseMs: 300, log: (line) => said.push(line) });
    let done = false;
    void migrating.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(done).toBe(false);

    // A request of a third process while the migration waits: answered at once, not after the backup.
    const request = await client(url);
    for (let n = 0; n < 5; n++) {
      const started = Date.now();
      await request.query('INSERT INTO insight_facts SELECT * FROM insight_facts WHERE false');
      await request.query('SELECT count(*) FROM insight_facts');
      expect(Date.now() - started).toBeLessThan(600);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(done).toBe(false);

    await backup.query('COMMIT');
    const applied = await migrating;
    expect(applied).toEqual(migrationFiles().filter((file) => file > '015_ingest_items_by_position.sql'));
    expect(said[0]).toMatch(
      /^workspace: the migration waits for a table that another connection is using \(the oldest transaction open, process \d+, began \d+ s ago: SELECT count\(\*\) FROM insight_facts\); trying again in \d+ s/,
    );
    const [index] = await db.query<{ name: string | null }>(
      "SELECT to_regclass('insight_facts_rep')::text AS name",
    );
    expect(index?.name).toBeNull();
  });
});

describe('a database a newer version migrated', () => {
  it.each(DATABASES)(
    'is served by this version, which says which migrations it does not know (%s)',
    async (kind) => {
      const ws = await startTestWorkspace(kind);
      await ws.db.query("INSERT INTO schema_migrations (version) VALUES ('999_from_a_newer_version.sql')");
      await ws.close();
      const said: string[] = [];
      const again = await startWorkspace({
        dataDir: ws.dataDir,
        ...(ws.databaseUrl ? { databaseUrl: ws.databaseUrl } : {}),
        port: 0,
        log: (line) => said.push(line),
      });
      try {
        expect(said.join('\n')).toMatch(
          /upgraded by a newer version of the Sameroom workspace \(migrations 999_from_a_newer_version\.sql\)/,
        );
        expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
      } finally {
        await again.close();
        rmSync(ws.dataDir, { recursive: true, force: true });
      }
    },
  );
});
