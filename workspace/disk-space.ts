import { statfsSync } from 'node:fs';
import { ApiError } from './errors';

/**
 * Free space the embedded database keeps in hand by default: a write-ahead log segment is 16 MB, made
 * whole when the log moves on, and a call of 1,000 verdicts with long notes writes a few MB more.
 */
export const MIN_FREE_DISK_BYTES = 64 * 1024 * 1024;

/** How long a reading of the free space is used before the file system is asked again. */
const READ_EVERY_MS = 1_000;

/** The free space where the embedded database keeps its files, read at most once a second. */
export interface DiskSpace {
  /** Under the reserve: the workspace stores nothing until space is freed. */
  low(): boolean;
  /** The answer to a write while the disk is low: 507, said for the rep and for whoever frees the disk. */
  refusal(): ApiError;
}

export function diskSpace(path: string, minFree = MIN_FREE_DISK_BYTES): DiskSpace {
  let readAt = Number.NEGATIVE_INFINITY;
  let bytes = 0;
  const free = () => {
    if (Date.now() - readAt >= READ_EVERY_MS) {
      const stats = statfsSync(path);
      bytes = stats.bavail * stats.bsize;
      readAt = Date.now();
    }
    return bytes;
  };
  const megabytes = (n: number) => `${Math.floor(n / (1024 * 1024))} MB`;
  return {
    low: () => free() < minFree,
    refusal: () =>
      new ApiError(
        507,
        'disk_full',
        `The workspace's disk is nearly full (${megabytes(free())} free where its data is kept, ${megabytes(minFree)} needed): it stores nothing until space is freed, and verdicts wait in the reps' outboxes meanwhile.`,
        undefined,
        60,
      ),
  };
}
