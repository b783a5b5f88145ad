import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, REMADE_TABLES, restore, TABLES } from '../../workspace/backup';
import { type Database, openDatabase } from '../../workspace/db/database';
import { briefInput, feedbackItem } from '../support/examples';
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

  it('take tables of several pages whole, by their keys (one column or two, a bytea hash too), and restore them as they were', async () => {
    // 12,001 rows each (pages of 5,000): feedback by its id, rate limits by key and window start, the
    // windows of one key microseconds apart, codes by their hash.
    await ws.db.exec(`
      INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, signals, verdict, region,
                            created_at, hash, change_seq)
      SELECT gen_random_uuid(), gen_random_uuid(), NULL, 'hubspot:contact:paged-' || g, 'hubspot', 'contact',
             'paged-' || g, '{}'::jsonb, 'good_fit', 'DACH', timestamptz '2026-10-01' + make_interval(secs => g),
             sha256(g::text::bytea), 1
        FROM generate_series(1, 12001) AS g;
      INSERT INTO rate_limits (key, window_start, count)
      SELECT 'paged:' || (g % 7), timestamptz '2026-10-01 00:00:00.000001' + g * interval '1 microsecond', g
        FROM generate_series(1, 12001) AS g;
      -- Join codes by their hash (bytea): every invite, new link and dashboard sign-in adds one.
      INSERT INTO codes (hash, member_id, expires_at)
      SELECT sha256(('code-' || g)::bytea), (SELECT id FROM members ORDER BY created_at LIMIT 1), now()
        FROM generate_series(1, 12001) AS g;
    `);
    const file = join(ws.dataDir, 'paged-backup.jsonl');
    await backup(ws.db, file);
    let copy: Database | undefined;
    try {
      copy = await openDatabase({ dataDir: null });
      await restore(copy, file);
      for (const [table, key] of [
        ['feedback', 'id'],
        ['rate_limits', 'key, window_start'],
        ['codes', 'hash'],
      ]) {
        const digest = `SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY ${key})) AS digest
                          FROM ${table} t`;
        const [original] = await ws.db.query<{ rows: number; digest: string }>(digest);
        expect(original!.rows).toBeGreaterThan(12_000);
        expect(await copy.query(digest)).toEqual([original]);
      }
    } finally {
      await copy?.close();
    }
  });

  it('end with a line that says so: one cut short at a line’s end is refused, and one from before that line restores', async () => {
    const file = join(ws.dataDir, 'whole-backup.jsonl');
    await backup(ws.db, file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: true });
    const restoreFrom = async (text: string) => {
      const copy = await openDatabase({ dataDir: null });
      const written = join(ws.dataDir, `edited-${Math.random().toString(36).slice(2)}.jsonl`);
      writeFileSync(written, text);
      try {
        await restore(copy, written);
        return (await copy.query<{ n: number }>('SELECT count(*)::int AS n FROM members'))[0]!.n;
      } finally {
        await copy.close();
      }
    };
    // Cut after its first table page, as a copy that stopped between two lines would leave it.
    await expect(restoreFrom(`${lines.slice(0, 3).join('\n')}\n`)).rejects.toThrow(
      'This backup ends before its last line: it was cut short (a copy that did not finish?). Nothing was restored; copy it again from where it was written.',
    );
    // Written before the end line existed (format version 1): restored as before.
    const header = { ...JSON.parse(lines[0]!), version: 1 };
    const members = await restoreFrom([JSON.stringify(header), ...lines.slice(1, -1)].join('\n'));
    expect(members).toBe((await ws.db.query<{ n: number }>('SELECT count(*)::int AS n FROM members'))[0]!.n);
  });

  it('from a newer version are refused by name, and nothing is restored (its columns would be dropped, its migrations never run)', async () => {
    const file = join(ws.dataDir, 'newer-backup.jsonl');
    await backup(ws.db, file);
    // As the next version would write it: a migration this one does not have.
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => {
        if (!line.includes('"schema_migrations"')) return line;
        const entry = JSON.parse(line) as { rows: Array<{ version: string; applied_at: string }> };
        entry.rows.push({ version: '999_from_the_future.sql', applied_at: new Date().toISOString() });
        return JSON.stringify(entry);
      });
    const newer = join(ws.dataDir, 'newer-backup-edited.jsonl');
    writeFileSync(newer, lines.join('\n'));
    const copy = await openDatabase({ dataDir: null });
    try {
      await expect(restore(copy, newer)).rejects.toThrow(
        'This backup was written by a newer version of Sameroom (its database has 999_from_the_future.sql, which this version does not know). Restore it with that version or a later one; nothing was restored.',
      );
      expect(await copy.query("SELECT to_regclass('public.workspace') AS t")).toEqual([{ t: null }]);
    } finally {
      await copy.close();
    }
  });
});

