import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Something that runs SQL: the database itself, or one transaction on it. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements without parameters (a migration file), through the simple query protocol. */
  exec(text: string): Promise<void>;
}

/** PostgreSQL, embedded (PGlite in a data folder) or a real server: one dialect, one interface. */
export interface Database extends Sql {
  kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: all of it commits, or none of it. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 (counts, sequence numbers) as JS numbers, not strings: none of ours nears 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dataDir ?? undefined);
  const wrap = (runner: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<Row>(text: string, params: unknown[] = []) {
      return (await runner.query<Row>(text, params)).rows;
    },
    async exec(text: string) {
      await runner.exec(text);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    close: () => db.close(),
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    async query<Row>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as Row[];
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(text: string, params: unknown[] = []) =>
            (await client.query(text, params)).rows as Row[],
          exec: async (text: string) => {
            await client.query(text);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** A real server when `databaseUrl` is given, else PGlite in `dataDir` (in memory when null: tests). */
export function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string | null;
}): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}
