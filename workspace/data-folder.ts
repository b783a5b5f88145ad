/**
 * One owner per data folder. PGlite admits one process per folder, and nothing in it stops a second:
 * two processes on one folder each keep their own state, and what one of them acknowledged is gone
 * after a restart. So before anything opens the database, the process claims the folder.
 *
 * Two locks, each for what it is good at:
 * - On Linux, an abstract Unix socket named after the folder's real path: the kernel gives it to one
 *   process and takes it back the moment that process dies (SIGKILL and power loss included), with no
 *   file to go stale and no window for two claimants to race.
 * - proper-lockfile's lock directory in the folder, kept fresh while we run: it works on every system
 *   and across hosts sharing the folder, and goes stale ~30 s after its holder stops updating it. A lock
 *   left on this host by a dead process is taken over at once: holding the host lock proves it is dead.
 *
 * `owner.json` beside the lock names the holder (PID, host, start, what it is, where it serves), so a
 * refusal can say who holds the folder and what to do.
 */
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { getSystemErrorName } from 'node:util';
import lockfile from 'proper-lockfile';

export interface DataFolderOwner {
  pid: number;
  host: string;
  /**
   * The holder's network namespace (Linux), where its socket lock lives: only a holder in ours can be
   * proven dead by that lock being free. Two containers may share a folder and a host name but not it.
   */
  netns?: string;
  startedAt: string;
  /** What holds it: "workspace server", "npm start", "workspace CLI (backup)", … */
  role: string;
  /** Where it serves, once it does. */
  url?: string;
}

export interface DataFolderClaim {
  dataDir: string;
  owner: DataFolderOwner;
  /** Records where the holder serves, for the next refusal's message. */
  setUrl(url: string): void;
  release(): Promise<void>;
}

/** Another process holds the folder. The message names it and says what to do. */
export class DataFolderInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: DataFolderOwner | null,
  ) {
    super(inUseMessage(dataDir, owner));
    this.name = 'DataFolderInUse';
  }
}

/** The control socket a running server answers the CLI on. */
export const SOCKET_NAME = 'workspace.sock';
/**
 * The longest path a Unix socket's address holds (sun_path, less its closing NUL): 107 bytes on Linux,
 * 103 on macOS and the BSDs. Node cuts a longer path short without a word and listens there
 * ("workspa" in the folder, for a folder path of 95 bytes), so the server then failed to start.
 */
const SOCKET_PATH_MAX = process.platform === 'linux' ? 107 : 103;

/** How to reach the control socket, `SOCKET_NAME` in the data folder; done() once it is closed. */
export interface ControlSocket {
  /** The socket's path as the data folder names it. */
  path: string;
  /** A path for listen() and connect() that reaches it: `path` itself, or one short enough. */
  address: string;
  done(): void;
}

/**
 * The data folder's control socket. Where its path is too long for a socket's address, Linux reaches it
 * through an open descriptor of the folder (`/proc/self/fd/N/workspace.sock`, which the kernel
 * resolves to the folder in both bind and connect); elsewhere a start refuses in words naming the limit.
 */
export function controlSocket(dataDir: string): ControlSocket {
  const path = join(dataDir, SOCKET_NAME);
  if (Buffer.byteLength(path) <= SOCKET_PATH_MAX) return { path, address: path, done: () => undefined };
  refuseUnreachableSocket(dataDir);
  const folder = openSync(dataDir, 'r');
  let open = true;
  return {
    path,
    address: `/proc/self/fd/${folder}/${SOCKET_NAME}`,
    done() {
      if (open) closeSync(folder);
      open = false;
    },
  };
}

/**
 * Refuses, before anything is opened, a data folder whose control socket this system cannot reach:
 * one whose path is too long for a socket's address, elsewhere than Linux.
 */
export function refuseUnreachableSocket(dataDir: string): void {
  const bytes = Buffer.byteLength(join(dataDir, SOCKET_NAME));
  if (bytes > SOCKET_PATH_MAX && process.platform !== 'linux')
    throw new Error(
      `The data folder's path ${dataDir} is too long for its control socket (${bytes} bytes with ${SOCKET_NAME}; at most ${SOCKET_PATH_MAX} here): use a shorter --data folder.`,
    );
}

