import { type StatsFs, statfsSync } from 'node:fs';
import { ApiError } from './errors';

/**
 * Free space the embedded database keeps in hand by default: a write-ahead log segment is 16 MB, made
 * whole when the log moves on, and a call of 1,000 verdicts with long notes writes a few MB more.
 */
export const MIN_FREE_DISK_BYTES = 64 * 1024 * 1024;

/**
 * Free inodes the embedded database keeps in hand, on file systems that count them (`statfs` says how
 * many files there can be; 0 where there is no such limit): PGlite makes a file per table, index and
 * log segment, and a file system out of inodes refuses new files with ENOSPC (53100) while bytes are
 * still free, as does a user over their quota.
 */
export const MIN_FREE_INODES = 1_000;

/** Bytes in whole megabytes, as the workspace says them. */
export const megabytes = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MB`;

/** Free bytes where `path` is, read now, or Infinity where the system cannot say. */
export function freeBytes(path: string): number {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** How long a reading of the free space is used before the file system is asked again. */
const READ_EVERY_MS = 1_000;

/** The free space where the embedded database keeps its files, read at most once a second. */
export interface DiskSpace {
  /** Under the reserve: the workspace stores nothing until space is freed. */
  low(): boolean;
  /** The answer to a write while the disk is low: 507, said for the rep and for whoever frees the disk. */
  refusal(): ApiError;
}

/**
 * `read` is the file system's answer for `path` (tests give their own). A reading that fails (the folder
 * gone, an I/O error) keeps the one before, or none: the database then says what is wrong when it
 * writes, and neither a request nor the database's reopening fails on the reading itself.
 */
export function diskSpace(
  path: string,
  minFree = MIN_FREE_DISK_BYTES,
  read: (path: string) => Pick<StatsFs, 'bavail' | 'bsize' | 'ffree' | 'files'> = statfsSync,
): DiskSpace {
  let readAt = Number.NEGATIVE_INFINITY;
  let bytes = Number.POSITIVE_INFINITY;
  let inodes = Number.POSITIVE_INFINITY;
  const take = () => {
    if (Date.now() - readAt < READ_EVERY_MS) return;
    readAt = Date.now();
    try {
      const stats = read(path);
      bytes = stats.bavail * stats.bsize;
      inodes = stats.files > 0 ? stats.ffree : Number.POSITIVE_INFINITY;
    } catch {
      // Kept as last read: see above.
    }
  };
  return {
    low() {
      take();
      return bytes < minFree || inodes < MIN_FREE_INODES;
    },
    refusal() {
      take();
      const what =
        bytes < minFree
          ? `${megabytes(bytes)} free where its data is kept, ${megabytes(minFree)} needed`
          : `${inodes} more files can be made where its data is kept, ${MIN_FREE_INODES} needed`;
      return new ApiError(
        507,
        'disk_full',
        `The workspace's disk is nearly full (${what}): it stores nothing until space is freed, and verdicts wait in the reps' outboxes meanwhile.`,
        undefined,
        60,
      );
    },
  };
}
