/**
 * `npm run workspace -- [COMMAND] [FLAGS]`: serves the team's workspace, or runs one command on it.
 * `npm run workspace -- --help` lists them; `npm run workspace -- COMMAND --help` explains one.
 *
 * Commands go to a running server through the Unix socket in its data folder. With none running they
 * claim the data folder and open the database themselves; when another process holds the folder and its
 * socket does not answer, they refuse in one line naming it. Every mistake is one line naming the
 * problem and the fix; `--debug` adds the stack trace.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { syncFolder } from './backup';
import { listBackups } from './backups';
import type { Command } from './commands';
import { controlSocket, DataFolderInUse, refuseUnreachableSocket, SOCKET_NAME } from './data-folder';

// The database, the server and the schemas load only once the command line is known to be right, so a
// mistyped flag is answered at once.

type Flag = { type: 'string' | 'boolean'; default?: string | boolean; help: string; value?: string };

const COMMON: Record<string, Flag> = {
  data: {
    type: 'string',
    default: '.sameroom/workspace',
    value: 'DIR',
    help: 'the data folder (database, socket, backups)',
  },
  debug: { type: 'boolean', default: false, help: 'print stack traces with errors' },
  help: { type: 'boolean', default: false, help: 'show this help' },
};
const SERVE: Record<string, Flag> = {
  port: { type: 'string', default: '8787', value: 'N', help: 'the port to serve on (0: any free port)' },
  host: { type: 'string', default: '127.0.0.1', value: 'ADDR', help: 'the address to listen on' },
  'tls-cert': { type: 'string', value: 'FILE', help: 'serve HTTPS with this certificate (with --tls-key)' },
  'tls-key': { type: 'string', value: 'FILE', help: 'the certificate’s private key (with --tls-cert)' },
  'trust-proxy': {
    type: 'boolean',
    default: false,
    help: 'behind one reverse proxy: the client is the rightmost X-Forwarded-For entry, the public URL from X-Forwarded-*',
  },
  'trusted-proxies': {
    type: 'string',
    value: 'N|ADDRS',
    help: 'behind several proxies: how many, or their addresses (comma-separated, CIDR allowed); implies --trust-proxy',
  },
  'token-idle-days': {
    type: 'string',
    default: '90',
    value: 'DAYS',
    help: 'tokens unused this long stop working',
  },
  'allow-local-webhooks': {
    type: 'boolean',
    default: false,
    help: 'let the team webhook reach loopback and private addresses',
  },
  'public-url': {
    type: 'string',
    value: 'URL',
    help: 'how join links start (default: the address served, or last served from this data folder)',
  },
  'backup-every': {
    type: 'string',
    default: '24',
    value: 'HOURS',
    help: 'hours between automatic backups (0: off)',
  },
  'keep-backups': { type: 'string', default: '7', value: 'N', help: 'how many automatic backups to keep' },
};

interface Verb {
  usage: string;
  summary: string;
  flags: Record<string, Flag>;
  /** How many positional arguments it takes at most. */
  positionals: number;
}

const VERBS: Record<string, Verb> = {
  serve: {
    usage:
      'serve [--port N] [--host ADDR] [--tls-cert FILE --tls-key FILE] [--trust-proxy] [--public-url URL]',
    summary: 'serve the API and the marketing dashboard (the default command)',
    flags: SERVE,
    positionals: 0,
  },
  invite: {
    usage: 'invite --name NAME --role rep|marketer|admin [--region R]',
    summary: 'add a team member and print their join link, then the code alone',
    flags: {
      name: { type: 'string', value: 'NAME', help: 'the member’s name' },
      role: { type: 'string', value: 'ROLE', help: 'rep, marketer or admin' },
      region: { type: 'string', value: 'R', help: 'the rep’s region (optional)' },
      'public-url': SERVE['public-url']!,
    },
    positionals: 0,
  },
  code: {
    usage: 'code --member ID',
    summary: 'a fresh join code for a member (their older unused codes stop working)',
    flags: {
      member: { type: 'string', value: 'ID', help: 'the member’s id' },
      'public-url': SERVE['public-url']!,
    },
    positionals: 0,
  },
  'seed-demo': {
    usage: 'seed-demo',
    summary: 'fill an empty workspace with a demo team, briefs and verdicts',
    flags: {},
    positionals: 0,
  },
  verify: {
    usage: 'verify',
    summary:
      'check that the rollups (latest verdict per lead, counts, wins) agree with a rebuild from the verdicts',
    flags: {},
    positionals: 0,
  },
  backup: {
    usage: 'backup FILE',
    summary: 'write a consistent backup to FILE (never overwrites a file)',
    flags: {},
    positionals: 1,
  },
  restore: {
    usage: 'restore [FILE] --data NEW_FOLDER',
    summary: 'restore a backup into an empty data folder; without FILE, list the automatic backups',
    flags: {},
    positionals: 1,
  },
};

