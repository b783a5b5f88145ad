import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Context } from 'hono';
import { createApp } from './app';
import { firstAdminLines } from './auth/codes';
import {
  type BackupPolicy,
  DEFAULT_BACKUP_POLICY,
  listBackups,
  scheduleBackups,
  writeAutomaticBackup,
} from './backups';
import { clientAddressReader, normalizeAddress, type TrustProxy } from './client-address';
import { Command, runCommand } from './commands';
import {
  claimDataFolder,
  controlSocket,
  type DataFolderClaim,
  refuseUnreachableSocket,
  SOCKET_NAME,
  stopOnFolderLost,
} from './data-folder';
import { type Database, DatabaseUnavailable, openAnswering } from './db/database';
import { MAINTENANCE_EVERY_MS, scheduleMaintenance } from './db/maintenance';
import { appliedMigrations, migrate, newerOf, pendingOf } from './db/migrate';
import { DatabaseServerProblem } from './db/server-problems';
import { type DiskSpace, diskSpace } from './disk-space';
import { warmIngest } from './domain/ingest';
import { createWorkspaceIfEmpty, joinUrl } from './domain/workspace';
import { ApiError } from './errors';
import { forgetOldWindows } from './rate-limit';
import { repeatEvery } from './repeat';
import type { WorkspaceConfig } from './routes';
import { deliverWebhooks, expiredLine, forgetGivenUp, WEBHOOK_TRIES } from './webhook';

/** How long the requests under way get to finish when the workspace stops. */
const STOP_DRAIN_MS = 5_000;
/** How long a proxy's idle connection is kept open: above the 60 s idle timeouts of common balancers. */
const PROXY_KEEP_ALIVE_MS = 65_000;

export interface ServeOptions {
  /** The data folder: PGlite's files (without databaseUrl) and the control socket. */
  dataDir: string;
  /** null: an in-memory PGlite (tests) */
  databaseUrl?: string | undefined;
  /** How long a start waits for a PostgreSQL server that is not up yet (30 s). */
  databaseWaitMs?: number;
  inMemory?: boolean;
  port: number;
  host?: string;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /**
   * Behind reverse proxies: how many stand in front (true is one), or their addresses (CIDR allowed).
   * The client address is read from the right of X-Forwarded-For, never its client-written left end.
   */
  trustProxy?: TrustProxy;
  /** Webhooks may reach loopback, private and link-local addresses (default false). */
  allowLocalWebhooks?: boolean;
  /** Tokens unused for this many days stop working (default 90). */
  tokenMaxIdleDays?: number;
  /** How join links start; by default the address this server answers at. */
  publicUrl?: string | undefined;
  linkAttempts?: { limit: number; windowSeconds: number };
  /** API requests per bearer token (and per dashboard member) in a window (default 600 a minute). */
  tokenRequests?: { limit: number; windowSeconds: number };
  /** Failed sign-ins per client address (default 60 a minute). */
  failedSignIns?: { limit: number; windowSeconds: number };
  /** Open connections at most; more are closed as they come (default 500). */
  maxConnections?: number;
  /** A client must have sent its headers within this many ms (default 10 s) and its whole request within requestTimeoutMs (30 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How often the webhook queue is looked at. */
  webhookIntervalMs?: number;
  /** On PGlite, how often its tables are looked at to be analyzed and vacuumed (default a minute). */
  maintenanceEveryMs?: number;
  /**
   * On PGlite, the free space kept in hand where its files are (default 64 MB): below it, writes are
   * refused with 507 until space is freed (workspace/disk-space.ts).
   */
  minFreeDiskBytes?: number;
  /**
   * On PGlite, run ingest once on made-up verdicts, rolled back, as the server starts (default true):
   * the first real ingests after a start then run at full speed (workspace/domain/ingest.ts).
   */
  warmUp?: boolean;
  /** Printed on first start: the admin's join link. */
  log?: (line: string) => void;
  /** Automatic backups in the data folder (before migrations, and on this schedule). */
  backups?: BackupPolicy;
  /** The data folder, already claimed by the caller (npm start claims it before it builds). */
  claim?: DataFolderClaim;
  /** What the claim says holds the folder, when startWorkspace claims it. */
  role?: string;
}

