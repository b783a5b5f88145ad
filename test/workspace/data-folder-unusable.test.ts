import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpAfterTests, cli, folder } from './data-folder-support';

cleanUpAfterTests();

/**
 * A data folder the workspace cannot write: on a disk the system remounted read-only after errors (as
 * ext4's errors=remount-ro does), or a path that is a file. Said as "EROFS: read-only file system,
 * chmod '…'" before. A read-only mount of its own (a tmpfs) needs root, as CI and these machines run.
 */
const mount = mkdtempSync(join(tmpdir(), 'sameroom-ro-'));
const mountable = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount], { stdio: 'ignore' });
    // A folder made while the disk was writable: the one a workspace already used.
    mkdirSync(join(mount, 'used'), { mode: 0o700 });
    execFileSync('mount', ['-o', 'remount,ro', mount], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

afterAll(() => {
  if (mountable) execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
  rmSync(mount, { recursive: true, force: true });
});

const READ_ONLY =
  /^The data folder (.+) is on a read-only file system: nothing can be stored there\. A disk the system remounted read-only after errors says so in its kernel log \(dmesg\): check the disk, then start again, or give another folder with --data\.$/;

describe.skipIf(!mountable)(
  'a data folder on a read-only disk (a tmpfs mounted read-only: needs root)',
  () => {
    it('is refused in one line that says so and what to do, whether the folder is new or was used', async () => {
      for (const dataDir of [join(mount, 'new'), join(mount, 'used')]) {
        const refusal = await cli('serve', '--port', '0', '--data', dataDir).catch(
          (error: Error) => error.message,
        );
        expect(refusal).toMatch(READ_ONLY);
        expect(refusal).toContain(dataDir);
      }
    });
  },
);

describe('a data folder that is a file', () => {
  it('is refused in one line', async () => {
    const file = join(folder(), 'not-a-folder');
    writeFileSync(file, '');
    const refusal = await cli('serve', '--port', '0', '--data', file).catch((error: Error) => error.message);
    expect(refusal).toBe(`${file} is not a folder: give a folder with --data.`);
  });
});
