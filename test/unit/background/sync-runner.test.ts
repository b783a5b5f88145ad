import { describe, expect, it, vi } from 'vitest';
import { badgeOf, createSyncRunner } from '../../../lib/background/sync-runner';
import type { OutboxStatus } from '../../../lib/messages';
import { saveVerdict } from '../../../lib/outbox/outbox';
import { openSameroomDb } from '../../../lib/store/db';
import { fakeWorkspace, LINK, verdictInput } from '../outbox/fake-workspace';

const EMPTY: OutboxStatus = {
  linked: true,
  held: 0,
  pending: 0,
  dead: [],
  otherWorkspace: 0,
  lastSyncAt: null,
  lastError: null,
  paused: false,
  retryAt: null,
  newReplies: [],
};

describe('the badge', () => {
  it('counts unsent verdicts, and warns when something needs the rep', () => {
    expect(badgeOf(EMPTY)).toEqual({ unsent: 0, warning: false });
    expect(badgeOf({ ...EMPTY, held: 1, pending: 2 })).toEqual({ unsent: 3, warning: false });
    expect(badgeOf({ ...EMPTY, paused: true, pending: 1 })).toEqual({ unsent: 1, warning: true });
    expect(badgeOf({ ...EMPTY, linked: false, pending: 1 })).toEqual({ unsent: 1, warning: true });
    const dead = { ...EMPTY, dead: [{} as OutboxStatus['dead'][number]] };
    expect(badgeOf(dead).warning).toBe(true);
  });
});

describe('the sync runner', () => {
  it('after a save, shows the badge and wakes sync when the undo window closes', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const wakeAt = vi.fn();
    const showBadge = vi.fn(async () => undefined);
    const runner = createSyncRunner({
      db: async () => db,
      wakeAt,
      showBadge,
      fetchFn: fakeWorkspace().fetchFn,
    });
    const saved = await saveVerdict(db, verdictInput(), LINK, new Date());
    await runner.changed();
    expect(wakeAt).toHaveBeenCalledWith(new Date(saved.undoUntil!), expect.any(Function));
    expect(showBadge).toHaveBeenLastCalledWith({ unsent: 1, warning: false });
  });

  it('a run sends what is due and clears the badge', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const ws = fakeWorkspace();
    const showBadge = vi.fn(async () => undefined);
    const runner = createSyncRunner({
      db: async () => db,
      wakeAt: vi.fn(),
      showBadge,
      fetchFn: ws.fetchFn,
      now: () => new Date(Date.now() + 60_000),
    });
    await saveVerdict(db, verdictInput(), LINK, new Date());
    expect((await runner.run()).sent).toBe(1);
    expect(showBadge).toHaveBeenLastCalledWith({ unsent: 0, warning: false });
  });
});
