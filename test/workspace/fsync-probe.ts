/**
 * Run by fsync.test.ts under strace: opens an embedded database as the workspace does, says what
 * PostgreSQL runs with, then commits rows one at a time (argv[3] of them) between two lines on stderr
 * that the test finds in strace's log. argv[2] is the data folder.
 */
import { openDatabase } from '../../workspace/db/database';

const COMMITS = Number(process.argv[3]);

const db = await openDatabase({ dataDir: process.argv[2]! });
await db.exec('CREATE TABLE IF NOT EXISTS probe (n int)');
const [fsync] = await db.query<{ fsync: string }>('SHOW fsync');
const [method] = await db.query<{ wal_sync_method: string }>('SHOW wal_sync_method');
console.log(JSON.stringify({ fsync: fsync!.fsync, walSyncMethod: method!.wal_sync_method }));
process.stderr.write('probe: commits begin\n');
for (let n = 0; n < COMMITS; n++) await db.query('INSERT INTO probe VALUES ($1)', [n]);
process.stderr.write('probe: commits end\n');
await db.close();
