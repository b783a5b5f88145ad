import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${url}/postgres`, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

it('a test run killed with SIGKILL leaves no PostgreSQL server running', { timeout: 60_000 }, async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "const { startPostgresServer } = await import('./scripts/postgres-server.ts'); console.log((await startPostgresServer()).url); setInterval(() => {}, 1000);",
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const found = chunk.toString().match(/postgres:\/\/\S+/)?.[0];
      if (found) resolve(found);
    });
  });
  expect(await answers(url)).toBe(true);
  child.kill('SIGKILL');
  await expect.poll(() => answers(url), { timeout: 20_000, interval: 500 }).toBe(false);
});
