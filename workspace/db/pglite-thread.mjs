// PGlite on a thread of its own (see ./database.ts, openPglite): the embedded database's work (WebAssembly,
// a third to two thirds of an ingest's time) no longer runs on the thread that answers HTTP, so requests
// are parsed, checked and answered while the database runs the previous call.
//
// Plain JavaScript, not TypeScript: a worker thread is started by Node itself, under whatever runs the
// workspace (tsx, vitest, node), so this file must need no transform.
//
// Messages in: { id, op: 'query', text, params, tx } | { id, op: 'exec', text, tx } | { id, op: 'begin' }
//   | { id, op: 'end', tx, commit } | { id, op: 'close' }
// Messages out: { id, ok: true, value } | { id, ok: false, error: { name, message, ...fields } }
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** The fields of PostgreSQL's error report that callers read (code, detail, ...), copied as they are. */
const ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'position',
  'where',
  'schema',
  'table',
  'column',
  'constraint',
];

function errorOf(error) {
  const plain = {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
  for (const field of ERROR_FIELDS) if (error?.[field] !== undefined) plain[field] = error[field];
  return plain;
}

const port = parentPort;
const reply = (id, promise) =>
  promise.then(
    (value) => port.postMessage({ id, ok: true, value }),
    (error) => port.postMessage({ id, ok: false, error: errorOf(error) }),
  );

// What PGlite keeps on disk reaches the disk before a commit is answered. As shipped (0.5.16) it runs
// PostgreSQL with fsync off (`-F` in its start parameters) and its file layer over Node's files
// (Emscripten's NODEFS) has no fsync: a commit was written to the OS's cache and answered, and nothing
// ever asked for it to be written through (strace: not one fsync or fdatasync in a run). A SIGKILL
// lost nothing, since the OS still had the pages; a power cut or a kernel panic lost the verdicts
// acknowledged in the half minute before it, and a checkpoint whose pages had not reached the disk
// could leave the folder unreadable. So on a data folder PostgreSQL runs with fsync on and syncs its
// log by fsync (PGlite's fdatasync does nothing), and NODEFS's files are given the fsync PostgreSQL
// then calls: Node's, on the file's own descriptor. In memory (tests) there is no disk to reach.
const EIO = 29; // Emscripten's errno for an I/O error: PostgreSQL then stops rather than go on unsynced.
const durableStartParams = [
  ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
  '-c',
  'wal_sync_method=fsync',
];

function syncFilesOf(db) {
  const { FS } = db.mod;
  const streamOps = FS.lookupPath(PGlite.paths?.PGDATA ?? '/pglite/data').node.mount.type.stream_ops;
  streamOps.fsync = (stream) => {
    // Files have a descriptor of Node's; directories (which PostgreSQL also syncs) have none here.
    if (stream.nfd === undefined) return 0;
    try {
      fsyncSync(stream.nfd);
    } catch {
      throw new FS.ErrnoError(EIO);
    }
    return 0;
  };
}

/**
 * Every file and folder under `path` written through to the disk. PostgreSQL writes its control file as
 * it starts (the database "in production" since a checkpoint), and PGlite makes a new database's files
 * (its initdb), before the fsync above is in place: those writes sat in the OS's cache. A disk that went
 * read-only (or a power cut) in the half minute after a start lost them, and the control file on the
 * disk still said the database had been shut down cleanly: PostgreSQL then replayed none of its log, and
 * the verdicts acknowledged since the start were gone (test/workspace/disk-readonly.test.ts). So the
 * folder is synced once it is open, before anything is stored. A file that cannot be synced fails the
 * opening; a folder may not be (Windows cannot sync one).
 */
function syncTree(path) {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) syncTree(join(path, entry.name));
    else if (entry.isFile()) syncFile(join(path, entry.name));
  }
  try {
    syncFile(path);
  } catch {
    // A folder this system cannot sync: its files are.
  }
}

function syncFile(path) {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * PostgreSQL's lock file, left empty (or cut short) by a disk that went read-only or a power cut soon
 * after it was made: PostgreSQL refuses to start on it ("bogus data in lock file"), and the workspace
 * could not open a database that was whole. The data folder is this process's alone by now
 * (../data-folder.ts), so such a file is a leftover; one that names a process is left to PostgreSQL.
 */
function removeUnreadableLockFile(dbDir) {
  const file = join(dbDir, 'postmaster.pid');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // none
  }
  if (!/^\d+\n/.test(text)) rmSync(file, { force: true });
}

// Id 0 answers the opening. A database that cannot be opened is said with PGlite's own words, and the
// thread then has nothing to wait for: the caller ends it.
const { dataDir } = workerData;
if (dataDir) removeUnreadableLockFile(dataDir);
const db = await (dataDir
  ? PGlite.create(dataDir, { startParams: durableStartParams }).then((opened) => {
      syncFilesOf(opened);
      syncTree(dataDir);
      return opened;
    })
  : PGlite.create()
).catch((error) => {
  port.postMessage({ id: 0, ok: false, error: errorOf(error) });
  return null;
});
if (db) port.postMessage({ id: 0, ok: true, value: null });

/** Open transactions by id: the PGlite transaction's runner, how to end it, and its outcome. */
const transactions = new Map();
let nextTx = 1;

function begin(id) {
  const tx = nextTx++;
  const open = {};
  // The transaction stays open (holding PGlite's lock, as in one thread) until the caller ends it:
  // PGlite commits when the work given to it resolves and rolls back when it rejects.
  open.finished = db.transaction(
    (runner) =>
      new Promise((end, fail) => {
        Object.assign(open, { runner, end, fail });
        transactions.set(tx, open);
        port.postMessage({ id, ok: true, value: tx });
      }),
  );
  open.finished.then(
    () => transactions.delete(tx),
    (error) => {
      // A transaction that failed before it began (BEGIN refused): its caller is told here.
      if (!transactions.delete(tx)) port.postMessage({ id, ok: false, error: errorOf(error) });
    },
  );
}

function runnerOf(tx) {
  if (tx === undefined) return db;
  const open = transactions.get(tx);
  if (!open) throw new Error(`transaction ${tx} is not open`);
  return open.runner;
}

if (db)
  port.on('message', (message) => {
    const { id, op } = message;
    try {
      if (op === 'query')
        reply(
          id,
          runnerOf(message.tx)
            .query(message.text, message.params)
            .then((result) => result.rows),
        );
      else if (op === 'exec')
        reply(
          id,
          runnerOf(message.tx)
            .exec(message.text)
            .then(() => null),
        );
      else if (op === 'begin') begin(id);
      else if (op === 'end') {
        const open = transactions.get(message.tx);
        if (!open) throw new Error(`transaction ${message.tx} is not open`);
        if (message.commit) {
          open.end();
          reply(
            id,
            open.finished.then(() => null),
          );
        } else {
          open.fail(new Error('rolled back'));
          // The rollback asked for: done, whatever PGlite said about it.
          reply(
            id,
            open.finished.then(
              () => null,
              () => null,
            ),
          );
        }
      } else if (op === 'close')
        reply(
          id,
          db.close().then(() => null),
        );
      else throw new Error(`unknown operation ${op}`);
    } catch (error) {
      port.postMessage({ id, ok: false, error: errorOf(error) });
    }
  });
