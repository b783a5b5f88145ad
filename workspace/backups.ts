/**
 * Automatic backups in the data folder's `backups/`: one before every migration and one on a schedule
 * (daily by default), keeping the newest N of each. `restore` with no file lists them, and a database that
 * cannot be opened names the newest one.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backup } from './backup';
import { ownerOnlyFolder } from './data-folder';
import type { Database } from './db/database';
import { freeBytes, MIN_FREE_DISK_BYTES, megabytes } from './disk-space';
import { repeatEvery } from './repeat';

export interface BackupPolicy {
  /** How often a scheduled backup is written; 0 turns the schedule off. */
  everyMs: number;
  /** How many automatic backups are kept (the newest). */
  keep: number;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = { everyMs: 24 * 3_600_000, keep: 7 };

export type BackupReason = 'scheduled' | 'before-migration';

export interface BackupFile {
  file: string;
  createdAt: Date;
  bytes: number;
  reason: string;
}

const NAME = /^sameroom-(\d{8}T\d{6}\d{3}Z)-([a-z-]+)\.jsonl$/;

export function backupFolder(dataDir: string): string {
  return join(dataDir, 'backups');
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function parseStamp(text: string): Date {
  const [, y, mo, d, h, mi, s, ms] = text.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/)!;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}

/**
 * The automatic backups in `dataDir`, newest first. A name dated after `now` was written before the
 * clock was set back (or while it ran ahead): it comes after every backup dated up to now, which were
 * written since. Ordered by date alone, such a backup stayed "the newest" until the clock caught up:
 * no scheduled backup was due in the meantime, and one written anyway was the first pruned.
 */
export function listBackups(dataDir: string, now: number = Date.now()): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(backupFolder(dataDir));
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const match = name.match(NAME);
      if (!match) return [];
      const file = join(backupFolder(dataDir), name);
      return [{ file, createdAt: parseStamp(match[1]!), bytes: statSync(file).size, reason: match[2]! }];
    })
    .sort(
      (a, b) =>
        Number(a.createdAt.getTime() > now) - Number(b.createdAt.getTime() > now) ||
        b.createdAt.getTime() - a.createdAt.getTime(),
    );
}

/** A backup's file while it is written (backup()): its target's name and `.partial-` with hex. */
const PARTIAL = /^(sameroom-\d{8}T\d{9}Z-[a-z-]+\.jsonl)\.partial-[0-9a-f]+$/;

/** The automatic backups this process is writing now. */
const writing = new Set<string>();

/**
 * Removes what backups killed half-way (SIGKILL, power loss) left in the folder: their partial files,
 * which no name lists and nothing else removes, each as big as a whole backup. Only the folder's owner
 * writes automatic backups there, so a partial not being written by this process is such a leftover.
 */
function removeLeftovers(dataDir: string): void {
  let names: string[];
  try {
    names = readdirSync(backupFolder(dataDir));
  } catch {
    return;
  }
  for (const name of names) {
    const target = name.match(PARTIAL)?.[1];
    if (target && !writing.has(join(backupFolder(dataDir), target)))
      rmSync(join(backupFolder(dataDir), name), { force: true });
  }
}

/**
 * Writes one automatic backup and prunes the oldest of each kind past `keep` (none with Infinity: a CLI
 * command does not know how many the folder's server keeps), and what backups killed half-way left.
 * Returns its path. Each kind is kept to `keep` apart: a start whose migration fails, restarted by its
 * process manager, writes a before-migration backup each time, and pruned with the scheduled ones,
 * seven restarts left seven copies of one state and the week of daily backups gone. Every kind is
 * pruned at each backup, so the before-migration backups a CLI command writes (pruning none) are
 * pruned by the server's next scheduled one.
 */