/** The database could not be opened: said in plain words, with the newest backup and how to restore it. */
export class DatabaseUnreadable extends Error {
  constructor(dataDir: string, dbPath: string, reason: string) {
    const [newest] = listBackups(dataDir);
    super(
      `The database in ${dbPath} could not be opened (${reason}). Nothing in ${dataDir} was changed or removed.\n` +
        (newest
          ? `The newest backup is ${newest.file} (${newest.createdAt.toISOString()}). Restore it into a new folder and start from there:\n` +
            `  npm run workspace -- restore ${newest.file} --data ${dataDir}-restored\n` +
            `  npm run workspace -- --data ${dataDir}-restored`
          : `There is no automatic backup in ${join(dataDir, 'backups')}. If you keep backups elsewhere: npm run workspace -- restore FILE --data NEW_FOLDER`),
    );
    this.name = 'DatabaseUnreadable';
  }
}

/**
 * The database could not be opened for a reason a restore would not cure: a full disk, files this user
 * may not touch (a command run once with sudo), a disk mounted read-only. Said with what does cure it;
 * before, every failed opening advised restoring the newest backup into a new folder, which gave up
 * everything acknowledged since that backup (up to a day's verdicts) for a disk that only needed room.
 */
export class DatabaseNotOpened extends Error {
  override readonly name = 'DatabaseNotOpened';
}

const ERRNO = /\b(ENOSPC|EACCES|EPERM|EROFS)\b/;
/** PostgreSQL's own codes for the same causes (PGlite's errors carry these): disk full, permission denied. */
const SQLSTATE: Record<string, string> = { '53100': 'ENOSPC', '42501': 'EACCES' };

/** Who runs this process, by name where the system has an account entry for it, else by uid. */
function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid with no account (docker run --user 1234): userInfo() throws.
    return String(process.getuid?.() ?? 'this user');
  }
}

/** A DatabaseNotOpened for what `error` says, or null when it is no cause of that kind. */
export function openingProblem(
  error: unknown,
  dataDir: string,
  dbPath: string,
  diskLow = false,
  user?: string,
): DatabaseNotOpened | null {
  const given = (error as NodeJS.ErrnoException | undefined)?.code;
  const code = (given && (SQLSTATE[given] ?? given)) || undefined;
  const cause = [code, ERRNO.exec(firstLine(error))?.[1]].find((c) => c !== undefined && ERRNO.test(c));
  const kept = `Nothing in ${dataDir} was changed or removed, and no restore is needed.`;
  const opened = `The database in ${dbPath} could not be opened`;
  if (cause === 'EACCES' || cause === 'EPERM') {
    const who = user ?? currentUser();
    return new DatabaseNotOpened(
      `${opened}: this user (${who}) may not read or write a file in it (${firstLine(error)}); a command run as ` +
        `another user (with sudo) may have made it. Give the folder back to this user, then start again:\n` +
        `  sudo chown -R ${who} ${dataDir}\n${kept}`,
    );
  }
  if (cause === 'EROFS')
    return new DatabaseNotOpened(
      `${opened}: the disk it is on is mounted read-only (${firstLine(error)}). Make it writable, then start again. ${kept}`,
    );
  if (cause === 'ENOSPC')
    return new DatabaseNotOpened(
      `${opened}: the disk it is on is full (${firstLine(error)}). Free some space on it, then start again. ${kept}`,
    );
  // Nearly full, and a failure that does not say why: room first, and a restore only if that was not it.
  if (diskLow)
    return new DatabaseNotOpened(
      `${opened} (${firstLine(error)}) while the disk it is on is nearly full. Free some space on it, then start ` +
        `again: nothing in ${dataDir} was changed or removed. Should it still not open with room to spare, it is ` +
        `damaged: npm run workspace -- restore --data ${dataDir} lists the backups to restore into a new folder.`,
    );
  return null;
}

