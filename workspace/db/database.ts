import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';

/** Something that runs SQL: the database itself, or one transaction on it. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements without parameters (a migration file), through the simple query protocol. */
  exec(text: string): Promise<void>;
}

/**
 * The advisory locks that make processes starting together on one database take turns: one table of
 * them, so no two uses share a number.
 */
export const ADVISORY_LOCK = {
  /** Applying migrations (./migrate.ts). */
  migrations: 4242001,
  /** Making the workspace and its first admin on an empty database (../domain/workspace.ts). */
  firstStart: 4242002,
  /** Adding a member, so that two added at once cannot both take one name (../domain/workspace.ts). */
  memberNames: 4242003,
} as const;

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

/** An error from the database thread, with the fields PostgreSQL reported (code, detail, ...). */
function errorFrom(plain: { name: string; message: string }): Error {
  return Object.assign(new Error(plain.message), plain);
}

interface ThreadAnswer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
}

/**
 * Node's flags for the database thread: without those that load code into every thread (--import,
 * --require, --loader) and --input-type, which only a script given as text may carry (a thread started
 * under `node --input-type=module -e …` would refuse to start with it).
 */
export function threadFlags(flags: string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < flags.length; index++) {
    const flag = flags[index]!;
    const name = flag.split('=')[0]!;
    if (!['--import', '--require', '-r', '--loader', '--experimental-loader', '--input-type'].includes(name))
      kept.push(flag);
    else if (!flag.includes('=')) index++; // its value is the next one
  }
  return kept;
}

/**
 * PGlite on a worker thread of its own (./pglite-thread.mjs): its WebAssembly runs beside the thread that
 * parses, checks and answers requests instead of taking turns with it. Transactions stay as they were
 * in one thread: the thread holds PGlite's transaction open (and with it PGlite's lock) until the work
 * given here ends, so its statements run alone and in order. If the thread dies, every call waiting on
 * it fails with the reason, and so does every later call.
 */
async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const thread = new Worker(new URL('./pglite-thread.mjs', import.meta.url), {
    workerData: { dataDir },
    // Plain JavaScript: the loaders the process runs under (tsx, vitest) would cost each thread ~80 ms.
    execArgv: threadFlags(process.execArgv),
  });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let gone: Error | null = null;
  const failAll = (error: Error) => {
    gone ??= error;
    for (const call of waiting.values()) call.reject(gone);
    waiting.clear();
  };
  thread.on('message', (message: ThreadAnswer) => {
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if (waiting.size === 0) thread.unref();
    if (message.ok) call?.resolve(message.value);
    else call?.reject(errorFrom(message.error!));
  });
  thread.on('error', (error) => failAll(error));
  thread.on('exit', (code) => failAll(new Error(`the database thread stopped (exit code ${code})`)));
  const ask = <T>(message: Record<string, unknown>, id = nextId++): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (gone) return reject(gone);
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // The process stays alive while a call waits for the thread, and only then.
      thread.ref();
      if (id !== 0) thread.postMessage({ ...message, id });
    });
  // Id 0 is the thread's answer once PGlite is open (or could not be).
  try {
    await ask({}, 0);
  } catch (error) {
    await thread.terminate();
    throw error;
  }
  const sql = (tx?: number): Sql => ({
    query: <Row>(text: string, params: unknown[] = []) => ask<Row[]>({ op: 'query', text, params, tx }),
    async exec(text: string) {
      await ask({ op: 'exec', text, tx });
    },
  });
  return {
    kind: 'pglite',
    ...sql(),
    async transaction(work) {
      const tx = await ask<number>({ op: 'begin' });
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(sql(tx));
      } catch (error) {
        await ask({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw error;
      }
      await ask({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (gone) return;
      await ask({ op: 'close' });
      gone = new Error('the database is closed');
      await thread.terminate();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  // UTC whatever the server or the database is set to: Insights count by UTC day and week, and the
  // filters' dates compare with instants in the session's zone (PGlite's sessions are UTC already).
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c TimeZone=UTC' });
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
