import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../workspace/db/database';
import { migrate } from '../../workspace/db/migrate';
import { createWorkspaceIfEmpty } from '../../workspace/domain/workspace';
import { freshPostgresDatabase } from './harness';

/**
 * Several workspace processes started together on one empty PostgreSQL database (a deployment's first
 * start, docs/deployment.md): the workspace and its first admin are made once, whoever comes first.
 * Before, each process checked for a workspace and inserted one when it saw none, and two processes
 * could both see none: two workspaces, two admins, two join links (a CI run failed on it).
 */
describe('the first start of several processes on one database', () => {
  const pools: Database[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('makes one workspace and one admin, however many start at once', async () => {
    for (let round = 0; round < 5; round++) {
      const databaseUrl = await freshPostgresDatabase();
      const processes = await Promise.all(
        Array.from({ length: 6 }, () => openDatabase({ databaseUrl, dataDir: '' })),
      );
      pools.push(...processes);
      await migrate(processes[0]!);
      const created = await Promise.all(
        processes.map((db) =>
          createWorkspaceIfEmpty(db, { name: 'Sameroom workspace', adminName: 'Admin', regions: [] }),
        ),
      );
      expect(created.filter(Boolean)).toHaveLength(1);
      const [counts] = await processes[0]!.query<{ workspaces: number; admins: number }>(
        `SELECT (SELECT count(*)::int FROM workspace) AS workspaces,
                (SELECT count(*)::int FROM members WHERE role = 'admin') AS admins`,
      );
      expect(counts).toEqual({ workspaces: 1, admins: 1 });
    }
  });
});
