import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Context } from 'hono';
import { createApp } from './app';
import { Command, runCommand } from './commands';
import { type Database, openDatabase } from './db/database';
import { migrate } from './db/migrate';
import { createWorkspaceIfEmpty, joinUrl } from './domain/workspace';
import { forgetOldWindows } from './rate-limit';
import type { WorkspaceConfig } from './routes';
import { deliverWebhooks } from './webhook';

export interface ServeOptions {
  /** The data folder: PGlite's files (without databaseUrl) and the control socket. */
  dataDir: string;
  /** null: an in-memory PGlite (tests) */
  databaseUrl?: string | undefined;
  inMemory?: boolean;
  port: number;
  host?: string;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  trustProxy?: boolean;
  /** How join links start; by default the address this server answers at. */
  publicUrl?: string | undefined;
  linkAttempts?: { limit: number; windowSeconds: number };
  /** How often the webhook queue is looked at. */
  webhookIntervalMs?: number;
  /** Printed on first start: the admin's join link. */
  log?: (line: string) => void;
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

export const SOCKET_NAME = 'workspace.sock';

function listen(server: Server, port: number | string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof port === 'string') server.listen(port, resolve);
    else server.listen(port, host, resolve);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Opens the database, migrates it, sets up the workspace on first start, and serves the API. */
export async function startWorkspace(options: ServeOptions): Promise<RunningWorkspace> {
  const log = options.log ?? ((line: string) => console.log(line));
  const db = await openDatabase({
    databaseUrl: options.databaseUrl,
    dataDir: options.inMemory ? null : join(options.dataDir, 'db'),
  });
  await migrate(db);

  const tls = options.tlsCert && options.tlsKey;
  const server = tls
    ? (createHttpsServer({
        cert: readFileSync(options.tlsCert!),
        key: readFileSync(options.tlsKey!),
      }) as unknown as Server)
    : createHttpServer();
  await listen(server, options.port, options.host ?? '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const ownUrl = `${tls ? 'https' : 'http'}://${options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'}:${port}`;
  const publicUrl = options.publicUrl ?? ownUrl;

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
    clientIp: (c: Context) => {
      if (options.trustProxy) {
        const forwarded = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim();
        if (forwarded) return forwarded;
      }
      const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
        ?.incoming;
      return incoming?.socket?.remoteAddress ?? 'unknown';
    },
    linkAttempts: options.linkAttempts ?? { limit: 20, windowSeconds: 600 },
  };
  server.on('request', getRequestListener(createApp(config).fetch));

  const first = await createWorkspaceIfEmpty(db, {
    name: 'Sameroom workspace',
    adminName: 'Admin',
    regions: [],
  });
  const adminJoinUrl = first ? joinUrl(publicUrl, first.code) : null;
  if (adminJoinUrl) {
    log(
      'A new workspace was created. Open this link to sign in as its first admin (valid for 7 days, once):',
    );
    log(`  ${adminJoinUrl}`);
  }

  // The CLI reaches a running server here: PGlite admits one process, so commands go through us.
  const socketPath = join(options.dataDir, SOCKET_NAME);
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
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
    }
  });
  await listen(control, socketPath);
  chmodSync(socketPath, 0o600);

  const sweep = setInterval(() => void forgetOldWindows(db).catch(() => undefined), 3_600_000);
  sweep.unref();
  let delivering: Promise<unknown> | null = null;
  const webhooks = setInterval(() => {
    delivering ??= deliverWebhooks(db)
      .catch((error: unknown) => console.error('workspace: webhook delivery failed', error))
      .finally(() => {
        delivering = null;
      });
  }, options.webhookIntervalMs ?? 2_000);
  webhooks.unref();

  return {
    url: ownUrl,
    port,
    db,
    socketPath,
    adminJoinUrl,
    async close() {
      clearInterval(sweep);
      clearInterval(webhooks);
      await delivering;
      await closeServer(control);
      await closeServer(server);
      rmSync(socketPath, { force: true });
      await db.close();
    },
  };
}
