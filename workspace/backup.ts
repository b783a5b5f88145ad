import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  closeSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { ADVISORY_LOCK, type Database, type Sql } from './db/database';
import { migrateIn, migrationFiles } from './db/migrate';

/** Tables in the order a restore fills them (parents before children), with the key a dump pages by. */
export const TABLES: Array<[table: string, key: string]> = [
  ['schema_migrations', 'version'],
  ['workspace', 'id'],
  ['members', 'id'],
  ['tokens', 'hash'],
  ['codes', 'hash'],
  ['sessions', 'hash'],
  ['rate_limits', 'key, window_start'],
  ['briefs', 'id'],
  ['feedback', 'id'],
  ['replies', 'id'],
  ['lead_latest', 'lead_key'],
  ['verdict_counts', 'campaign_key, region, verdict'],
  ['seller_wins', 'campaign_key, member_id'],
  ['insight_facts', 'feedback_id'],
  ['useful_answers', 'feedback_id, answer_index'],
  ['webhook_queue', 'id'],
];
/**
 * Tables a backup leaves out because a restore remakes them from the others: insight_counts and
 * insight_days are kept by triggers on insight_facts (migrations 009 and 011), so they fill as the facts
 * go back in.
 */
export const REMADE_TABLES: string[] = ['insight_counts', 'insight_days'];
const PAGE = 5_000;