const OWNER_FILE = 'owner.json';
const LOCK_DIR = 'owner.lock';
const STALE_MS = 30_000;
const UPDATE_MS = 5_000;

function inUseMessage(dataDir: string, owner: DataFolderOwner | null): string {
  if (!owner)
    return `The data folder ${dataDir} is in use by another Sameroom process (it is still starting). Stop it, or use another --data folder.`;
  const where = owner.url ? `, serving ${owner.url}` : '';
  const host = owner.host === hostname() ? '' : ` on host ${owner.host}`;
  return `The data folder ${dataDir} is in use by ${owner.role} (PID ${owner.pid}${host}, since ${owner.startedAt}${where}). Stop it (kill ${owner.pid}), or use another --data folder.`;
}

export function readOwner(dataDir: string): DataFolderOwner | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as DataFolderOwner;
  } catch {
    return null;
  }
}

/** The folder for our data, created readable by its owner only, and tightened if it was not. */
export function ownerOnlyFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
  } catch (error) {
    throw unusable(path, error) ?? error;
  }
}

/** A data folder that cannot be made or written here, in words that say what to do. */
export class DataFolderUnusable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFolderUnusable';
  }
}

/**
 * Why `path` could not be made or claimed, asked of the path itself or the nearest folder above it that
 * exists (a recursive mkdir under a read-only mount says ENOENT), or null for another reason.
 */
function unusable(path: string, error: unknown): DataFolderUnusable | null {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let code = (error as NodeJS.ErrnoException).code;
  if (existing === path && !statSync(path).isDirectory()) code = 'ENOTDIR';
  else {
    try {
      accessSync(existing, constants.W_OK);
    } catch (denied) {
      code = (denied as NodeJS.ErrnoException).code ?? code;
    }
  }
  const elsewhere = 'or give another folder with --data';
  if (code === 'EROFS')
    return new DataFolderUnusable(
      `The data folder ${path} is on a read-only file system: nothing can be stored there. A disk the system remounted read-only after errors says so in its kernel log (dmesg): check the disk, then start again, ${elsewhere}.`,
    );
  if (code === 'EACCES' || code === 'EPERM')
    return new DataFolderUnusable(
      `This user (${userInfo().username}) may not write the data folder ${path} (permission denied): run the workspace as the folder's owner, ${elsewhere}.`,
    );
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return new DataFolderUnusable(`${path} is not a folder: give a folder with --data.`);
  if (code === 'ENOSPC')
    return new DataFolderUnusable(
      existing === path
        ? `The disk of the data folder ${path} is full: nothing can be stored there, and nothing in it was changed (no restore is needed). Free some space on it, then start again, ${elsewhere}.`
        : `There is no room to make the data folder ${path}: its disk is full. Free some space, ${elsewhere}.`,
    );
  return null;
}

/**
 * Holds the kernel's lock on this host, or says who does. Linux only: null elsewhere. Two names, both
 * held: the folder's device and inode, which every path to it shares (a bind mount, a container's
 * volume: named by its path alone, a second path was a second lock, and the live holder's lock
 * directory was taken for a dead one's), and its real path, which a version before the inode's name
 * holds.
 */
async function hostLock(dataDir: string): Promise<{ close(): void } | null> {
  if (process.platform !== 'linux') return null;
  const { dev, ino } = statSync(dataDir);
  const names = [`inode:${dev}:${ino}`, realpathSync(dataDir)].map(
    (key) => `\0sameroom-data-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`,
  );
  const servers: Server[] = [];
  const close = () => {
    for (const server of servers) server.close();
  };
  try {
    for (const name of names) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new DataFolderInUse(dataDir, readOwner(dataDir)) : error),
        );
        server.listen({ path: name }, resolve);
      });
      server.unref();
      servers.push(server);
    }
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}

/** This process's network namespace ("net:[4026531833]"), or undefined where there is no such thing. */
function networkNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/net');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a process does when the data folder is no longer its own to write: its lock was lost (the lock
 * directory went, or another process changed it: on a folder shared between hosts, one that found it
 * stale after our updates failed for STALE_MS, as on a network file system's outage, and took the
 * folder over), or its disk turned read-only under the database (server.ts). Another process may be
 * writing the database now, so this one stops at once: a clean close would write the folder too (a
 * checkpoint). What was acknowledged is on disk already (a commit waits for its fsync).
 */
