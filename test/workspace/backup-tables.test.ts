import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMADE_TABLES, TABLES } from '../../workspace/backup';
import { startTestWorkspace, type TestWorkspace } from './harness';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await startTestWorkspace('pglite');
});
afterAll(async () => {
  await ws?.destroy();
});

describe('backups', () => {
  it('take every table the migrations make, so a restore loses none (a new table must be added)', async () => {
    const rows = await ws.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect([...TABLES.map(([table]) => table), ...REMADE_TABLES].sort()).toEqual(
      rows.map((row) => row.table_name).sort(),
    );
  });
});
