/**
 * Automatic backups in the data folder's `backups/`: one before every migration and one on a schedule
 * (daily by default), keeping the newest N. `restore` with no file lists them, and a database that
 * cannot be opened names the newest one.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backup } from './backup';
import { ownerOnlyFolder } from './data-folder';
import type { Database } from './db/database';
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

/** The automatic backups in `dataDir`, newest first. */
export function listBackups(dataDir: string): BackupFile[] {
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
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Writes one automatic backup and prunes the oldest past `keep`. Returns its path. */
export async function writeAutomaticBackup(
  db: Database,
  dataDir: string,
  reason: BackupReason,
  keep: number,
): Promise<string> {
  ownerOnlyFolder(backupFolder(dataDir));
  const file = join(backupFolder(dataDir), `sameroom-${stamp(new Date())}-${reason}.jsonl`);
  await backup(db, file);
  for (const old of listBackups(dataDir).slice(Math.max(keep, 1))) rmSync(old.file, { force: true });
  return file;
}

/**
 * Writes a backup whenever the newest is older than `everyMs`, checking at most hourly. Returns a
 * function that stops the schedule and waits for a backup under way.
 */
export function scheduleBackups(
  db: Database,
  dataDir: string,
  policy: BackupPolicy,
  log: (line: string) => void,
  /** True while the disk is nearly full: a backup would take what the database needs, so it waits. */
  paused: () => boolean = () => false,
): () => Promise<void> {
  if (policy.everyMs <= 0) return async () => undefined;
  const due = () => {
    const newest = listBackups(dataDir).find((b) => b.reason === 'scheduled');
    return !newest || Date.now() - newest.createdAt.getTime() >= policy.everyMs;
  };
  return repeatEvery(
    async () => {
      if (!due()) return;
      if (paused())
        return log('workspace: the scheduled backup waits until space is freed: the disk is nearly full.');
      await writeAutomaticBackup(db, dataDir, 'scheduled', policy.keep).catch((error: unknown) =>
        log(
          `workspace: the scheduled backup failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    },
    Math.min(policy.everyMs, 3_600_000),
  );
}
