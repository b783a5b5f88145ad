import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../workspace/db/database';
import { feedbackItem } from '../support/examples';
import { linkWithCode } from '../support/link';
import { adminCode, cleanUpAfterTests, postItems, serveInChild, workspaces } from './data-folder-support';
import { seedFromTemplate, startTestWorkspace } from './harness';

cleanUpAfterTests();

/**
 * The embedded workspace on a disk that the system remounts read-only while it runs, as Linux does to
 * an ext4 file system mounted `errors=remount-ro` (Debian's and Ubuntu's default for the root disk) when
 * the disk fails a write. A real one: an ext4 image on a loop device, its error raised through ext4's
 * own `trigger_fs_error`. Needs root and a loop device; elsewhere the test says why it is skipped.
 */
const image = mkdtempSync(join(tmpdir(), 'sameroom-ext4-'));
const mount = join(image, 'disk');
const file = join(image, 'disk.img');
let device = '';

const mountDisk = () =>
  execFileSync('mount', ['-o', 'errors=remount-ro', device, mount], { stdio: 'ignore' });
const trigger = () => `/sys/fs/ext4/${basename(device)}/trigger_fs_error`;

const mounted = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    mkdirSync(mount);
    execFileSync('truncate', ['-s', '256M', file]);
    execFileSync('mkfs.ext4', ['-q', file], { stdio: 'ignore' });
    device = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    mountDisk();
    if (existsSync(trigger())) return true;
    execFileSync('umount', [mount], { stdio: 'ignore' });
    execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
    return false;
  } catch {
    if (device) spawnSync('losetup', ['-d', device]);
    return false;
  }
})();

afterAll(async () => {
  if (!device) return rmSync(image, { recursive: true, force: true });
  // Closed before their disk goes: a workspace still open then loses its lock and ends the process.
  for (const ws of workspaces.splice(0)) await ws.close().catch(() => undefined);
  spawnSync('umount', ['-l', mount]);
  spawnSync('losetup', ['-d', device]);
  rmSync(image, { recursive: true, force: true });
});

const batch = (from: number) =>
  Array.from({ length: 50 }, (_, n) =>
    feedbackItem({
      id: randomUUID(),
      campaignId: null,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: String(from + n) },
    }),
  );

describe.skipIf(!mounted)(
  'the embedded workspace whose disk turns read-only while it runs (ext4 on a loop device: needs root)',
  () => {
    it('stops saying so, stores nothing it cannot keep meanwhile, and has every acknowledged verdict after a check and a restart', async () => {
      const dataDir = seedFromTemplate(join(mount, 'data'));
      const { child, url } = await serveInChild(dataDir);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const token = await linkWithCode(url, await adminCode(dataDir));
      const acknowledged: string[] = [];
      for (let n = 0; n < 3; n++) {
        const items = batch(n * 50);
        expect(await postItems(url, token, items)).toEqual(Array(50).fill('created'));
        acknowledged.push(...items.map((item) => item.id));
      }

      // The disk fails a write: the system remounts it read-only.
      writeFileSync(trigger(), '1');
      const failedAt = Date.now();
      // A batch sent now is not acknowledged (the server answers it as failed, or has stopped).
      const late = await postItems(url, token, batch(1_000)).then(
        () => 'acknowledged',
        (error: Error) => error.message,
      );
      expect(late).not.toBe('acknowledged');
      // At the first write it meets, not when its lock's update gives up 30 s later (answering every
      // write 500 meanwhile); and not saying, as before, that another process might hold the folder.
      expect(await exited).toBe(1);
      expect(Date.now() - failedAt).toBeLessThan(10_000);
      expect(stderr).toMatch(
        /the disk of the data folder .* has become read-only \(EROFS[^)]*\): the workspace can keep nothing there any more, so it stopped\. Every verdict it acknowledged was stored before it answered\./,
      );
      expect(stderr).toContain('dmesg');
      expect(stderr).not.toContain('another process may hold the folder');

      // Checked and mounted again, as its admin would: what it acknowledged is there, each once.
      execFileSync('umount', [mount]);
      const checked = spawnSync('e2fsck', ['-fy', file]);
      expect([0, 1]).toContain(checked.status); // 1: errors were corrected
      mountDisk();
      const again = await startTestWorkspace('pglite', { dataDir, adminToken: token });
      workspaces.push(again);
      const stored = await again.db.query<{ n: number; distinct: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM feedback WHERE id = ANY($1::uuid[])',
        [acknowledged],
      );
      expect(stored[0]).toEqual({ n: 150, distinct: 150 });
    }, 90_000);

    it('is said at once when the first call to fail is an error of class 58 (what a failing disk gives first), not 30 s later', async () => {
      // Mounted again after the check above.
      const dataDir = seedFromTemplate(join(mount, 'io-error'));
      let told: NodeJS.ErrnoException | undefined;
      const db = await openDatabase({
        dataDir,
        diskReadOnly: (error) => {
          told = error;
        },
      });
      try {
        await db.query('SELECT 1');
        writeFileSync(trigger(), '1');
        // Class 58, a system error, from PostgreSQL itself: a file it could not open (58P01), as a write
        // the disk failed is 58030. It stops the database's thread, so the error the call gets carries
        // no code of PostgreSQL's: the disk is asked about as it stops.
        await expect(db.query("COPY (SELECT 1) TO '/no/such/folder/x'")).rejects.toThrow();
        expect(told?.code).toBe('EROFS');
      } finally {
        // The disk stays read-only: the file's afterAll lets it go (lazily, as the stopped thread's files
        // may still be closing).
        await db.close().catch(() => undefined);
      }
    }, 60_000);
  },
);
