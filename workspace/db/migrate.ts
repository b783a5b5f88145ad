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

/**
 * The migrations `migrate` would apply, on a database that already holds a workspace (empty on a new
 * database): a backup is written before they run.
 */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const [table] = await db.query<{ name: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS name",
  );
  if (!table?.name) return [];
  const done = new Set(
    (await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  return migrationFiles().filter((file) => !done.has(file));
}

/**
 * Applies the versioned migrations not yet applied, in order, in one transaction: all of them or none. The same
 * files run on PGlite and on a PostgreSQL server. Several instances starting at once take turns
 * through an advisory lock.
 */
export async function migrate(db: Database, options: { upTo?: string } = {}): Promise<string[]> {
  return db.transaction((tx) => migrateIn(tx, options));
}

/**
 * `migrate` inside a transaction the caller holds (a restore's, which must move the schema and put the
 * rows back as one step). The advisory lock is held until that transaction ends.
 */
export async function migrateIn(tx: Sql, options: { upTo?: string } = {}): Promise<string[]> {
  // `upTo` leaves a database as an older version did (tests of what happens when it is upgraded).
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
