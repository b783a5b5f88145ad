import pg from 'pg';
import { startPostgresServer } from './postgres-server';

const s = await startPostgresServer();
const c = new pg.Client({ connectionString: `${s.url}/postgres` });
await c.connect();
await c.query('CREATE DATABASE probe');
await c.end();
console.log(`${s.url}/probe`);
process.on('SIGTERM', () => {
  s.stop();
  process.exit(0);
});
setInterval(() => {}, 1000);