export function stopOnFolderLost(dataDir: string, error: Error): never {
  console.error(folderLostMessage(dataDir, error));
  process.exit(1);
}

/**
 * Why the lock was lost, in words: its disk turned read-only or failed under it (the lock's update is a
 * write, and the first to meet the disk's state when no request is writing), or another process took it.
 */
export function folderLostMessage(dataDir: string, error: Error): string {
  // proper-lockfile hands over the file system's error with its code replaced (ECOMPROMISED): its errno
  // still says what the system said.
  const { errno, code: given } = error as NodeJS.ErrnoException;
  const code = typeof errno === 'number' && errno < 0 ? getSystemErrorName(errno) : given;
  // Said alike whether the database is in the folder (PGlite) or on a PostgreSQL server.
  const acknowledged = 'Every verdict it acknowledged was stored before it answered.';
  if (code === 'EROFS')
    return `workspace: the disk of the data folder ${dataDir} has become read-only (${error.message}): the workspace can keep nothing there any more, so it stopped. ${acknowledged} A disk the system remounted read-only after errors says so in its kernel log (dmesg): check the disk (fsck), then start again.`;
  if (code === 'EIO')
    return `workspace: the disk of the data folder ${dataDir} failed a write (${error.message}), so the workspace stopped. ${acknowledged} Check the disk (its kernel log, dmesg), then start again.`;
  return `workspace: the lock on ${dataDir} was lost (${error.message}): another process may hold the folder now. Stopped at once, so that two never write it; start again once only one should.`;
}

async function fileLock(
  dataDir: string,
  heldOnHost: boolean,
  lost: (error: Error) => void,
): Promise<() => Promise<void>> {
  const options = {
    lockfilePath: join(dataDir, LOCK_DIR),
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    onCompromised: lost,
  };
  try {
    return await lockfile.lock(dataDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = readOwner(dataDir);
    // On this host and in this network namespace the kernel's lock is ours, so whoever left this lock
    // directory is gone; without that lock (not Linux), only a holder whose PID no longer runs is. A
    // holder in another namespace (another container with our host name) is neither: its lock goes
    // stale STALE_MS after it stops, and is taken over then.
    const here = owner?.host === hostname() && owner.netns === networkNamespace();
    const dead = here && (heldOnHost || !alive(owner.pid));
    if (!dead) throw new DataFolderInUse(dataDir, owner);
    rmSync(join(dataDir, LOCK_DIR), { recursive: true, force: true });
    return lockfile.lock(dataDir, options);
  }
}

/**
 * Claims `dataDir` for this process, creating it (owner-only) when missing. Throws DataFolderInUse
 * when another live process holds it.
 */
export async function claimDataFolder(dataDir: string, role: string): Promise<DataFolderClaim> {
  ownerOnlyFolder(dataDir);
  const host = await hostLock(dataDir);
  let unlock: () => Promise<void>;
  // proper-lockfile's check of the lock (a stat, then its update) can be under way as we release it:
  // the stat then meets the lock directory gone, and it says "compromised" after the release.
  let released = false;
  try {
    unlock = await fileLock(dataDir, host !== null, (error) => {
      if (!released) stopOnFolderLost(dataDir, error);
    });
  } catch (error) {
    host?.close();
    throw error;
  }
  const netns = networkNamespace();
  const owner: DataFolderOwner = {
    pid: process.pid,
    host: hostname(),
    ...(netns ? { netns } : {}),
    startedAt: new Date().toISOString(),
    role,
  };
  const write = () => writeFileSync(join(dataDir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  const release = async () => {
    if (released) return;
    released = true;
    rmSync(join(dataDir, OWNER_FILE), { force: true });
    await unlock().catch(() => undefined);
    host?.close();
  };
  try {
    write();
  } catch (error) {
    // A full disk (or one gone read-only) since the lock was taken: the folder is let go, as a start
    // that fails later lets it go. Held, its lock's next update met the disk's state and stopped the
    // whole process as if another had taken the folder over, after a raw "ENOSPC" here.
    await release();
    throw unusable(dataDir, error) ?? error;
  }
  return {
    dataDir,
    owner,
    setUrl(url) {
      owner.url = url;
      write();
    },
    release,
  };
}
