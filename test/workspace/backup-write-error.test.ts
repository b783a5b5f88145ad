import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLinesTo } from '../../workspace/backup';

/**
 * A backup's file writes fail on a full disk (ENOSPC, EFBIG). The stream reported that as an 'error'
 * event nobody listened to while the backup awaited the database between two short writes, which
 * ended the whole workspace process (a scheduled backup on a full disk stopped the server). Here the
 * file is taken from under the writer (its descriptor closed), so every write fails as on a full disk.
 */
describe('a backup file that cannot be written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sameroom-backup-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects the next write or the end with the error, and nothing goes unheard', async () => {
    const fd = openSync(join(dir, 'backup.partial'), 'w', 0o600);
    const out = jsonLinesTo(fd);
    closeSync(fd);
    // The first write is only queued; it fails a moment later, while nobody is writing.
    await out.write({ format: 'sameroom-backup' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(
      (async () => {
        await out.write({ table: 'feedback', rows: [] });
        await out.end();
      })(),
    ).rejects.toMatchObject({ code: 'EBADF' });
  });
});