/** The file exists already: a backup never overwrites one (nor follows a link planted in its place). */
export class BackupExists extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists: a backup never overwrites a file. Choose another name.`);
    this.name = 'BackupExists';
  }
}

/**
 * JSON lines into an open file. A failed write (a full disk: ENOSPC, EFBIG) rejects the next write or
 * the end: the stream's error is always listened for, so it never goes unheard and stops the process
 * (it did while a backup awaited the database between two short writes).
 */
export function jsonLinesTo(fd: number): {
  write(line: unknown): Promise<void>;
  end(): Promise<void>;
  destroy(): void;
} {
  const out = createWriteStream('', { fd, autoClose: false });
  let failure: Error | null = null;
  out.on('error', (error) => {
    failure ??= error;
  });
  const check = () => {
    if (failure) throw failure;
  };
  return {
    async write(line) {
      check();
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      check();
    },
    async end() {
      check();
      out.end();
      await once(out, 'finish');
      check();
    },
    destroy: () => out.destroy(),
  };
}

/**
 * The backup format's version: 2 ends with a line `{"end": true, "rows": N}`, which a restore requires;
 * version 1 (before it) had none, and restores as it did.
 */
const BACKUP_VERSION = 2;

/**
 * Writes every table as JSON lines: a header, `{"table": …, "rows": [...]}` pages and the end line,
 * all read in one snapshot (one repeatable-read transaction), so the file is consistent while the
 * workspace keeps taking verdicts. The same file restores into PGlite or a PostgreSQL server.
 *
 * It writes a fresh owner-only file beside the target (O_EXCL|O_NOFOLLOW: never an existing file or a
 * link), syncs it, and only then gives it the target's name with link(2), which fails rather than
 * replace a file: a backup killed half-way leaves no file under the target's name.
 */
export async function backup(db: Database, file: string, stop?: AbortSignal): Promise<{ rows: number }> {
  if (existsSync(file)) throw new BackupExists(file);
  const partial = `${file}.partial-${randomBytes(6).toString('hex')}`;
  const fd = openSync(
    partial,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  const out = jsonLinesTo(fd);
  const write = out.write;
  try {
    const total = await heldAgainstChange(db, stop, async (tx, present) => {
      let rows = 0;
      await write({
        format: 'sameroom-backup',
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
      });
      for (const [table, key] of TABLES) {
        // A backup before a migration meets the older schema: a table a later migration adds is not there.
        if (!present.includes(table)) continue;
        // Page after page by the key, from where the last one ended: an OFFSET read and skipped every row
        // before it again at each page (a backup of 300,000 verdicts on PGlite took 29 s with it, 15 s without).
        const columns = key.split(',').map((column) => column.trim());
        // A bytea key (the hash of tokens, codes, sessions) comes out of row_to_json as "\\x…" text,
        // which PGlite refused as a bytea parameter: every backup failed once a table of them passed
        // one page (5,000 join codes, which nothing prunes), the one before a migration too, and the
        // upgraded server would not start. It goes back in as its hex.
        const bytea = new Set(
          (
            await tx.query<{ column_name: string }>(
              `SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'bytea'`,
              [table],
            )
          ).map((row) => row.column_name),
        );
        const parameter = (column: string, n: number) =>
          bytea.has(column) ? `decode($${n + 1}, 'hex')` : `$${n + 1}`;
        const after = `WHERE (${key}) > (${columns.map(parameter).join(', ')})`;
        const keyOf = (row: Record<string, unknown>) =>
          columns.map((column) => {
            const value = row[column];
            return bytea.has(column) && typeof value === 'string' ? value.replace(/^\\x/, '') : value;
          });
        const pageAfter = (last: unknown[] | null) =>
          tx.query<{ row: Record<string, unknown> }>(
            `SELECT row_to_json(t) AS row FROM (SELECT * FROM ${table} ${last ? after : ''} ORDER BY ${key} LIMIT ${PAGE}) t`,
            last ?? [],
          );
        let page = await pageAfter(null);
        while (page.length > 0) {
          rows += page.length;
          // The next page is read while this one is written: the database's work and ours at once.
          const end = page.at(-1)!.row;
          const next = page.length < PAGE ? null : pageAfter(keyOf(end));
          next?.catch(() => undefined); // a write that fails ends the backup; this read is not waited for then
          // A workspace that stops, or a disk come within its reserve (scheduleBackups), ends it here.
          stop?.throwIfAborted();
          await write({ table, rows: page.map((r) => r.row) });
          if (!next) break;
          page = await next;
        }
      }
      // The last line: a file cut short in a copy, even at a line's end, is told from a whole one.
      await write({ end: true, rows });
      return rows;
    });
    await out.end();
    fsyncSync(fd);
    closeSync(fd);
    nameWithoutReplacing(partial, file);
    return { rows: total };
  } catch (error) {
    out.destroy();
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    throw error;
  } finally {
    // Gone when it was given the target's name by rename.
    rmSync(partial, { force: true });
    // The new name (and the partial's removal) are entries of the folder: synced too, so a power cut
    // after a before-migration backup cannot leave the migration committed and the backup unnamed.
    syncFolder(dirname(file));
  }
}

/** link(2) refused by the file system itself: it has no hard links (exFAT and FAT drives, many SMB mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Gives the written file `file`'s name, never replacing a file there: link(2) fails rather than replace.
 * A file system without hard links (a backup to a USB drive formatted exFAT, which refused it with
 * EPERM) gets a rename once the name is seen free: only a file made under that very name in between
 * could be replaced, and automatic backups' names are the folder owner's alone, to the millisecond.
 */
function nameWithoutReplacing(partial: string, file: string): void {
  try {
    linkSync(partial, file);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw new BackupExists(file);
    if (!NO_HARD_LINKS.has(code)) throw error;
  }
  // lstat: a link planted there, even one to nothing, is a file not to replace.
  if (lstatSync(file, { throwIfNoEntry: false })) throw new BackupExists(file);
  renameSync(partial, file);
}

/** The tables of TABLES the database has (a backup before a migration meets an older schema). */
async function tablesPresent(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ name: string }>(
    'SELECT relname AS name FROM pg_class WHERE relname = ANY($1::text[]) AND relkind = $2 AND relnamespace = current_schema()::regnamespace',
    [TABLES.map(([table]) => table), 'r'],
  );
  return rows.map((row) => row.name).sort();
}

/** Another process holds or changed a table as a backup began: it tries again a moment later. */
class TablesBusy extends Error {}

/** How long a backup tries to begin while another process changes the tables (a migration). */
const BEGIN_WITHIN_MS = 120_000;

/**
 * Runs `read` in a read-only snapshot (repeatable read) of every table the database has, each held
 * against a change of its shape until the read ends. The locks come before the snapshot (LOCK before
 * the transaction's first SELECT): a table rewritten by another process's migration on the same
 * PostgreSQL (ALTER ... TYPE, a copy renamed into place) after the snapshot looked empty to it, its
 * rows being newer than the snapshot, and the backup said nothing. Now such a migration waits for the
 * backup (and, on that server, requests for the table wait behind it). Taken without waiting (NOWAIT),
 * and let go and tried again while a migration holds a table: waiting with some locks taken deadlocked
 * with a migration that wanted those next (PostgreSQL then fails one of the two). A table made or
 * dropped between the list and the locks also starts it again.
 */
async function heldAgainstChange<T>(
  db: Database,
  stop: AbortSignal | undefined,
  read: (tx: Sql, present: string[]) => Promise<T>,
): Promise<T> {
  const until = Date.now() + BEGIN_WITHIN_MS;
  for (;;) {
    // A workspace that stops does not wait out another process's migration for its backup.
    stop?.throwIfAborted();
    const present = await tablesPresent(db);
    try {
      return await db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        if (present.length > 0)
          await tx
            .query(`LOCK TABLE ${present.join(', ')} IN ACCESS SHARE MODE NOWAIT`)
            .catch((error: { code?: string }) => {
              // 55P03: held by another (a migration); 42P01: dropped since the list.
              throw error.code === '55P03' || error.code === '42P01' ? new TablesBusy() : error;
            });
        if ((await tablesPresent(tx)).join() !== present.join()) throw new TablesBusy();
        return read(tx, present);
      });
    } catch (error) {
      if (!(error instanceof TablesBusy)) throw error;
      if (Date.now() > until)
        throw new Error(
          'The backup could not begin: another process kept changing the tables (a migration?) for two minutes. Try again once it is done.',
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** fsync on a folder, where the file system allows it (not every one does; that is not an error). */
export function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // EINVAL/EISDIR on file systems that cannot sync a folder.
  }
}

/** The migrations the backed-up database had, in order: its rows are shaped for the newest. */
async function backupSchema(file: string): Promise<string[] | undefined> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      let entry: { table?: string; rows?: Array<{ version?: string }> };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return undefined; // said by restore itself, line by line
      }
      if (entry.table === 'schema_migrations') return entry.rows?.map((row) => row.version ?? '').sort();
      if (entry.table) return undefined;
    }
    return undefined;
  } finally {
    lines.close();
  }
}

/**
 * Restores a backup into an empty database (one whose workspace is not yet set up): the schema is
 * brought to the backup's version, the rows go in in one transaction, and then the migrations since
 * run on them as on any upgrade.
 */
export async function restore(db: Database, file: string): Promise<{ rows: number }> {
  const versions = await backupSchema(file);
  // A backup written by a newer version: its rows have columns this one would drop without a word, and
  // its migrations, restored as done, would never run once this workspace is upgraded.
  const known = new Set(migrationFiles());
  const newer = versions?.filter((version) => !known.has(version)) ?? [];
  if (newer.length > 0)
    throw new Error(
      `This backup was written by a newer version of Sameroom (its database has ${newer.join(', ')}, which this version does not know). Restore it with that version or a later one; nothing was restored.`,
    );
  const upTo = versions?.at(-1);
  // One transaction holding the locks a starting server takes (migrations, then the first start's):
  // a server starting on the same database meanwhile waits, then finds the restored workspace, or
  // made its own first and the restore refuses. Done in steps, the two made two workspaces.
  return db.transaction(async (tx) => {
    await migrateIn(tx, { upTo });
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.firstStart]);
    const restored = await restoreRows(tx, file);
    await migrateIn(tx);
    return restored;
  });
}

async function restoreRows(tx: Sql, file: string): Promise<{ rows: number }> {
  const [existing] = await tx.query('SELECT 1 FROM workspace');
  if (existing)
    throw new Error(
      'This database already holds a workspace: restore into an empty data folder or database.',
    );
  await tx.query('DELETE FROM schema_migrations');
  // Opened where it is read: lines the file gives before the loop below listens are lost, and once
  // the file has closed the loop would wait for ever (a small backup, a PostgreSQL round trip away).
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let header = false;
  let version = 0;
  let ended = false;
  let total = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    let entry: {
      format?: string;
      version?: number;
      table?: string;
      rows?: unknown[] | number;
      end?: boolean;
    };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      throw new Error(
        `This backup has a line that is not JSON${header ? '; it may be damaged' : ': it is not a Sameroom backup'}.`,
      );
    }
    if (!header) {
      if (entry.format !== 'sameroom-backup') throw new Error('This file is not a Sameroom backup.');
      header = true;
      version = typeof entry.version === 'number' ? entry.version : 1;
      if (version > BACKUP_VERSION)
        throw new Error(
          'This backup was written by a newer version of Sameroom, in a format this version cannot read. Restore it with that version or a later one; nothing was restored.',
        );
      continue;
    }
    if (ended) throw new Error('This backup has lines after its last one; it may be damaged.');
    if (entry.end === true) {
      if (entry.rows !== total)
        throw new Error(
          `This backup says it holds ${entry.rows} rows but holds ${total}; it may be damaged. Nothing was restored.`,
        );
      ended = true;
      continue;
    }
    if (!entry.table || !TABLES.some(([t]) => t === entry.table) || !Array.isArray(entry.rows)) {
      throw new Error('This backup has a line that is not a table page; it may be damaged.');
    }
    await tx.query(
      `INSERT INTO ${entry.table} SELECT * FROM json_populate_recordset(null::${entry.table}, $1)`,
      [JSON.stringify(entry.rows)],
    );
    total += entry.rows.length;
  }
  if (!header) throw new Error('This file is empty or not a Sameroom backup.');
  if (version >= 2 && !ended)
    throw new Error(
      'This backup ends before its last line: it was cut short (a copy that did not finish?). Nothing was restored; copy it again from where it was written.',
    );
  await tx.query(
    "SELECT setval(pg_get_serial_sequence('webhook_queue', 'id'), coalesce((SELECT max(id) FROM webhook_queue), 0) + 1, false)",
  );
  // The counters the reps' browsers and the dashboard hold values of: the feed's cursors (change_seq)
  // and the briefs' ETags (stats_version). Restored as the backup had them, they were behind what was
  // handed out after it: a rep whose cursor was ahead never saw a reply given after the restore (its
  // number was one the cursor had passed), and a browser holding a later ETag was answered 304 for
  // briefs that had since changed. Far past anything a workspace hands out in the life of a backup.
  await tx.query(
    `UPDATE workspace SET change_seq = change_seq + ${RESTORE_COUNTER_JUMP},
                          stats_version = stats_version + ${RESTORE_COUNTER_JUMP}`,
  );
  return { rows: total };
}

/** How far a restore moves the workspace's counters past the backup's (see restoreRows). */
export const RESTORE_COUNTER_JUMP = 1_000_000_000;