describe('a backup on a PostgreSQL server', () => {
  it('pages a table by its bytea key too, and restores it whole', async () => {
    const pg = await startTestWorkspace('postgres');
    let copy: Database | undefined;
    try {
      await pg.db.exec(`
        INSERT INTO codes (hash, member_id, expires_at)
        SELECT sha256(('code-' || g)::bytea), (SELECT id FROM members ORDER BY created_at LIMIT 1), now()
          FROM generate_series(1, 5001) AS g;
      `);
      const file = join(pg.dataDir, 'codes-backup.jsonl');
      await backup(pg.db, file);
      copy = await openDatabase({ dataDir: null });
      await restore(copy, file);
      const digest =
        "SELECT count(*)::int AS rows, md5(string_agg(encode(hash, 'hex'), '|' ORDER BY hash)) AS digest FROM codes";
      const [original] = await pg.db.query<{ rows: number; digest: string }>(digest);
      expect(original!.rows).toBeGreaterThan(5_000);
      expect(await copy.query(digest)).toEqual([original]);
    } finally {
      await copy?.close();
      await pg.destroy();
    }
  });

  it('holds its tables against another process’s migration: a table rewritten under it is not read empty', async () => {
    const pg = await startTestWorkspace('postgres');
    const other = await openDatabase({ databaseUrl: pg.databaseUrl!, dataDir: null }); // another process
    try {
      await pg.db.exec(`
        INSERT INTO rate_limits (key, window_start, count)
        SELECT 'migrated:' || g, timestamptz '2026-12-01', g FROM generate_series(1, 100) AS g;
      `);
      // The migration starts as the backup reaches the table (its snapshot taken by then) and is given a
      // second. Before, it ran through, and the table's rewritten rows, newer than the snapshot, were
      // not in the backup; now it waits for the backup to end.
      let migration: Promise<void> | undefined;
      const db = pg.db;
      const watched: Database = {
        kind: db.kind,
        query: (text, params) => db.query(text, params),
        exec: (text) => db.exec(text),
        close: () => db.close(),
        transaction: (work) =>
          db.transaction((tx) =>
            work({
              async query(text, params) {
                if (!migration && /FROM rate_limits/.test(text)) {
                  migration = other.exec('ALTER TABLE rate_limits ALTER COLUMN count TYPE bigint');
                  await Promise.race([migration, new Promise((resolve) => setTimeout(resolve, 1_000))]);
                }
                return tx.query(text, params);
              },
              exec: (text) => tx.exec(text),
            }),
          ),
      };
      const file = join(pg.dataDir, 'during-migration.jsonl');
      await backup(watched, file);
      await migration;
      const pages = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { table?: string; rows?: Array<{ key: string }> })
        .filter((line) => line.table === 'rate_limits');
      const rows = pages.flatMap((page) => page.rows!).filter((row) => row.key.startsWith('migrated:'));
      expect(rows).toHaveLength(100);

      // Begun while a migration holds a table late in the backup's list (by name) and will then change
      // one early in it: a backup that waited for its locks would hold the early ones while waiting for
      // the late one, and the two would deadlock (PostgreSQL then fails one of them: the migration, or
      // the backup). It lets go and tries again instead, and reads the tables as the migration left them.
      let locked!: () => void;
      const held = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const longMigration = other.transaction(async (tx) => {
        await tx.query('LOCK TABLE webhook_queue IN ACCESS EXCLUSIVE MODE');
        locked();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await tx.query('ALTER TABLE rate_limits ADD COLUMN migrated_at timestamptz');
      });
      await held;
      const began = Date.now();
      const after = join(pg.dataDir, 'after-migration.jsonl');
      await backup(db, after);
      expect(Date.now() - began).toBeGreaterThan(500);
      await longMigration;
      expect(readFileSync(after, 'utf8')).toContain('"migrated_at":null');
    } finally {
      await other.close();
      await pg.destroy();
    }
  });
});

describe('a restore', () => {
  it('moves the feed’s and the briefs’ counters past anything handed out after the backup', async () => {
    const created = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
    const campaignId = ((await created.json()) as { id: string }).id;
    const rep = await ws.join('rep', 'Ana Ruiz', 'DACH');
    const item = feedbackItem({ id: randomUUID(), campaignId });
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items: [item] } });
    const file = join(ws.dataDir, 'counters-backup.jsonl');
    await backup(ws.db, file);
    // After the backup: a reply the rep pulls (their cursor moves past it), and a brief changed.
    const reply = async (text: string) =>
      ws.call('POST', `/api/v1/feedback/${item.id}/replies`, { token: ws.adminToken, body: { text } });
    expect((await reply('Before the restore')).status).toBe(201);
    const pulled = await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token });
    const { cursor } = (await pulled.json()) as { cursor: string };
    const [held] = await ws.db.query<{ stats_version: string }>('SELECT stats_version FROM workspace');
    let copy: Database | undefined;
    try {
      copy = await openDatabase({ dataDir: null });
      await restore(copy, file);
      // The next change after the restore: numbered past the rep's cursor, and past the briefs' version
      // their browser holds (before: the backup's numbers again, which the cursor had passed).
      await copy.query('UPDATE workspace SET change_seq = change_seq + 1, stats_version = stats_version + 1');
      const [after] = await copy.query<{ change_seq: string; stats_version: string }>(
        'SELECT change_seq, stats_version FROM workspace',
      );
      expect(Number(after!.change_seq)).toBeGreaterThan(Number(cursor.split('.')[0]));
      expect(Number(after!.stats_version)).toBeGreaterThan(Number(held!.stats_version));
    } finally {
      await copy?.close();
    }
  });
});
