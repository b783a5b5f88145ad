import { appendFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A browser's own disk full, a real one: its profile on a tmpfs of its own, filled by a file as another
 * program would fill it. Mounting needs root on Linux (CI and these machines run as root); elsewhere
 * the tests that need it are skipped.
 */
export const canMount = process.platform === 'linux' && process.getuid?.() === 0;

/** Fills the disk under `folder` to the last byte; the returned function frees it again. */
export function fillDisk(folder: string): () => void {
  const filler = join(folder, 'filler');
  const { bavail, bsize } = statfsSync(folder);
  try {
    // The browser writes beside us: the last MBs go in small steps, until ENOSPC.
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 4 * 1024 * 1024)));
    for (;;) appendFileSync(filler, Buffer.alloc(4096));
  } catch {
    // ENOSPC: full
  }
  return () => rmSync(filler);
}
