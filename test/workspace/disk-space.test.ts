import { describe, expect, it } from 'vitest';
import { diskSpace, MIN_FREE_DISK_BYTES, MIN_FREE_INODES } from '../../workspace/disk-space';

const MB = 1024 * 1024;
/** A file system's answer: `megabytes` free, and `inodes` free of `files` (0: it sets no such limit). */
const reading =
  (megabytes: number, inodes = 0, files = 0) =>
  () => ({
    bavail: megabytes * 256,
    bsize: 4096,
    ffree: inodes,
    files,
  });

describe('the free space the workspace watches', () => {
  it('is low under the reserve of bytes, and says how much is free', () => {
    expect(diskSpace('/data', MIN_FREE_DISK_BYTES, reading(500)).low()).toBe(false);
    const low = diskSpace('/data', MIN_FREE_DISK_BYTES, reading(20));
    expect(low.low()).toBe(true);
    expect(low.refusal()).toMatchObject({ status: 507, code: 'disk_full', retryAfterSeconds: 60 });
    expect(low.refusal().message).toContain('(20 MB free where its data is kept, 64 MB needed)');
    expect(MIN_FREE_DISK_BYTES).toBe(64 * MB);
  });

  it('is low when no more files can be made though bytes are free (out of inodes), where inodes are counted', () => {
    const out = diskSpace('/data', MIN_FREE_DISK_BYTES, reading(5_000, 12, 100_000));
    expect(out.low()).toBe(true);
    expect(out.refusal().message).toContain(
      `(12 more files can be made where its data is kept, ${MIN_FREE_INODES} needed)`,
    );
    // A file system that counts no inodes (files 0, as btrfs says) is judged by its bytes alone.
    expect(diskSpace('/data', MIN_FREE_DISK_BYTES, reading(5_000, 0, 0)).low()).toBe(false);
  });

  it('does not fail a request, or the reopening that asks it, when the file system cannot be read', () => {
    let fails = false;
    let megabytes = 20;
    let now = 0;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const disk = diskSpace('/data', MIN_FREE_DISK_BYTES, () => {
        if (fails) throw Object.assign(new Error('EIO: i/o error, statfs'), { code: 'EIO' });
        return reading(megabytes)();
      });
      // Never read: nothing known, nothing refused.
      fails = true;
      expect(disk.low()).toBe(false);
      fails = false;
      now += 1_000;
      expect(disk.low()).toBe(true);
      // The reading before is kept while a new one fails.
      fails = true;
      megabytes = 500;
      now += 1_000;
      expect(disk.low()).toBe(true);
      expect(() => disk.refusal()).not.toThrow();
      fails = false;
      now += 1_000;
      expect(disk.low()).toBe(false);
    } finally {
      Date.now = realNow;
    }
  });
});