class UsageError extends Error {}

function flagLines(flags: Record<string, Flag>): string[] {
  return Object.entries(flags).map(([name, flag]) => {
    const left = `  --${name}${flag.value ? ` ${flag.value}` : ''}`;
    const fallback = flag.default !== undefined && flag.type === 'string' ? ` (default ${flag.default})` : '';
    return `${left.padEnd(28)} ${flag.help}${fallback}`;
  });
}

function help(verb?: string): string {
  if (verb && VERBS[verb]) {
    const v = VERBS[verb]!;
    return [
      `Usage: npm run workspace -- ${v.usage}`,
      '',
      `${v.summary}.`,
      '',
      'Flags:',
      ...flagLines({ ...v.flags, ...COMMON }),
    ].join('\n');
  }
  return [
    'Usage: npm run workspace -- [COMMAND] [FLAGS]',
    '',
    'Commands:',
    ...Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(12)} ${v.summary}`),
    '',
    'Flags for every command:',
    ...flagLines(COMMON),
    '',
    'Serve flags:',
    ...flagLines(SERVE),
    '',
    'DATABASE_URL=postgres://… uses that PostgreSQL server instead of the embedded database.',
    'npm run workspace -- COMMAND --help explains one command.',
  ].join('\n');
}

function parse(argv: string[]) {
  const verbName = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const verb = VERBS[verbName];
  if (!verb)
    throw new UsageError(
      `Unknown command "${verbName}". Commands: ${Object.keys(VERBS).join(', ')} (npm run workspace -- --help).`,
    );
  const rest = argv[0] === verbName ? argv.slice(1) : argv;
  const flags = { ...verb.flags, ...COMMON };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(flags).map(([name, f]) => [
          name,
          { type: f.type, ...(f.default !== undefined ? { default: f.default } : {}) },
        ]),
      ) as Parameters<typeof parseArgs>[0] extends infer O
        ? O extends { options?: infer P }
          ? P
          : never
        : never,
    });
  } catch (error) {
    const message = (error as Error).message
      .split('\n')[0]!
      .replace(/\.? To specify.*$/, '')
      .replace(/\.?$/, '.');
    throw new UsageError(`${message} See: npm run workspace -- ${verbName} --help`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length > verb.positionals)
    throw new UsageError(
      `"${verbName}" takes ${verb.positionals ? 'one file' : 'no arguments'}, not "${parsed.positionals.join(' ')}". See: npm run workspace -- ${verbName} --help`,
    );
  return { verbName, verb, values, positionals: parsed.positionals };
}

function wholeNumber(flag: string, text: string, min: number, max: number, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${flag} must be ${what}, not "${text}".`);
  return value;
}

/** Where the last server on this data folder was reached (its --public-url, else its address). */
const SERVED_AT = 'served-at.json';

/** The address the last server on this folder served at, for the links a command prints without one;
 * undefined when none has served here (or the file is not one of ours). */
