import { repeatEvery } from '../repeat';
import { type Database, DatabaseUnavailable, type Sql } from './database';

/** A table to analyze, and whether to vacuum it too. */
export interface TableDue {
  table: string;
  vacuum: boolean;
}

/**
 * The tables autovacuum would see to on a PostgreSQL server, for PGlite, which runs none: its tables
 * were never analyzed, so the planner planned every statement on guesses (a lead judged again read the
 * whole of feedback: migration 018), and never vacuumed, so rows updated in place (each lead's latest
 * verdict, the counts, the workspace row) left their old versions behind for good.
 *
 * The thresholds are autovacuum's defaults: a table is analyzed once 50 rows and a tenth of it changed
 * since it last was, and vacuumed once 50 rows and a fifth of it are dead, or 1,000 rows and a fifth of
 * it were inserted since its last vacuum (which marks pages all-visible, for index-only scans).
 */
export async function tablesDue(sql: Sql): Promise<TableDue[]> {
  // A backend sends its counts to the shared statistics at most once a second, at a transaction's end,
  // and PGlite's, never idle, may hold the last second's until its next statement: this one's end sends them.
  await sql.query('SELECT pg_stat_force_next_flush()');
  const rows = await sql.query<{ table: string; analyze: boolean; vacuum: boolean }>(
    `SELECT relname AS table,
            n_mod_since_analyze > 50 + 0.1 * n_live_tup AS analyze,
            n_dead_tup > 50 + 0.2 * n_live_tup OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup AS vacuum
       FROM pg_stat_user_tables
      WHERE schemaname = current_schema() AND relname ~ '^[a-z_][a-z0-9_]*$'
      ORDER BY relname`,
  );
  return rows.filter((row) => row.analyze || row.vacuum).map(({ table, vacuum }) => ({ table, vacuum }));
}

/** Vacuums and analyzes the tables due, one statement each (PGlite runs one at a time): what it did. */
export async function maintainTables(db: Database): Promise<TableDue[]> {
  const due = await tablesDue(db);
  // Our own tables' names, all lower case letters and underscores, written as they are.
  for (const { table, vacuum } of due) await db.exec(`${vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE'} "${table}"`);
  return due;
}

/** How often PGlite's tables are looked at: autovacuum's own nap between rounds. */
export const MAINTENANCE_EVERY_MS = 60_000;

/**
 * Keeps PGlite's tables analyzed and vacuumed while the workspace runs; a PostgreSQL server has its
 * own autovacuum. A round that fails is said and the next one tries again. The returned function stops
 * it, after the round under way.
 */
export function scheduleMaintenance(
  db: Database,
  log: (line: string) => void,
  everyMs = MAINTENANCE_EVERY_MS,
  /** True while the disk is nearly full: a vacuum writes, so the round is skipped. */
  paused: () => boolean = () => false,
): () => Promise<void> {
  if (db.kind !== 'pglite') return async () => undefined;
  return repeatEvery(async () => {
    if (paused()) return;
    await maintainTables(db).catch((error: unknown) =>
      // A database that stopped (a full disk) says so once itself.
      error instanceof DatabaseUnavailable
        ? undefined
        : log(
            `workspace: vacuuming and analyzing the database failed (tried again at the next round): ${error instanceof Error ? error.message : String(error)}`,
          ),
    );
  }, everyMs);
}
