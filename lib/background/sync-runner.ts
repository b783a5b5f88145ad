import type { IDBPDatabase } from 'idb';
import type { OutboxStatus } from '../messages';
import { outboxStatus } from '../outbox/outbox';
import { type SyncReport, singleFlight, syncOutbox } from '../outbox/sync';
import type { BadgeState } from '../platform/badge';
import type { SameroomDb } from '../store/db';
import { keptLink } from '../store/kept';
import { currentCampaigns } from './campaigns';

export interface SyncRunnerDeps {
  db(): Promise<IDBPDatabase<SameroomDb>>;
  wakeAt(at: Date, run: () => void): void;
  showBadge(state: BadgeState): Promise<void>;
  now?: () => Date;
  fetchFn?: typeof fetch;
  /** The briefs were fetched on a trigger: open panels are shown them (and no longer "offline"). */
  campaignsRefreshed?: () => void;
}

export function badgeOf(status: OutboxStatus): BadgeState {
  const unsent = status.held + status.pending;
  return {
    unsent,
    warning: status.dead.length > 0 || status.paused || (!status.linked && unsent > 0),
    replies: status.newReplies.length,
  };
}

/**
 * The background's sync: one run at a time, the badge kept true after every change, and the next run
 * scheduled for when something becomes due. Alarms and the browser's start also refresh the briefs.
 */
export function createSyncRunner(deps: SyncRunnerDeps) {
  const now = () => deps.now?.() ?? new Date();
  let forceNext = false;

  async function refreshBadge(): Promise<OutboxStatus> {
    const status = await outboxStatus(await deps.db());
    await deps.showBadge(badgeOf(status)).catch(() => undefined);
    return status;
  }

  const flight = singleFlight(async (): Promise<SyncReport> => {
    const force = forceNext;
    forceNext = false;
    const report = await syncOutbox(await deps.db(), {
      now,
      force,
      ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}),
    });
    if (report.nextRunAt) deps.wakeAt(new Date(report.nextRunAt), () => void run());
    await refreshBadge();
    return report;
  });

  const changed = singleFlight(async (): Promise<void> => {
    const db = await deps.db();
    const held = (await db.getAll('outbox')).filter((entry) => entry.state !== 'dead');
    const next = held.map((entry) => entry.heldUntil).sort()[0];
    if (next) deps.wakeAt(new Date(next), () => void run());
    await refreshBadge();
  });

  function run(force = false): Promise<SyncReport> {
    forceNext ||= force;
    return flight();
  }

  /** On an alarm or the browser's start: sync, and refresh the briefs if they are stale. */
  async function onTrigger(): Promise<void> {
    const db = await deps.db();
    const link = await keptLink(db);
    const [, fetched] = await Promise.allSettled([
      run(),
      link
        ? currentCampaigns(db, link, { now: now(), ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}) })
        : null,
    ]);
    // A panel said "Campaigns are not available" or "offline" until the rep moved to another record.
    if (link && fetched.status === 'fulfilled') deps.campaignsRefreshed?.();
  }

  return {
    run,
    onTrigger,
    /**
     * At the worker's start: what a trigger does, unless a sync ran without a problem within the
     * alarm's period. Chrome stops an idle worker after 30 s, and an open panel's port starts it again
     * at once: with a CRM tab open, every start synced and refreshed the briefs, twice as often as the
     * alarm asks. What is due is scheduled either way.
     */
    async onStart(periodMs: number): Promise<void> {
      const db = await deps.db();
      const [state, link] = await Promise.all([db.get('sync', 'current'), keptLink(db)]);
      const age = now().getTime() - Date.parse(state?.lastSyncAt ?? '');
      const recent = state && link && state.workspaceUrl === link.workspaceUrl && age >= 0 && age < periodMs;
      if (recent && !state.lastError && !state.paused) return changed();
      return onTrigger();
    },
    /**
     * After a save, an undo or a fix: the badge now, and a run when the undo window closes. Clicks in
     * quick succession share a pass (each reads the whole outbox), so they do not queue up behind the
     * next click's save.
     */
    changed,
  };
}
