import { mkdirSync, utimesSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { explainServerProblem, serverOf, startingUp } from './server-problems';

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
 * The database cannot answer now: the embedded one stopped on an error it cannot go on from (a full
 * disk, an I/O error) and opens again by itself once it can. The request that met it stored nothing.
 */
export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
  constructor(
    message: string,
    /** It stopped because its disk is full: it opens again only once there is room. */
    readonly diskFull: boolean,
  ) {
    super(message);
  }
}

/**
 * PostgreSQL's error classes after which PGlite cannot go on: 53, insufficient resources (53100, disk
 * full), and 58, system errors (58030, I/O). Measured: after a 53100 on its write-ahead log, PGlite's
 * next statement, even `SELECT 1`, spun its thread at 100 % for good, so every request waited forever,
 * freeing the disk changed nothing, and the workspace could not be stopped but by SIGKILL.
 */
const FATAL_ERROR_CLASS = /^5[38]/;

/**
 * How long after a stop the embedded database is opened again; after each attempt that fails (a disk
 * gone read-only), twice as long, up to REOPEN_AT_MOST_MS.
 */
export const REOPEN_EVERY_MS = 2_000;
const REOPEN_AT_MOST_MS = 60_000;
/**
 * A database open again for less than this before it stopped again counts as an attempt that failed:
 * a fault `roomToOpen` cannot see (a quota, a failing disk) made it open, stop and open again every
 * two seconds, replaying its log each time and saying so in the log.
 */
const STAYS_OPEN_MS = 60_000;
/**
 * How long opening the folder again may take (PGlite replays its log) before that attempt is given up
 * and its thread ended: an open that met the full disk again could spin for good, and with it every
 * later attempt and the server's stop.
 */
export const REOPEN_TIMEOUT_MS = 120_000;

interface ThreadAnswer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; code?: string };
}