/** What the embedded database in `dbPath` that could not be opened is said as: its cure, or its backups. */
export function notOpened(error: unknown, dataDir: string, dbPath: string, diskLow: boolean): Error {
  return (
    openingProblem(error, dataDir, dbPath, diskLow) ??
    new DatabaseUnreadable(dataDir, dbPath, firstLine(error))
  );
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

function isLoopback(host: string): boolean {
  const bare = normalizeAddress(host);
  return LOOPBACK_NAMES.has(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** Said in one line by the CLI: the operator's flags, not a fault. */
export class PlainHttpRefused extends Error {
  override name = 'PlainHttpRefused';
}

/** Plain HTTP only on loopback, or behind a proxy that ends TLS: tokens and codes never cross a network in clear. */
function refusePlainHttpOnNetwork(options: ServeOptions): void {
  const host = options.host ?? '127.0.0.1';
  if (options.tlsCert && options.tlsKey) return;
  if (options.trustProxy || isLoopback(host)) return;
  throw new PlainHttpRefused(
    `Refusing to serve plain HTTP on ${host}: tokens would cross the network in clear. Give --tls-cert and --tls-key, or --trust-proxy behind a reverse proxy that serves HTTPS, or listen on 127.0.0.1.`,
  );
}

/**
 * A proxy trusted by its hops (`--trust-proxy`, `--trusted-proxies 1`), not by its addresses, on a port
 * the network reaches: anyone who reaches the port without going through the proxy writes
 * X-Forwarded-For and -Proto and is believed (a new address for every guess at a join code, HTTPS while
 * on plain HTTP). Said at start, as the operator's choice it may be (a container network only the proxy
 * reaches); null when nothing is at stake.
 */
function spoofableProxyHeaders(options: ServeOptions): string | null {
  const host = options.host ?? '127.0.0.1';
  const byHops = options.trustProxy === true || typeof options.trustProxy === 'number';
  if (!byHops || isLoopback(host)) return null;
  return `Warning: proxies are trusted by their number on ${host}: whoever reaches this port without going through the proxy can say any address and HTTPS in X-Forwarded-For and X-Forwarded-Proto. Let only the proxy reach the port (a firewall, a private network), or name it with --trusted-proxies <its addresses>.`;
}

/** Host values that listen on every address of the machine. */
const EVERY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

/** The host a URL names for the address listened on: localhost for every address, an IPv6 one bracketed. */
function urlHost(host: string | undefined): string {
  if (!host || EVERY_ADDRESS.has(host)) return 'localhost';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The host names a loopback server answers to: a page whose own name was rebound to 127.0.0.1 (DNS
 * rebinding) sends its name in Host and is refused. Any port: the name is what rebinding cannot forge.
 */
function allowedHosts(host: string, publicUrl: string | undefined): ReadonlySet<string> | null {
  if (!isLoopback(host)) return null;
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (publicUrl) names.add(new URL(publicUrl).hostname.toLowerCase());
  return names;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

export interface RunningWorkspace {
  url: string;
  port: number;
  db: Database;
  socketPath: string;
  /** The first admin's join link, when this start created the workspace. */
  adminJoinUrl: string | null;
  close(): Promise<void>;
}

export { SOCKET_NAME };

/**
 * The port (or socket) the workspace was told to serve on cannot be had: said as the person at the
 * terminal can act on it. Before, `npm run workspace` beside a running `npm start` (both on 8787) ended
 * with Node's "listen EADDRINUSE" and a hint to run again with --debug.
 */
export class PortUnavailable extends Error {
  override readonly name = 'PortUnavailable';
}

function unavailable(error: NodeJS.ErrnoException, port: number | string, host?: string): Error {
  if (typeof port === 'string') return error; // the CLI's socket in the data folder, claimed with it
  const where = `Port ${port} on ${host ?? '127.0.0.1'}`;
  if (error.code === 'EADDRINUSE')
    return new PortUnavailable(
      `${where} is taken by another program (another workspace, or npm start's, which serves on 8787 too?). ` +
        'Stop it, or serve on another: --port N (0: any free port).',
    );
  if (error.code === 'EACCES' && port < 1024)
    return new PortUnavailable(
      `${where} needs privileges this user does not have (ports below 1024 do). Serve on a port above 1023 ` +
        '(--port N) behind a reverse proxy (docs/deployment.md), or give Node the right to bind it.',
    );
  return error;
}

function listen(server: Server, port: number | string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(unavailable(error, port, host)));
    if (typeof port === 'string') server.listen(port, resolve);
    else server.listen(port, host, resolve);
  });
}

/**
 * Stops taking connections and closes the idle ones; the requests under way get `drainMs` to finish
 * (their connections are closed as each goes idle), then whatever is left is cut.
 */
function closeServer(server: Server, drainMs = 0): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
    if (drainMs <= 0) server.closeAllConnections();
  });
}

