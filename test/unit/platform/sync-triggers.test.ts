import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { listenForSyncTriggers, SYNC_PERIOD_MINUTES } from '../../../lib/platform/sync-triggers';

afterEach(() => fakeBrowser.reset());

describe('the periodic sync alarm', () => {
  it('is armed where it is missing and left as it is at the next worker start, so that it fires', async () => {
    const triggers = listenForSyncTriggers(() => undefined);
    await triggers.arm();
    const armed = await fakeBrowser.alarms.get('sameroom-sync');
    expect(armed?.periodInMinutes).toBe(SYNC_PERIOD_MINUTES);
    // The worker stopped idle and started again half a minute later (an open panel's port).
    const later = listenForSyncTriggers(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await later.arm();
    expect((await fakeBrowser.alarms.get('sameroom-sync'))?.scheduledTime).toBe(armed!.scheduledTime);
  });

  it('is armed anew where it has another period, or fires hours ahead (the clock was set back)', async () => {
    const triggers = listenForSyncTriggers(() => undefined);
    for (const kept of [
      { periodInMinutes: 5, delayInMinutes: 5 },
      { periodInMinutes: SYNC_PERIOD_MINUTES, when: Date.now() + 3 * 3_600_000 },
    ]) {
      await fakeBrowser.alarms.create('sameroom-sync', kept);
      await triggers.arm();
      const armed = await fakeBrowser.alarms.get('sameroom-sync');
      expect(armed?.periodInMinutes).toBe(SYNC_PERIOD_MINUTES);
      expect(armed!.scheduledTime).toBeLessThanOrEqual(Date.now() + SYNC_PERIOD_MINUTES * 60_000);
    }
  });
});
