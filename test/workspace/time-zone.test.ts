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
});
