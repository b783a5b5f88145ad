/**
 * `npm run workspace -- [serve] [--data DIR] [--port N] [--tls-cert F --tls-key F] [--trust-proxy]`
 * `npm run workspace -- invite --name NAME --role rep|marketer|admin [--region R]`
 * `npm run workspace -- code --member ID` | `seed-demo` | `backup FILE` | `restore FILE`
 *
 * Commands go to a running server through the Unix socket in its data folder; with none running, they
 * open the database themselves. DATABASE_URL selects a PostgreSQL server instead of embedded PGlite.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Command, runCommand } from './commands';
import { openDatabase } from './db/database';
import { migrate } from './db/migrate';
import { createWorkspaceIfEmpty } from './domain/workspace';
import { SOCKET_NAME, startWorkspace } from './server';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: '.sameroom/workspace' },
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'trust-proxy': { type: 'boolean', default: false },
    'public-url': { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    region: { type: 'string' },
    member: { type: 'string' },
  },
});

const dataDir = resolve(values.data!);
const databaseUrl = process.env.DATABASE_URL || undefined;
const [verb = 'serve', argument] = positionals;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Sends the command to a running server; null when none answers on the socket. */
function viaSocket(command: Command): Promise<string[] | null> {
  const socketPath = join(dataDir, SOCKET_NAME);
  if (!existsSync(socketPath)) return Promise.resolve(null);
  return new Promise((done, reject) => {
    const call = request(
      { socketPath, path: '/', method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => {
          const answer = JSON.parse(body) as { lines?: string[]; error?: string };
          if (answer.error) reject(new Error(answer.error));
          else done(answer.lines ?? []);
        });
      },
    );
    call.on('error', () => done(null)); // a socket left by a server that died: open the database ourselves
    call.end(JSON.stringify(command));
  });
}

function serverRunning(): Promise<boolean> {
  const socketPath = join(dataDir, SOCKET_NAME);
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((done) => {
    const socket = connect(socketPath, () => {
      socket.end();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

async function direct(command: Command): Promise<string[]> {
  mkdirSync(dataDir, { recursive: true });
  const db = await openDatabase({ databaseUrl, dataDir: join(dataDir, 'db') });
  try {
    await migrate(db);
    if (command.command !== 'restore') {
      await createWorkspaceIfEmpty(db, { name: 'Sameroom workspace', adminName: 'Admin', regions: [] });
    }
    return await runCommand(db, command, values['public-url'] ?? `http://localhost:${values.port}`);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  if (verb === 'serve') {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      fail(`--port must be a port number, not ${values.port}`);
    if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
      fail('--tls-cert and --tls-key go together.');
    mkdirSync(dataDir, { recursive: true });
    const workspace = await startWorkspace({
      dataDir,
      databaseUrl,
      port,
      host: values.host!,
      tlsCert: values['tls-cert'],
      tlsKey: values['tls-key'],
      trustProxy: values['trust-proxy']!,
      publicUrl: values['public-url'],
    });
    console.log(
      `Sameroom workspace at ${workspace.url} (${databaseUrl ? 'PostgreSQL server' : `PGlite in ${dataDir}`}).`,
    );
    const stop = async () => {
      await workspace.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return;
  }
  const input =
    verb === 'invite'
      ? {
          command: verb,
          name: values.name,
          role: values.role,
          ...(values.region ? { region: values.region } : {}),
        }
      : verb === 'code'
        ? { command: verb, member: values.member }
        : verb === 'backup' || verb === 'restore'
          ? { command: verb, file: argument ? resolve(argument) : undefined }
          : { command: verb };
  const parsed = Command.safeParse(input);
  if (!parsed.success) {
    fail(
      `Usage:\n  workspace [serve] [--data DIR] [--port N] [--tls-cert FILE --tls-key FILE] [--trust-proxy]\n` +
        `  workspace invite --name NAME --role rep|marketer|admin [--region R]\n  workspace code --member ID\n` +
        `  workspace seed-demo\n  workspace backup FILE\n  workspace restore FILE\n` +
        `(${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`).join('; ')})`,
    );
  }
  if (parsed.data.command === 'restore' && (await serverRunning())) {
    fail(
      'A workspace server is running on this data folder: stop it, then restore into an empty data folder.',
    );
  }
  const lines =
    (parsed.data.command === 'restore' ? null : await viaSocket(parsed.data)) ?? (await direct(parsed.data));
  for (const line of lines) console.log(line);
}

main().catch((error: unknown) =>
  fail(`workspace: ${error instanceof Error ? error.message : String(error)}`),
);
