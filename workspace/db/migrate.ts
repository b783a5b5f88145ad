import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADVISORY_LOCK, type Database, type Sql } from './database';

const MIGRATIONS = join(import.meta.dirname, 'migrations');

/** The migrations, in the order they apply: their file names are their versions. */
export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort();
}

/** A migration's SQL. */
export function migrationText(file: string): string {
  return readFileSync(join(MIGRATIONS, file), 'utf8');
}

/** The migrations applied to this database, in order; null on a new one (no workspace yet). */
export async function appliedMigrations(db: Database): Promise<string[] | null> {
  const [table] = await db.query<{ name: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS name",
  );
  if (!table?.name) return null;
  return (await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).map(
    (row) => row.version,
  );
}

/**
 * The migrations `migrate` would apply, on a database that already holds a workspace (empty on a new
 * database): a backup is written before they run.
 */
export async function pendingMigrations(db: Database): Promise<string[]> {
  return pendingOf(await appliedMigrations(db));
}

/** Of this version's migrations, those not in `applied` (none on a new database). */
export function pendingOf(applied: readonly string[] | null): string[] {
  if (!applied) return [];
  const done = new Set(applied);
  return migrationFiles().filter((file) => !done.has(file));
}

/**
 * Of the migrations `applied` (appliedMigrations), those a newer version of the workspace made, which
 * this version does not know (a rollback, a pinned image, an older process restarted during a rolling upgrade). Since
 * migration 015 each one keeps what the release before it calls, so a release runs on the next one's
 * schema; further back it may not (010 dropped a function 007-009 called: every verdict a 500).
 */
export function newerOf(applied: readonly string[] | null): string[] {
  const known = new Set(migrationFiles());
  return (applied ?? []).filter((version) => !known.has(version));
}

/** How a migration waits for a table another connection holds, and what it says meanwhile. */
export interface MigrateOptions {
  /** Leaves a database as an older version did (tests of what happens when it is upgraded). */
  upTo?: string;
  /** How long one of its statements may wait for a table's lock before the attempt gives way (500 ms). */
  lockWaitMs?: number;
  /** The first pause before the next attempt (1 s), doubling up to 15 s. */
  retryPauseMs?: number;
  /** Said when an attempt gave way, with the oldest open transaction (at most once in 30 s). */
  log?: (line: string) => void;
}

const LOCK_NOT_AVAILABLE = '55P03';
const LONGEST_PAUSE_MS = 15_000;

/**
 * Applies the versioned migrations not yet applied, in order, in one transaction: all of them or none. The same
 * files run on PGlite and on a PostgreSQL server. Several instances starting at once take turns
 * through an advisory lock.
 *
 * On a PostgreSQL server other processes keep answering while one migrates (a rolling upgrade), and a
 * migration that changes a table (016 drops an index of insight_facts) waits for every transaction
 * that read it: another process's backup reads every table in one transaction for minutes. Waiting,
 * its lock request stood in front of every request that used the table after it, so the whole team's
 * workspace stopped answering until the backup ended. Each statement now waits at most `lockWaitMs`
 * for a lock; then the attempt is rolled back, which lets the queue through, and made again after a
 * pause, until it gets its locks between the others' transactions.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  const lockWaitMs = options.lockWaitMs ?? 500;
  let pauseMs = options.retryPauseMs ?? 1_000;
  let saidAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    try {
      return await db.transaction(async (tx) => {
        // Another process applying the same migrations is waited for as long as it takes (then there is
        // nothing left to do): only the tables' locks are bounded.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.migrations]);
        await tx.query("SELECT set_config('lock_timeout', $1, true)", [`${lockWaitMs}ms`]);
        return migrateIn(tx, options);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw error;
      if (Date.now() - saidAt >= 30_000) {
        saidAt = Date.now();
        options.log?.(
          `workspace: the migration waits for a table that another connection is using${await oldestTransaction(db)}; trying again in ${Math.round(pauseMs / 1000)} s, while requests go on being answered.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS);
    }
  }
}

/** The oldest transaction open on the server, in words (" (the oldest transaction open, process 7, began 42 s ago: SELECT …)"). */
async function oldestTransaction(db: Database): Promise<string> {
  try {
    const [oldest] = await db.query<{ pid: number; seconds: number; query: string }>(
      `SELECT pid, extract(epoch FROM now() - xact_start)::int AS seconds, left(query, 80) AS query
         FROM pg_stat_activity
        WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()
        ORDER BY xact_start LIMIT 1`,
    );
    return oldest
      ? ` (the oldest transaction open, process ${oldest.pid}, began ${oldest.seconds} s ago: ${oldest.query.replace(/\s+/g, ' ')})`
      : '';
  } catch {
    return '';
  }
}

/**
 * `migrate` inside a transaction the caller holds (a restore's, which must move the schema and put the
 * rows back as one step). The advisory lock is held until that transaction ends.
 */
export async function migrateIn(tx: Sql, options: Pick<MigrateOptions, 'upTo'> = {}): Promise<string[]> {
  const files = migrationFiles().filter((file) => !options.upTo || file <= options.upTo);
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.migrations]);
  await tx.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const done = new Set(
    (await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    await tx.exec(migrationText(file));
    await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
    applied.push(file);
  }
  return applied;
}
