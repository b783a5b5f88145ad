import { describe, expect, it, vi } from 'vitest';
import { badgeOf, createSyncRunner } from '../../../lib/background/sync-runner';
import type { OutboxStatus } from '../../../lib/messages';
import { saveVerdict } from '../../../lib/outbox/outbox';
import { badgeLook } from '../../../lib/platform/badge';
import { openSameroomDb } from '../../../lib/store/db';
import { keepLink } from '../../../lib/store/kept';
import { outboxStatus } from '../../support/examples';
import { fakeWorkspace, LINK, verdictInput } from '../outbox/fake-workspace';

const EMPTY = outboxStatus();

describe('the badge', () => {
  it('counts unsent verdicts, and warns when something needs the rep', () => {
    expect(badgeOf(EMPTY)).toEqual({ unsent: 0, warning: false, replies: 0 });
    expect(badgeOf({ ...EMPTY, held: 1, pending: 2 })).toEqual({ unsent: 3, warning: false, replies: 0 });
    expect(badgeOf({ ...EMPTY, paused: true, pending: 1 })).toEqual({ unsent: 1, warning: true, replies: 0 });
    expect(badgeOf({ ...EMPTY, linked: false, pending: 1 })).toEqual({
      unsent: 1,
      warning: true,
      replies: 0,
    });
    const dead = { ...EMPTY, dead: [{} as OutboxStatus['dead'][number]] };
    expect(badgeOf(dead).warning).toBe(true);
  });

  it('shows new replies from marketing when nothing waits or needs the rep, and says so in its tooltip', () => {
    const replies = (n: number) =>
      Array.from({ length: n }, () => ({}) as OutboxStatus['newReplies'][number]);
    expect(badgeOf({ ...EMPTY, newReplies: replies(2) }).replies).toBe(2);
    expect(badgeLook({ unsent: 0, warning: false, replies: 0 })).toEqual({
      text: '',
      color: '#3b6ea5',
      title: 'Sameroom',
    });
    expect(badgeLook({ unsent: 0, warning: false, replies: 2 })).toEqual({
      text: '2',
      color: '#2e7d32',
      title: 'Sameroom: new replies from marketing (2)',
    });
    // Unsent verdicts and warnings come first; the replies stay in the tooltip.
    expect(badgeLook({ unsent: 3, warning: false, replies: 2 })).toMatchObject({
      text: '3',
      color: '#3b6ea5',
    });
    expect(badgeLook({ unsent: 0, warning: true, replies: 2 })).toEqual({
      text: '!',
      color: '#b3261e',
      title: 'Sameroom: new replies from marketing (2)',
    });
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
    expect(showBadge).toHaveBeenLastCalledWith({ unsent: 1, warning: false, replies: 0 });
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
    expect(showBadge).toHaveBeenLastCalledWith({ unsent: 0, warning: false, replies: 0 });
  });

  it('on a trigger, asks for the briefs and has the open panels shown what they show now; unlinked, nothing', async () => {
    const db = await openSameroomDb();
    const campaignsRefreshed = vi.fn();
    const ws = fakeWorkspace();
    const runner = createSyncRunner({
      db: async () => db,
      wakeAt: vi.fn(),
      showBadge: vi.fn(async () => undefined),
      fetchFn: ws.fetchFn,
      campaignsRefreshed,
    });
    await runner.onTrigger();
    expect(campaignsRefreshed).not.toHaveBeenCalled();
    await db.put('link', LINK, 'current');
    keepLink(db, LINK);
    await runner.onTrigger();
    expect(campaignsRefreshed).toHaveBeenCalledTimes(1);
  });

  it('at a worker start within the period of a sync that went well, asks the workspace nothing (Chrome restarts an idle worker for an open panel every 30 s)', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    keepLink(db, LINK);
    const asked: string[] = [];
    const ws = fakeWorkspace();
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      asked.push(new URL(String(input)).pathname);
      return ws.fetchFn(input, init);
    }) as typeof fetch;
    let clock = new Date('2026-11-22T09:00:00.000Z');
    const wakeAt = vi.fn();
    const runner = createSyncRunner({
      db: async () => db,
      wakeAt,
      showBadge: vi.fn(async () => undefined),
      fetchFn,
      now: () => clock,
    });
    await runner.onStart(60_000);
    expect(asked).toContain('/api/v1/feedback');
    asked.length = 0;
    // 30 s later: the worker stopped and a panel's port started it again.
    clock = new Date(clock.getTime() + 30_000);
    const saved = await saveVerdict(db, verdictInput(), LINK, clock);
    await runner.onStart(60_000);
    expect(asked).toEqual([]);
    // What is due is still scheduled.
    expect(wakeAt).toHaveBeenLastCalledWith(new Date(saved.undoUntil!), expect.any(Function));
    // A minute on, a start syncs again.
    clock = new Date(clock.getTime() + 31_000);
    await runner.onStart(60_000);
    expect(asked).toContain('/api/v1/feedback');
    // So does one within the minute of a sync that failed, or of one with another workspace.
    const sync = (await db.get('sync', 'current'))!;
    for (const state of [
      { ...sync, lastError: 'The workspace failed to answer (502).' },
      { ...sync, workspaceUrl: 'https://old.sameroom.example' },
    ]) {
      await db.put('sync', state, 'current');
      asked.length = 0;
      clock = new Date(Date.parse(state.lastSyncAt!) + 10_000);
      await runner.onStart(60_000);
      expect(asked, JSON.stringify(state)).toContain('/api/v1/feedback');
    }
  });
});
