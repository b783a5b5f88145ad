/**
 * The real workspace (startWorkspace on PGlite in a temp folder) in its own process, for
 * outbox-drain.test.ts: as in bench/verdicts.ts, where the extension runs in the browser and the
 * workspace in Node, the sync's client work and the workspace's work run side by side, not on one
 * event loop. Prints `{ url, adminToken, campaignId }` as one JSON line, then answers each line of
 * stdin (`{ sql, params }`) with the rows as one JSON line (`{}`: the CPU ms it has used); stops when
 * stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startWorkspace } from '../../workspace/server';
import { briefInput } from '../support/examples';
import { linkWithCode } from '../support/link';

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const dataDir = mkdtempSync(join(tmpdir(), 'sameroom-drain-'));
const running = await startWorkspace({
  port: 0,
  dataDir,
  linkAttempts: { limit: 1_000, windowSeconds: 600 },
  tokenRequests: { limit: 100_000, windowSeconds: 60 },
  log: () => undefined,
});
const adminToken = await linkWithCode(running.url, running.adminJoinUrl!.split('#')[1]!);
const brief = await fetch(`${running.url}/api/v1/campaigns`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
  body: JSON.stringify(briefInput()),
});
const campaignId = ((await brief.json()) as { id: string }).id;
process.stdout.write(`${JSON.stringify({ url: running.url, adminToken, campaignId })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const { sql, params } = JSON.parse(line) as { sql?: string; params?: unknown[] };
  // No SQL: the CPU time this process has used so far, in ms.
  const answer = sql ? await running.db.query(sql, params) : cpuMs();
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await running.close();
rmSync(dataDir, { recursive: true, force: true });