/**
 * Claims the data folder, binds the port (answering 503 while it starts), opens the database (saying
 * plainly when it cannot), backs it up before pending migrations, migrates it, sets up the workspace on
 * first start, and serves the API and the control socket.
 */
export async function startWorkspace(options: ServeOptions): Promise<RunningWorkspace> {
  const log = options.log ?? ((line: string) => console.log(line));
  refusePlainHttpOnNetwork(options);
  const spoofable = spoofableProxyHeaders(options);
  if (spoofable) log(spoofable);
  refuseUnreachableSocket(options.dataDir);
  // Everything we create (database files, socket, backups) is the owner's alone from the start.
  process.umask(0o077);
  const claim =
    options.claim ?? (await claimDataFolder(options.dataDir, options.role ?? 'a workspace server'));
  const cleanup: Array<() => Promise<unknown>> = [
    () => (options.claim ? Promise.resolve() : claim.release()),
  ];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    return await serve(options, log, claim, cleanup);
  } catch (error) {
    await undo();
    throw error;
  }
}

async function openOrExplain(options: ServeOptions, disk: DiskSpace | undefined): Promise<Database> {
  const dbPath = join(options.dataDir, 'db');
  try {
    return await openAnswering({
      databaseUrl: options.databaseUrl,
      dataDir: options.inMemory ? null : dbPath,
      // A full disk, said once (db/database.ts); PGlite stops and opens again once there is room.
      log: (line) => console.error(line),
      ...(disk ? { roomToOpen: () => !disk.low() } : {}),
      // The disk turned read-only under the database: stopped in the words a lost lock on it gets.
      diskReadOnly: (error) => stopOnFolderLost(options.dataDir, error),
      ...(options.databaseWaitMs === undefined ? {} : { connectWaitMs: options.databaseWaitMs }),
    });
  } catch (error) {
    if (error instanceof DatabaseServerProblem) throw error;
    if (options.databaseUrl)
      throw new Error(`The PostgreSQL server in DATABASE_URL could not be reached: ${firstLine(error)}`);
    throw notOpened(error, options.dataDir, dbPath, disk?.low() ?? false);
  }
}

