import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupExists, backup, restore } from '../../workspace/backup';
import { openDatabase } from '../../workspace/db/database';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * A backup written to a USB drive formatted exFAT (or FAT, or many SMB shares): a file system with no
 * hard links, where link(2) fails with EPERM. A real one: an exFAT image on a loop device, mounted
 * through FUSE (exfat-fuse), which needs root, a loop device and /dev/fuse; elsewhere the test says why
 * it is skipped.
 */
const image = mkdtempSync(join(tmpdir(), 'sameroom-exfat-'));
const mount = join(image, 'drive');
let device = '';

const mounted = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mkdir', ['-p', mount]);
    execFileSync('truncate', ['-s', '64M', join(image, 'drive.img')]);
    execFileSync('mkfs.exfat', [join(image, 'drive.img')], { stdio: 'ignore' });
    device = execFileSync('losetup', ['-f', '--show', join(image, 'drive.img')], { encoding: 'utf8' }).trim();
    execFileSync('mount.exfat-fuse', ['-o', 'uid=0,umask=077', device, mount], { stdio: 'ignore' });
    return true;
  } catch {
    if (device) execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
    return false;
  }
})();

describe.skipIf(!mounted)(
  'a backup to an exFAT drive (no hard links; needs root, a loop device and FUSE)',
  () => {
    let workspace: TestWorkspace;

    beforeAll(async () => {
      workspace = await startTestWorkspace('pglite');
      const created = await workspace.call('POST', '/api/v1/campaigns', {
        token: workspace.adminToken,
        body: briefInput({ name: 'Kept on a USB drive' }),
      });
      expect(created.status).toBe(201);
    });

    afterAll(async () => {
      await workspace?.close();
      // Lazily: a read stream of the restore may still be closing.
      execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
      execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
      rmSync(image, { recursive: true, force: true });
    });

    it('is written whole under its name, never over a file, and restores', async () => {
      // The drive itself refuses a hard link, as it refused the backup's.
      expect(() =>
        execFileSync('ln', [join(image, 'drive.img'), join(mount, 'probe')], { stdio: 'ignore' }),
      ).toThrow();

      const file = join(mount, 'sameroom.jsonl');
      const { rows } = await backup(workspace.db, file);
      expect(rows).toBeGreaterThan(0);
      expect(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)).toBe(
        JSON.stringify({ end: true, rows }),
      );
      expect(readdirSync(mount)).toEqual(['sameroom.jsonl']); // no partial file left

      // Never over a file.
      await expect(backup(workspace.db, file)).rejects.toBeInstanceOf(BackupExists);
      expect(readdirSync(mount)).toEqual(['sameroom.jsonl']);

      const restored = await openDatabase({ dataDir: null });
      try {
        expect(await restore(restored, file)).toEqual({ rows });
        const [brief] = await restored.query<{ name: string }>("SELECT data->>'name' AS name FROM briefs");
        expect(brief?.name).toBe('Kept on a USB drive');
      } finally {
        await restored.close();
      }
    }, 60_000);
  },
);
