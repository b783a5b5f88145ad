import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup, restore } from '../../workspace/backup';
import { type Database, openDatabase } from '../../workspace/db/database';
import { migrate } from '../../workspace/db/migrate';
import { createWorkspaceIfEmpty } from '../../workspace/domain/workspace';
import { freshPostgresDatabase, startTestWorkspace, type TestWorkspace } from './harness';

/**
 * A restore into an empty PostgreSQL database while a server starts on it (a process manager starting
 * the workspace as the admin restores): the server migrates and makes a new workspace if it finds none.
 * Run beside the restore's steps, that gave a database holding two workspaces, or a restore refused
 * half-way with the schema moved under it. Now one of them takes the database whole: the restored
 * workspace, which the server then finds, or the server's new one, which the restore refuses to touch.
 */
describe('a restore on PostgreSQL racing a starting server', () => {
  let ws: TestWorkspace;
  const opened: Database[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
    await ws?.destroy();
  });

  it('ends with one workspace, all of the backup or none of it', async () => {
    ws = await startTestWorkspace('postgres');
    await ws.join('marketer', 'Mara Jensen');
    const file = join(ws.dataDir, 'race-backup.jsonl');
    await backup(ws.db, file);
    const [original] = await ws.db.query<{ id: string }>('SELECT id FROM workspace');
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const url = await freshPostgresDatabase();
      const restoring = await openDatabase({ databaseUrl: url, dataDir: null });
      const starting = await openDatabase({ databaseUrl: url, dataDir: null });
      opened.push(restoring, starting);
      const [restored, started] = await Promise.allSettled([
        restore(restoring, file),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, round * 15));
          await migrate(starting);
          return createWorkspaceIfEmpty(starting, { name: 'New', adminName: 'Admin', regions: [] });
        })(),
      ]);
      expect(started.status, String((started as PromiseRejectedResult).reason)).toBe('fulfilled');
      const workspaces = await starting.query<{ id: string }>('SELECT id FROM workspace');
      expect(workspaces).toHaveLength(1);
      if (restored.status === 'fulfilled') {
        expect(workspaces[0]!.id).toBe(original!.id);
        expect((started as PromiseFulfilledResult<unknown>).value).toBeNull();
        outcomes.push('restored');
      } else {
        expect(String(restored.reason)).toMatch(/already holds a workspace/);
        outcomes.push('refused');
      }
      // Either way the schema is whole: a start after it finds nothing to apply.
      expect(await migrate(starting)).toEqual([]);
    }
    expect(outcomes).toContain('restored');
  });
});