function lastServedAt(dataDir: string): string | undefined {
  try {
    const { publicUrl } = JSON.parse(readFileSync(join(dataDir, SERVED_AT), 'utf8')) as {
      publicUrl?: unknown;
    };
    return typeof publicUrl === 'string' && URL.canParse(publicUrl) ? publicUrl : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the command to a running server; null when none answers on the socket. */
function viaSocket(dataDir: string, command: Command): Promise<string[] | null> {
  if (!existsSync(join(dataDir, SOCKET_NAME))) return Promise.resolve(null);
  const socket = controlSocket(dataDir);
  return new Promise<string[] | null>((done, reject) => {
    const call = request(
      {
        socketPath: socket.address,
        path: '/',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => {
          try {
            const answer = JSON.parse(body) as { lines?: string[]; error?: string; refused?: boolean };
            if (answer.error) reject(answer.refused ? new UsageError(answer.error) : new Error(answer.error));
            else done(answer.lines ?? []);
          } catch {
            reject(new Error('The running workspace gave an answer that is not JSON.'));
          }
        });
      },
    );
    call.on('error', () => done(null)); // a socket left by a server that died: try the database ourselves
    call.end(JSON.stringify(command));
  }).finally(() => socket.done());
}

async function direct(dataDir: string, command: Command, publicUrl: string): Promise<string[]> {
  const { claimDataFolder } = await import('./data-folder');
  const { openAnswering } = await import('./db/database');
  const { migrate, pendingMigrations } = await import('./db/migrate');
  const { writeAutomaticBackup } = await import('./backups');
  const { createWorkspaceIfEmpty } = await import('./domain/workspace');
  const { firstAdminLines } = await import('./auth/codes');
  const { runCommand } = await import('./commands');
  const claim = await claimDataFolder(dataDir, `the workspace CLI (${command.command})`);
  try {
    // An embedded restore builds its database beside the folder's place for it and moves it there
    // only once every row is in: a restore that fails (a damaged file) or is killed leaves no
    // half-made database that a start would take for the workspace, and can simply be run again.
    const embeddedRestore = command.command === 'restore' && !process.env.DATABASE_URL;
    const dbDir = join(dataDir, embeddedRestore ? 'db.restoring' : 'db');
    if (embeddedRestore) rmSync(dbDir, { recursive: true, force: true }); // a restore stopped before
    const db = await openAnswering({
      databaseUrl: process.env.DATABASE_URL || undefined,
      dataDir: dbDir,
    }).catch(async (error: unknown) => {
      if (process.env.DATABASE_URL || embeddedRestore) throw error;
      // Said as a server's start says it (the newest backup and how to restore it, or a full disk's
      // cure); before, a command on a damaged folder printed PGlite's own words and a hint to --debug.
      const { notOpened } = await import('./server');
      const { diskSpace } = await import('./disk-space');
      throw notOpened(error, dataDir, dbDir, diskSpace(dataDir).low());
    });
    let lines: string[] | null = null;
    try {
      const notes: string[] = [];
      if (command.command !== 'restore') {
        // As a server's start does: a backup first, when this code brings migrations the folder lacks.
        const pending = await pendingMigrations(db);
        if (pending.length > 0) {
          // Pruning none: the folder's server may keep more than the default (--keep-backups), and
          // its next backup prunes to its own number.
          const file = await writeAutomaticBackup(db, dataDir, 'before-migration', Number.POSITIVE_INFINITY);
          notes.push(`Backed up the workspace to ${file} before migrating (${pending.join(', ')}).`);
        }
        // restore brings the schema to the backup's version itself, then migrates on from there
        await migrate(db, { log: (line) => console.error(line) });
        // First on an empty database, the CLI makes the workspace as a server's first start does, and
        // says its first admin's link as a server does: nobody else could ever sign in as that admin.
        const first = await createWorkspaceIfEmpty(db, {
          name: 'Sameroom workspace',
          adminName: 'Admin',
          regions: [],
        });
        if (first) notes.push(...firstAdminLines(publicUrl, first.code));
      }
      // On PGlite, a link made here works only once a server serves this folder: say so, and which
      // folder it is (npm start's demo workspace keeps its data elsewhere, in .sameroom/start). First,
      // so that the code stays the last line. (On a PostgreSQL server, the servers of other folders
      // share the database and take the link at once.)
      if (!process.env.DATABASE_URL && (command.command === 'invite' || command.command === 'code'))
        notes.push(
          `No server runs on ${dataDir}: its links work once one does (npm run workspace -- --data ${dataDir}).`,
        );
      try {
        lines = [...notes, ...(await runCommand(db, command, publicUrl))];
      } catch (error) {
        // The workspace made above stays, and so must its first admin's link: said before the error.
        for (const note of notes) console.log(note);
        throw error;
      }
      return lines;
    } finally {
      await db.close();
      if (embeddedRestore) {
        if (lines) {
          renameSync(dbDir, join(dataDir, 'db'));
          // The move made durable before "Restored" is said: unsynced, a power cut soon after left the
          // folder without `db` (the restored database still under db.restoring), and the next start
          // made a new, empty workspace with a new first admin beside it.
          syncFolder(dataDir);
        } else rmSync(dbDir, { recursive: true, force: true });
      }
    }
  } finally {
    await claim.release();
  }
}

function listedBackups(dataDir: string): string[] {
  const backups = listBackups(dataDir);
  if (backups.length === 0) return [`No automatic backups in ${join(dataDir, 'backups')}.`];
  return [
    `Automatic backups in ${join(dataDir, 'backups')}, newest first:`,
    ...backups.map(
      (b) => `  ${b.file}  ${b.createdAt.toISOString()}  ${b.reason}  ${Math.ceil(b.bytes / 1024)} KB`,
    ),
    'Restore one into a new, empty data folder:',
    `  npm run workspace -- restore ${backups[0]!.file} --data ${dataDir}-restored`,
  ];
}

async function serve(dataDir: string, values: Record<string, string | boolean | undefined>): Promise<void> {
  const port = wholeNumber('port', String(values.port), 0, 65_535, 'a port number from 0 to 65535');
  const everyHours = Number(values['backup-every']);
  if (!Number.isFinite(everyHours) || everyHours < 0)
    throw new UsageError(`--backup-every must be hours (0 or more), not "${values['backup-every']}".`);
  const keep = wholeNumber(
    'keep-backups',
    String(values['keep-backups']),
    1,
    1_000,
    'a whole number from 1 to 1000',
  );
  const tokenMaxIdleDays = wholeNumber(
    'token-idle-days',
    String(values['token-idle-days']),
    1,
    36_500,
    'a number of days from 1',
  );
  const proxies = values['trusted-proxies'] as string | undefined;
  const trustProxy = proxies
    ? /^\d+$/.test(proxies)
      ? Number(proxies)
      : proxies
          .split(',')
          .map((address) => address.trim())
          .filter(Boolean)
    : Boolean(values['trust-proxy']);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    throw new UsageError('--tls-cert and --tls-key go together.');
  for (const flag of ['tls-cert', 'tls-key'] as const)
    if (values[flag] && !existsSync(String(values[flag])))
      throw new UsageError(`--${flag}: no file at ${values[flag]}.`);
  const { claimDataFolder } = await import('./data-folder');
  const { ensureDashboardBuilt } = await import('./dashboard-build');
  const { startWorkspace } = await import('./server');
  // The folder first: a second server is refused at once, before any build.
  refuseUnreachableSocket(dataDir);
  const claim = await claimDataFolder(dataDir, 'a workspace server');
  const databaseUrl = process.env.DATABASE_URL || undefined;
  let workspace: Awaited<ReturnType<typeof startWorkspace>>;
  try {
    ensureDashboardBuilt();
    workspace = await startWorkspace({
      claim,
      dataDir,
      databaseUrl,
      port,
      host: String(values.host),
      tlsCert: values['tls-cert'] as string | undefined,
      tlsKey: values['tls-key'] as string | undefined,
      trustProxy,
      tokenMaxIdleDays,
      allowLocalWebhooks: Boolean(values['allow-local-webhooks']),
      publicUrl: values['public-url'] as string | undefined,
      backups: { everyMs: everyHours * 3_600_000, keep },
    });
  } catch (error) {
    await claim.release();
    throw error;
  }
  console.log(
    `Sameroom workspace at ${workspace.url} (${databaseUrl ? 'PostgreSQL server' : `PGlite in ${dataDir}`}).`,
  );
  // The join links a command prints while no server runs start as this server's do.
  writeFileSync(
    join(dataDir, SERVED_AT),
    JSON.stringify({ publicUrl: (values['public-url'] as string | undefined) ?? workspace.url }),
    { mode: 0o600 },
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await workspace.close();
    await claim.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/**
 * --public-url, where given: an http(s) address with nothing after the host. The workspace is served
 * from `/` and the extension keeps only a join link's origin, so behind a proxy at a path
 * (https://tools.example.com/sameroom) join links pointed at the path while the extension called the
 * host's root, and the dashboard asked the root for its files: refused here, in one line.
 */
function checkPublicUrl(value: unknown): void {
  if (value === undefined) return;
  const text = String(value);
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new UsageError(
      `--public-url must be an address such as https://sameroom.example.com, not "${text}".`,
    );
  if (url.pathname !== '/' || url.search || url.hash)
    throw new UsageError(
      `--public-url must be the root of a host name, such as ${url.origin}, not "${text}": the workspace is served from "/" of a host (a name of its own, such as sameroom.example.com), not from a path under another site.`,
    );
}

async function main(argv: string[]): Promise<void> {
  const { verbName, values, positionals } = parse(argv);
  if (values.help) {
    console.log(help(argv[0] === verbName ? verbName : undefined));
    return;
  }
  checkPublicUrl(values['public-url']);
  const dataDir = resolve(String(values.data));
  process.umask(0o077); // the data folder, database files, socket and backups are the owner's alone
  if (verbName === 'serve') return serve(dataDir, values);

  const publicUrl =
    (values['public-url'] as string | undefined) ?? lastServedAt(dataDir) ?? 'http://localhost:8787';
  const [argument] = positionals;
  if (verbName === 'restore' && !argument) {
    for (const line of listedBackups(dataDir)) console.log(line);
    return;
  }
  if (verbName === 'backup' && argument && !existsSync(dirname(resolve(argument))))
    throw new UsageError(`No folder ${dirname(resolve(argument))} to write the backup in.`);
  if (verbName === 'restore') {
    // Checked before anything is created: a missing file leaves no empty data folder behind.
    if (!existsSync(resolve(argument!))) throw new UsageError(`No backup at ${resolve(argument!)}.`);
    if (existsSync(join(dataDir, 'db')))
      throw new UsageError(
        `${dataDir} already holds a database: restore into a new folder, e.g. --data ${dataDir}-restored.`,
      );
  }
  // A running server answers with its own address unless told this one (it was ignored there).
  const linkAt = values['public-url'] ? { publicUrl: values['public-url'] as string } : {};
  const input =
    verbName === 'invite'
      ? {
          command: verbName,
          name: values.name,
          role: values.role,
          ...(values.region ? { region: values.region } : {}),
          ...linkAt,
        }
      : verbName === 'code'
        ? { command: verbName, member: values.member, ...linkAt }
        : verbName === 'backup' || verbName === 'restore'
          ? { command: verbName, file: argument ? resolve(argument) : undefined }
          : { command: verbName };
  const { Command } = await import('./commands');
  const parsed = Command.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`)
      .join('; ');
    throw new UsageError(`Usage: npm run workspace -- ${VERBS[verbName]!.usage} (${problems})`);
  }
  if (parsed.data.command === 'invite') {
    // The member as the workspace takes one, checked here: its problems said as the flags' (an empty or
    // over-long name came back as Zod's JSON, after the folder was opened).
    const { requests } = await import('../lib/protocol');
    const { command: _command, publicUrl: _publicUrl, ...member } = parsed.data;
    const checked = requests.InviteRequest.safeParse(member);
    if (!checked.success)
      throw new UsageError(
        `${checked.error.issues.map((issue) => `--${String(issue.path[0] ?? 'name')} ${issue.message}`).join('; ')}.`,
      );
  }
  let lines = parsed.data.command === 'restore' ? null : await viaSocket(dataDir, parsed.data);
  if (!lines) {
    const newFolder = !existsSync(dataDir);
    try {
      lines = await direct(dataDir, parsed.data, publicUrl);
    } catch (error) {
      // A restore that failed (a file that is no backup, a damaged one) leaves no empty folder it made.
      if (
        newFolder &&
        parsed.data.command === 'restore' &&
        existsSync(dataDir) &&
        readdirSync(dataDir).length === 0
      )
        rmdirSync(dataDir);
      if (error instanceof DataFolderInUse && parsed.data.command === 'restore')
        throw new UsageError(
          `${error.message.replace(/ Stop it.*$/, '')} Stop it, then restore into a new, empty data folder.`,
        );
      throw error;
    }
  }
  for (const line of lines) console.log(line);
  if (parsed.data.command === 'verify' && lines[0]?.startsWith('Rollups differ')) process.exitCode = 1;
}

const argv = process.argv.slice(2);
main(argv).catch((error: unknown) => {
  const debug = argv.includes('--debug');
  const message = error instanceof Error ? error.message : String(error);
  if (debug && error instanceof Error && !(error instanceof UsageError)) console.error(error.stack);
  else if (
    error instanceof DataFolderInUse ||
    error instanceof UsageError ||
    (error as Error).name === 'DataFolderUnusable' ||
    // Worded for the person at the terminal already: a refusal of the workspace's (a name taken).
    (error as Error).name === 'ApiError' ||
    (error as Error).name === 'PlainHttpRefused' ||
    (error as Error).name === 'PortUnavailable' ||
    (error as Error).name === 'DatabaseNotOpened' ||
    (error as Error).name === 'DatabaseUnreadable' ||
    (error as Error).name === 'DatabaseServerProblem'
  )
    console.error(message);
  else console.error(`workspace: ${message}${debug ? '' : '\n(run again with --debug for details)'}`);
  process.exit(1);
});
