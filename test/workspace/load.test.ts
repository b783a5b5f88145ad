import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

// The short load run; `npm run bench` runs 50 clients for 30 s on each database and reports latency.
describe.each(DATABASES)('20 clients for 5 s on %s', (kind) => {
  let ws: TestWorkspace | undefined;
  afterEach(async () => {
    await ws?.destroy();
  });

  it('posting, resending, reading campaigns by ETag and pulling the feed: no 5xx, nothing lost or doubled', async () => {
    ws = await startTestWorkspace(kind, { linkAttempts: { limit: 1_000, windowSeconds: 600 } });
    const figures = await runLoad(ws, { clients: 20, seconds: 5, adminToken: ws.adminToken });
    expect(figures.itemsAcknowledged).toBeGreaterThan(100);
    expect(figures).toMatchObject({ serverErrors: 0, unexpected: 0, lost: 0, duplicated: 0 });
  });
});
