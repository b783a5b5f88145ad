import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Database } from './db/database';

/** Tables in the order a restore fills them (parents before children), with the key a dump pages by. */
const TABLES: Array<[table: string, key: string]> = [
  ['schema_migrations', 'version'],
  ['workspace', 'id'],
  ['members', 'id'],
  ['tokens', 'hash'],
  ['codes', 'hash'],
  ['sessions', 'hash'],
  ['rate_limits', 'key, window_start'],
  ['briefs', 'id'],
  ['feedback', 'id'],
  ['replies', 'id'],
  ['lead_latest', 'lead_key'],
  ['verdict_counts', 'campaign_key, region, verdict'],
  ['seller_wins', 'campaign_key, member_id'],
  ['webhook_queue', 'id'],
];
const PAGE = 5_000;

/**
 * Writes every table as JSON lines: a header, then `{"table": …, "rows": [...]}` pages. The same file
 * restores into PGlite or a PostgreSQL server.
 */
export async function backup(db: Database, file: string): Promise<{ rows: number }> {
  const out = createWriteStream(file, { mode: 0o600 });
  const write = async (line: unknown) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  let total = 0;
  await write({ format: 'sameroom-backup', version: 1, createdAt: new Date().toISOString() });
  for (const [table] of TABLES) {
    for (let offset = 0; ; offset += PAGE) {
      const rows = await db.query<{ row: unknown }>(
        `SELECT row_to_json(t) AS row FROM (SELECT * FROM ${table} ORDER BY ${TABLES.find(([t]) => t === table)![1]} LIMIT ${PAGE} OFFSET ${offset}) t`,
      );
      if (rows.length === 0) break;
      total += rows.length;
      await write({ table, rows: rows.map((r) => r.row) });
      if (rows.length < PAGE) break;
    }
  }
  out.end();
  await once(out, 'finish');
  return { rows: total };
}

/** Restores a backup into an empty database (one whose workspace is not yet set up), in one transaction. */
export async function restore(db: Database, file: string): Promise<{ rows: number }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  return db.transaction(async (tx) => {
    const [existing] = await tx.query('SELECT 1 FROM workspace');
    if (existing)
      throw new Error(
        'This database already holds a workspace: restore into an empty data folder or database.',
      );
    await tx.query('DELETE FROM schema_migrations');
    let header = false;
    let total = 0;
    for await (const line of lines) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line) as { format?: string; table?: string; rows?: unknown[] };
      if (!header) {
        if (entry.format !== 'sameroom-backup') throw new Error('This file is not a Sameroom backup.');
        header = true;
        continue;
      }
      if (!entry.table || !TABLES.some(([t]) => t === entry.table) || !Array.isArray(entry.rows)) {
        throw new Error('This backup has a line that is not a table page; it may be damaged.');
      }
      await tx.query(
        `INSERT INTO ${entry.table} SELECT * FROM json_populate_recordset(null::${entry.table}, $1)`,
        [JSON.stringify(entry.rows)],
      );
      total += entry.rows.length;
    }
    if (!header) throw new Error('This file is empty or not a Sameroom backup.');
    await tx.query(
      "SELECT setval(pg_get_serial_sequence('webhook_queue', 'id'), coalesce((SELECT max(id) FROM webhook_queue), 0) + 1, false)",
    );
    return { rows: total };
  });
}