export async function writeAutomaticBackup(
  db: Database,
  dataDir: string,
  reason: BackupReason,
  keep: number,
  stop?: AbortSignal,
): Promise<string> {
  ownerOnlyFolder(backupFolder(dataDir));
  removeLeftovers(dataDir);
  const file = join(backupFolder(dataDir), `sameroom-${stamp(new Date())}-${reason}.jsonl`);
  writing.add(file);
  try {
    await backup(db, file, stop);
  } finally {
    writing.delete(file);
  }
  const every = listBackups(dataDir);
  for (const kind of new Set(every.map((kept) => kept.reason)))
    for (const old of every.filter((kept) => kept.reason === kind).slice(Math.max(keep, 1)))
      rmSync(old.file, { force: true });
  return file;
}

/** What a backup file takes on its disk: its blocks (a compressing file system keeps JSON in far fewer). */
function onDisk(file: string, bytes: number): number {
  try {
    const { blocks } = statSync(file);
    return blocks > 0 ? Math.min(bytes, blocks * 512) : bytes;
  } catch {
    return bytes;
  }
}

/** A scheduled backup given up as it came within the reserve of a full disk. */
class OutOfRoom extends Error {}

/**
 * Writes a backup whenever the newest is older than `everyMs`, checking at most hourly. Returns a
 * function that stops the schedule and waits for a backup under way (which stops at its next page).
 *
 * A backup is only begun where one as big as the last leaves the database its reserve
 * (MIN_FREE_DISK_BYTES), and one under way is given up, its partial file removed, once the disk comes
 * within that reserve. Begun whatever the room, on a disk with less free than a backup, each hourly try
 * wrote until the disk was full, and every write of the database meanwhile failed (507s, and PGlite
 * stopped to replay its log), after which the try failed, to begin again the next hour.
 */
export function scheduleBackups(
  db: Database,
  dataDir: string,
  policy: BackupPolicy,
  log: (line: string) => void,
  /** True while the disk is nearly full: a backup would take what the database needs, so it waits. */
  paused: () => boolean = () => false,
  /** The free space the database keeps in hand (ServeOptions.minFreeDiskBytes, or the default). */
  reserve = MIN_FREE_DISK_BYTES,
): () => Promise<void> {
  if (policy.everyMs <= 0) return async () => undefined;
  const stopping = new AbortController();
  const due = () => {
    const newest = listBackups(dataDir).find((b) => b.reason === 'scheduled');
    const age = newest ? Date.now() - newest.createdAt.getTime() : Number.POSITIVE_INFINITY;
    return age < 0 || age >= policy.everyMs; // dated ahead of the clock: none written since it was set back
  };
  const stop = repeatEvery(
    async () => {
      if (!due()) return;
      if (paused())
        return log('workspace: the scheduled backup waits until space is freed: the disk is nearly full.');
      const newest = listBackups(dataDir)[0];
      const last = newest ? onDisk(newest.file, newest.bytes) : 0;
      const free = freeBytes(dataDir);
      if (free < last + reserve)
        return log(
          `workspace: the scheduled backup waits until space is freed: ${megabytes(free)} free where the data folder is, and a backup as big as the last (${megabytes(last)}) would leave the database less than the ${megabytes(reserve)} it keeps in hand.`,
        );
      const writing = new AbortController();
      const stop = () => writing.abort(stopping.signal.reason);
      stopping.signal.addEventListener('abort', stop);
      const room = setInterval(() => {
        if (paused() || freeBytes(dataDir) < reserve) writing.abort(new OutOfRoom());
      }, 500);
      try {
        await writeAutomaticBackup(db, dataDir, 'scheduled', policy.keep, writing.signal);
      } catch (error) {
        if (stopping.signal.aborted) return;
        log(
          error instanceof OutOfRoom
            ? `workspace: the scheduled backup was given up: the disk came within ${megabytes(reserve)} of full, which the database keeps in hand; it waits until space is freed.`
            : `workspace: the scheduled backup failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        clearInterval(room);
        stopping.signal.removeEventListener('abort', stop);
      }
    },
    Math.min(policy.everyMs, 3_600_000),
  );
  return () => {
    stopping.abort();
    return stop();
  };
}
