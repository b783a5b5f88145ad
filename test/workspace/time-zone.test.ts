import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../workspace/db/database';
import { freshPostgresDatabase } from './harness';

/**
 * Days and weeks are UTC everywhere: the Insights tables count by UTC day and week, and the filters
 * compare dates with instants in the session's time zone. A PostgreSQL server set to another zone
 * (its own config, or the database's) made a lead count or not depending on other leads; the
 * workspace's connections now ask for UTC whatever the server says.
 */
describe('the time zone of the workspace’s PostgreSQL connections', () => {
  const pools: Database[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('is UTC on a database whose own setting says otherwise', async () => {
    const databaseUrl = await freshPostgresDatabase();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const [{ name }] = (await admin.query<{ name: string }>('SELECT current_database() AS name')).rows as [
        { name: string },
      ];
      await admin.query(`ALTER DATABASE "${name}" SET timezone TO 'America/New_York'`);
    } finally {
      await admin.end();
    }
    const db = await openDatabase({ databaseUrl, dataDir: '' });
    pools.push(db);
    const rows = await db.query<{ zone: string; day: string }>(
      "SELECT current_setting('TimeZone') AS zone, (timestamptz '2026-03-11T02:00:00Z')::date::text AS day",
    );
    expect(rows[0]).toEqual({ zone: 'UTC', day: '2026-03-11' });
  });

  it('is set before a new connection takes its first query: no warning in the log', async () => {
    // Set from the pool's 'connect' event, the SET raced the query the connection was opened for, and
    // every start said "DeprecationWarning: Calling client.query() when the client is already executing
    // a query". In a process of its own: Node says a deprecation once per process.
    const databaseUrl = await freshPostgresDatabase();
    const script = `
      import { openDatabase } from './workspace/db/database.ts';
      const db = await openDatabase({ databaseUrl: process.env.URL, dataDir: '' });
      const zones = await Promise.all([1, 2, 3, 4].map(() => db.query("SELECT current_setting('TimeZone') AS zone")));
      console.log(JSON.stringify(zones.map((rows) => rows[0].zone)));
      await db.close();`;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { env: { ...process.env, URL: databaseUrl } },
    );
    expect(JSON.parse(stdout)).toEqual(['UTC', 'UTC', 'UTC', 'UTC']);
    expect(stderr).toBe('');
  });
});