async function serve(
  options: ServeOptions,
  log: (line: string) => void,
  claim: DataFolderClaim,
  cleanup: Array<() => Promise<unknown>>,
): Promise<RunningWorkspace> {
  const tls = Boolean(options.tlsCert && options.tlsKey);
  // A client that never finishes its headers (slowloris) or its body is cut off, checked every second.
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const timeouts = {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, options.requestTimeoutMs ?? 30_000),
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  const server = tls
    ? (createHttpsServer({
        ...timeouts,
        cert: readFileSync(options.tlsCert!),
        key: readFileSync(options.tlsKey!),
      }) as unknown as Server)
    : createHttpServer(timeouts);
  server.maxConnections = options.maxConnections ?? 500;
  // Behind a proxy or load balancer the connections are its own, few and reused: it keeps one idle until
  // its own timeout (AWS ALB's and nginx's upstream keepalive: 60 s) and may send a request on it just as
  // Node's 5 s close it, which the balancer answers 502 (a POST is not retried). Kept open longer than
  // theirs; direct clients, many browsers, keep Node's 5 s (test/workspace/http-limits.test.ts).
  if (options.trustProxy) server.keepAliveTimeout = PROXY_KEEP_ALIVE_MS;
  // The port first: a taken port is said before the database is touched, and a client that comes early
  // is told to come back rather than left hanging.
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
    response.end(
      JSON.stringify({
        error: { code: 'starting', message: 'The workspace is starting; try again in a moment.' },
      }),
    );
  };
  server.on('request', (request, response) => handle(request, response));
  await listen(server, options.port, options.host ?? '127.0.0.1');
  cleanup.push(() => closeServer(server));
  const port = (server.address() as AddressInfo).port;
  const ownUrl = `${tls ? 'https' : 'http'}://${urlHost(options.host)}:${port}`;
  const publicUrl = options.publicUrl ?? ownUrl;
  if (!options.publicUrl && options.host && EVERY_ADDRESS.has(options.host))
    log(
      `Note: listening on every address (${options.host}), the links this server prints (the first admin's, the CLI's invites and codes) say ${ownUrl}, which only this machine reaches: give --public-url with the address the team reaches it by. Links made in the dashboard take the address it was opened at.`,
    );
  claim.setUrl(ownUrl);

  // On PGlite the data folder's disk is the database's: its free space is watched (./disk-space.ts).
  const disk =
    options.databaseUrl || options.inMemory
      ? undefined
      : diskSpace(options.dataDir, options.minFreeDiskBytes);
  const db = await openOrExplain(options, disk);
  cleanup.push(() => db.close());
  const backups = options.backups ?? DEFAULT_BACKUP_POLICY;
  const applied = await appliedMigrations(db);
  const newer = newerOf(applied);
  if (newer.length > 0)
    log(
      `Note: this database was upgraded by a newer version of the Sameroom workspace (migrations ${newer.join(', ')}), which this one does not know. A release keeps working on the next release's schema; if requests fail, run the newer version again, or restore the backup made before that upgrade.`,
    );
  const pending = options.inMemory ? [] : pendingOf(applied);
  if (pending.length > 0) {
    const file = await writeAutomaticBackup(db, options.dataDir, 'before-migration', backups.keep);
    log(`Backed up the workspace to ${file} before migrating (${pending.join(', ')}).`);
  }
  await migrate(db, { log });

  const config: WorkspaceConfig = {
    db,
    publicUrl: (c: Context) => {
      if (options.publicUrl) return options.publicUrl;
      if (options.trustProxy) {
        const proto = c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim();
        const host = c.req.header('X-Forwarded-Host')?.split(',')[0]?.trim();
        if (proto && host) return `${proto}://${host}`;
      }
      return new URL(c.req.url).origin;
    },
    clientIp: clientAddressReader(options.trustProxy),
    https: (c: Context) =>
      tls ||
      (Boolean(options.trustProxy) &&
        c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim().toLowerCase() === 'https'),
    allowedHosts: allowedHosts(options.host ?? '127.0.0.1', options.publicUrl),
    linkAttempts: options.linkAttempts ?? { limit: 20, windowSeconds: 600 },
    tokenRequests: options.tokenRequests ?? { limit: 600, windowSeconds: 60 },
    failedSignIns: options.failedSignIns ?? { limit: 60, windowSeconds: 60 },
    allowLocalWebhooks: options.allowLocalWebhooks ?? false,
    tokenMaxIdleDays: options.tokenMaxIdleDays ?? 90,
    ...(disk ? { disk } : {}),
  };
  const first = await createWorkspaceIfEmpty(db, {
    name: 'Sameroom workspace',
    adminName: 'Admin',
    regions: [],
  });
  // On the workspace made above, beside the first requests (PGlite runs one statement at a time: they
  // take turns with it). The start does not wait for it; close() does.
  const warming =
    db.kind === 'pglite' && (options.warmUp ?? true) ? warmIngest(db).catch(() => undefined) : null;
  cleanup.push(async () => warming); // a start that fails after this closes the database after it
  handle = getRequestListener(createApp(config).fetch);
  const adminJoinUrl = first ? joinUrl(publicUrl, first.code) : null;
  if (first) for (const line of firstAdminLines(publicUrl, first.code)) log(line);

  // The CLI reaches a running server here: PGlite admits one process, so commands go through us.
  const socket = controlSocket(options.dataDir);
  cleanup.push(async () => socket.done());
  const socketPath = socket.path;
  if (existsSync(socketPath)) rmSync(socketPath);
  const control = createHttpServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const command = Command.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const lines = await runCommand(db, command, publicUrl);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ lines }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Refused in words for the person at the terminal (a name taken), or a fault to look into.
      const refused = error instanceof ApiError;
      response
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: message, refused }));
    }
  });
  cleanup.push(() => closeServer(control)); // a start that fails from here on closes it (before socket.done)
  await listen(control, socket.address);
  chmodSync(socketPath, 0o600);

  const sweep = setInterval(() => {
    void forgetOldWindows(db).catch(() => undefined);
    void forgetGivenUp(db).catch(() => undefined);
  }, 3_600_000);
  sweep.unref();
  const stopBackups = options.inMemory
    ? async () => undefined
    : scheduleBackups(
        db,
        options.dataDir,
        backups,
        (line) => console.error(line),
        () => disk?.low() ?? false,
        options.minFreeDiskBytes,
      );
  // A stop ends a pass after the post under way (10 s at most), not after the 20 it claimed.
  const webhooksStop = new AbortController();
  const stopWebhooks = repeatEvery(
    () =>
      deliverWebhooks(db, {
        allowLocal: options.allowLocalWebhooks ?? false,
        stop: webhooksStop.signal,
      })
        .then(({ givenUp, expired }) => {
          // Said where whoever runs the workspace looks: a webhook that no longer exists (Slack's 404
          // no_service, 410 channel_is_archived) otherwise lost every verdict's message without a word.
          for (const reason of givenUp ?? [])
            console.error(
              `workspace: a verdict's message to the team webhook was given up after ${WEBHOOK_TRIES} tries (${reason}); check the webhook in the dashboard's Team settings`,
            );
          if (expired) console.error(expiredLine(expired));
        })
        .catch((error: unknown) => {
          // Said once by the database as it stopped, not every round until it is open again.
          if (!(error instanceof DatabaseUnavailable))
            console.error('workspace: webhook delivery failed', error);
        }),
    options.webhookIntervalMs ?? 2_000,
  );
  const stopMaintenance = scheduleMaintenance(
    db,
    (line) => console.error(line),
    options.maintenanceEveryMs ?? MAINTENANCE_EVERY_MS,
    () => disk?.low() ?? false,
  );

  return {
    url: ownUrl,
    port,
    db,
    socketPath,
    adminJoinUrl,
    async close() {
      clearInterval(sweep);
      webhooksStop.abort();
      await stopWebhooks();
      await stopBackups();
      await stopMaintenance();
      await closeServer(control);
      // A stop (Ctrl+C, a process manager's SIGTERM in a rolling upgrade) lets the requests under way
      // finish: cut mid-way, a client could not tell whether its request was done (a marketer's reply
      // said failed and was stored; a rep's batch was sent again).
      await closeServer(server, STOP_DRAIN_MS);
      rmSync(socketPath, { force: true });
      socket.done();
      await warming;
      await db.close();
      if (!options.claim) await claim.release();
    },
  };
}