/** One PGlite thread: calls to it, and how to end it. */
interface PgliteThread {
  ask<T>(message: Record<string, unknown>): Promise<T>;
  /** Ends the thread at once, even mid-statement: every call waiting on it, and every later one, fails with `reason`. */
  stop(reason: Error): Promise<void>;
  /** Closes PGlite (its files as a clean shutdown leaves them) and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts PGlite on a thread of its own and waits until it is open. An answer in a fatal error class
 * stops the thread before anything else runs on it; `fatal` words the reason the call and every other
 * one waiting then fail with.
 */
async function startThread(
  dataDir: string | null,
  fatal: (error: Error) => Error,
  opening: { withinMs?: number; signal?: AbortSignal } = {},
): Promise<PgliteThread> {
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
  const stop = async (reason: Error) => {
    failAll(reason);
    await thread.terminate();
  };
  thread.on('message', (message: ThreadAnswer) => {
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if (waiting.size === 0) thread.unref();
    if (message.ok) return call?.resolve(message.value);
    const error = errorFrom(message.error!);
    if (message.id !== 0 && !gone && FATAL_ERROR_CLASS.test(message.error?.code ?? '')) {
      const reason = fatal(error);
      call?.reject(reason);
      void stop(reason);
    } else call?.reject(error);
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
  // Id 0 is the thread's answer once PGlite is open (or could not be), unless the opening is given up
  // first: it took longer than `withinMs`, or `signal` said to stop.
  let slow: NodeJS.Timeout | undefined;
  const { withinMs, signal } = opening;
  const givenUp = () => failAll(new Error('the database was closed while it opened'));
  try {
    signal?.throwIfAborted();
    signal?.addEventListener('abort', givenUp);
    if (withinMs !== undefined)
      slow = setTimeout(
        () => failAll(new Error(`the database did not open within ${withinMs / 1000} s`)),
        withinMs,
      );
    await ask({}, 0);
  } catch (error) {
    await thread.terminate();
    throw error;
  } finally {
    clearTimeout(slow);
    signal?.removeEventListener('abort', givenUp);
  }
  return {
    ask,
    stop,
    async close() {
      if (gone) return;
      await ask({ op: 'close' });
      await stop(new Error('the database is closed'));
    },
  };
}

/**
 * PGlite on a worker thread of its own (./pglite-thread.mjs): its WebAssembly runs beside the thread that
 * parses, checks and answers requests instead of taking turns with it. Transactions stay as they were
 * in one thread: the thread holds PGlite's transaction open (and with it PGlite's lock) until the work
 * given here ends, so its statements run alone and in order. If the thread dies, every call waiting on
 * it fails with the reason, and so does every later call.
 *
 * After an error PGlite cannot go on from (FATAL_ERROR_CLASS: a full disk), its thread is ended at once
 * and every call fails fast with DatabaseUnavailable; the folder is opened again after REOPEN_EVERY_MS
 * (PGlite replays its log, as after a kill) once `roomToOpen` says there is room, and calls go on.
 */
async function openPglite(dataDir: string | null, options: DatabaseOptions = {}): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? (() => undefined);
  let broken: DatabaseUnavailable | null = null;
  /** Attempts to open again that failed, or ended in a stop within STAYS_OPEN_MS: the wait doubles. */
  let failedAttempts = 0;
  let closed = false;
  /** Gives up an opening under way when the database is closed. */
  const closing = new AbortController();
  /** Said once until the database is open again. */
  let saidNotOpened = false;
  let reopening: Promise<void> | null = null;
  let retry: NodeJS.Timeout | undefined;
  let openedAt = Date.now();
  /**
   * Asks the system whether the data folder's disk has become read-only (a disk remounted after errors)
   * and, if so, says it to `options.diskReadOnly` at once: nothing can be stored any more, and the server
   * stops rather than answer every write until its lock's update fails too, 30 s later. The folder's own
   * times are touched to ask, since ext4's emergency read-only leaves the mount saying "rw" and
   * access(2) saying yes.
   */
  const askDisk = () => {
    if (!dataDir || !options.diskReadOnly) return;
    try {
      const now = new Date();
      utimesSync(dataDir, now, now);
    } catch (refused) {
      if ((refused as NodeJS.ErrnoException).code === 'EROFS') options.diskReadOnly(refused as Error);
    }
  };
  const fatal = (error: Error): Error => {
    if (broken) return broken;
    // An I/O error (class 58) is what a failing disk gives first, before the system makes it read-only.
    askDisk();
    if (Date.now() - openedAt < STAYS_OPEN_MS) failedAttempts++;
    else failedAttempts = 0;
    const diskFull = (error as { code?: string }).code === '53100';
    broken = new DatabaseUnavailable(
      diskFull
        ? `The workspace's disk is full: its database could not write (${error.message}). Nothing more is stored until space is freed where its data is kept; it then goes on by itself, and verdicts wait in the reps' outboxes meanwhile.`
        : `The workspace's database stopped on an error (${error.message}); it is opened again in a moment.`,
      diskFull,
    );
    log(`workspace: ${broken.message}`);
    // In memory (tests) there is nothing to open again: a new one would be empty.
    if (dataDir) scheduleReopen();
    return broken;
  };
  const scheduleReopen = () => {
    clearTimeout(retry);
    retry = setTimeout(
      () => {
        reopening = reopen()
          .catch((error) => log(`workspace: reopening the database failed (${firstLine(error)}).`))
          .finally(() => {
            reopening = null;
          });
      },
      Math.min(REOPEN_EVERY_MS * 2 ** failedAttempts, REOPEN_AT_MOST_MS),
    );
    retry.unref();
  };
  const reopen = async () => {
    if (closed || !broken) return;
    if (options.roomToOpen && !options.roomToOpen()) return scheduleReopen();
    // The stopped thread has ended (stop terminates it): one PGlite on the folder at a time.
    await current.stop(broken);
    try {
      const thread = await startThread(dataDir, fatal, {
        withinMs: REOPEN_TIMEOUT_MS,
        signal: closing.signal,
      });
      if (closed) return await thread.close();
      current = thread;
      broken = null;
      openedAt = Date.now();
      saidNotOpened = false;
      log('workspace: the database is open again; storing goes on.');
    } catch (error) {
      if (closed) return;
      // Said the first time; then tried again less and less often, without a line each time.
      if (!saidNotOpened)
        log(`workspace: the database could not be opened again (${firstLine(error)}); trying again.`);
      saidNotOpened = true;
      failedAttempts++;
      scheduleReopen();
    }
  };
  let current = await startThread(dataDir, fatal);
  /** The thread to call, or why there is none now. */
  const live = (): PgliteThread => {
    if (closed) throw new Error('the database is closed');
    if (broken) throw broken;
    return current;
  };
  /**
   * A call that failed on a folder the system has made read-only: PostgreSQL words a file it may not
   * write as 42501 (an I/O error, class 58, stops the thread and is asked about in `fatal`).
   */
  const watched = <T>(call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      if ((error as { code?: string }).code === '42501') askDisk();
      throw error;
    });
  const sql = (thread: () => PgliteThread, tx?: number): Sql => ({
    query: async <Row>(text: string, params: unknown[] = []) =>
      watched(thread().ask<Row[]>({ op: 'query', text, params, tx })),
    async exec(text: string) {
      await watched(thread().ask({ op: 'exec', text, tx }));
    },
  });
  return {
    kind: 'pglite',
    ...sql(live),
    async transaction(work) {
      // A transaction stays on the thread it began on: if that one is stopped, its calls fail.
      const thread = live();
      const tx = await thread.ask<number>({ op: 'begin' });
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(sql(() => thread, tx));
      } catch (error) {
        await thread.ask({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw error;
      }
      await watched(thread.ask({ op: 'end', tx, commit: true }));
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      closing.abort();
      await reopening;
      if (broken) await current.stop(broken);
      else await current.close();
    },
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
}

/** What the database is told of the process around it. */
export interface DatabaseOptions {
  /** Said when the database stops on a full disk (or another fatal error), and when it is open again. */
  log?: (line: string) => void;
  /** PGlite: false while the disk is too full to open the database again (../disk-space.ts). */
  roomToOpen?: () => boolean;
  /** PGlite: told when a call failed on a data folder the system has made read-only (EROFS). */
  diskReadOnly?: (error: Error) => void;
  /** PostgreSQL server: how long a start waits for a server that is not up yet (30 s). */
  connectWaitMs?: number;
}

/**
 * Connects once before the pool is made, so that a server that cannot be used is said in words that
 * name the fix (./server-problems.ts), and a server still starting (a container started beside the
 * workspace, a database restarting) is waited for, up to `connectWaitMs` (30 s), rather than failing the
 * start. A host that never answers is given up after 10 s a try.
 */
async function firstConnection(url: string, options: DatabaseOptions): Promise<void> {
  const deadline = Date.now() + (options.connectWaitMs ?? 30_000);
  let said = false;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      return;
    } catch (error) {
      if (!startingUp(error) || Date.now() >= deadline) throw explainServerProblem(error, url) ?? error;
      if (!said) options.log?.(`workspace: waiting for the PostgreSQL server at ${serverOf(url).where}…`);
      said = true;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Connections the workspace keeps to a PostgreSQL server, per process. */
const POOL_SIZE = 10;

/** The server ended the session (administrator command, crash, shutdown): what was running is rolled back. */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03']);

/** A statement that did not run: its connection was ended by the server, or known dead before it went. */
function endedBeforeRun(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return SESSION_ENDED.has(String(code)) || /is not queryable/i.test(String(message));
}

/** The connection itself failed (ended by the server, reset, closed), not the statement. */
function connectionLost(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    endedBeforeRun(error) ||
    ['ECONNRESET', 'EPIPE'].includes(String(code)) ||
    /Connection terminated|connection error/i.test(String(message))
  );
}

/** A log line said at most once a minute (the first at once): for what repeats with every request. */
function oncePerMinute(log: ((line: string) => void) | undefined): (line: string) => void {
  let saidAt = Number.NEGATIVE_INFINITY;
  return (line) => {
    if (Date.now() - saidAt < 60_000) return;
    saidAt = Date.now();
    log?.(line);
  };
}

async function openPostgres(url: string, options: DatabaseOptions = {}): Promise<Database> {
  // The server answered (or the start failed, said in words): the pool connects as it is used.
  await firstConnection(url, options);
  // UTC whatever the server or the database is set to: Insights count by UTC day and week, and the
  // filters' dates compare with instants in the session's zone (PGlite's sessions are UTC already).
  // Set on each new connection before the pool lends it (pg-pool awaits onConnect; a connection that
  // cannot take it fails the query it was opened for, with the reason), not as the `options` startup
  // parameter: PgBouncer before 1.20 (Debian 12's, and many hosted poolers') refuses a connection that
  // sends one, so the workspace could not start behind it. PgBouncer tracks TimeZone and sets it again
  // on each server connection it lends this client, in transaction pooling too. (Set from the pool's
  // 'connect' event instead, it raced the first query: pg warns of a query sent while another runs.)
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    onConnect: async (client) => {
      await client.query("SET TIME ZONE 'UTC'");
    },
  });
  // An idle connection the server ends (its restart or upgrade, a failover, pg_terminate_backend, a
  // proxy's idle timeout) is an 'error' event of the pool, which drops it and connects anew at the next
  // query. Unheard, that event ended the workspace's process: a managed database's maintenance window
  // stopped the team's workspace. Said in the log once a minute.
  const sayIdleLost = oncePerMinute(options.log);
  pool.on('error', (error) => {
    sayIdleLost(
      `workspace: the database server closed an idle connection (${error.message}); the next request connects again.`,
    );
  });
  const sayDiskFull = oncePerMinute(options.log);
  /**
   * A full disk on the server (53100) fails the statement whole, and the server goes on once space is
   * freed: said as DatabaseUnavailable, as the embedded database's is, and in the log once a minute
   * rather than with the statement's text at each request.
   */
  const told = (error: unknown): unknown => {
    // A privilege the role lacks (a managed database's role that may not create in schema public).
    if ((error as { code?: unknown }).code === '42501') return explainServerProblem(error, url) ?? error;
    if ((error as { code?: unknown }).code !== '53100') return error;
    const { message } = error as Error;
    sayDiskFull(`workspace: the database server's disk is full: ${message}`);
    return new DatabaseUnavailable(
      `The workspace's database server has no disk space left (${message}): nothing was stored, and verdicts wait in the reps' outboxes until space is freed.`,
      true,
    );
  };
  /**
   * A statement on a connection the server had ended (its restart, a failover, `pg_terminate_backend`)
   * while the pool held it idle: the pool hears of the end only when the connection's socket is read, so
   * after a restart a request could be lent a dead one and be answered 500 with the server back up. Made
   * again on another connection when the server said it ended the connection (57P01-57P03: it ran
   * nothing of the statement, or rolled it back) or the connection was known dead before it was sent;
   * the pool drops the dead one, and each of its idle ones may have been ended by the same restart.
   */
  const again = async <T>(run: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (attempt > POOL_SIZE || !endedBeforeRun(error)) throw told(error);
      }
    }
  };
  return {
    kind: 'postgres',
    query: <Row>(text: string, params: unknown[] = []) =>
      again(async () => (await pool.query(text, params)).rows as Row[]),
    exec: (text: string) =>
      again(async () => {
        await pool.query(text);
      }),
    async transaction(work) {
      // A connection found dead at BEGIN ran nothing: another one is taken (each of the pool's idle ones
      // may have been ended by the same restart).
      let client = await pool.connect();
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query('BEGIN');
          break;
        } catch (error) {
          client.release(error as Error);
          if (attempt > POOL_SIZE || !connectionLost(error)) throw told(error);
          client = await pool.connect();
        }
      }
      try {
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
        throw told(error);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Opens the database (openDatabase) and asks it once: one that opens but cannot answer is closed
 * again, and its error thrown. A server's start and a CLI command without a server both open so.
 */
export async function openAnswering(
  options: { databaseUrl?: string | undefined; dataDir: string | null } & DatabaseOptions,
): Promise<Database> {
  const db = await openDatabase(options);
  try {
    await db.query('SELECT 1');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

/** A real server when `databaseUrl` is given, else PGlite in `dataDir` (in memory when null: tests). */
export function openDatabase(
  options: {
    databaseUrl?: string | undefined;
    dataDir: string | null;
  } & DatabaseOptions,
): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options)
    : openPglite(options.dataDir, options);
}
