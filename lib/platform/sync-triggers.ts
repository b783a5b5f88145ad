import { browser } from 'wxt/browser';

/** Armed at every start where it is missing (alarms can be lost with the browser's profile state). */
const PERIODIC = 'sameroom-sync';
/** One-shot: the end of an undo window or of a backoff, for when the worker sleeps before then. */
const WAKE = 'sameroom-wake';
export const SYNC_PERIOD_MINUTES = 1;

/**
 * Registers what wakes sync: the alarms and the browser's start. Call synchronously at the
 * background's start, then call the returned `arm` (it is async and may be awaited later).
 */
export function listenForSyncTriggers(run: (trigger: 'alarm' | 'startup') => void): { arm(): Promise<void> } {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === PERIODIC || alarm.name === WAKE) run('alarm');
  });
  browser.runtime.onStartup.addListener(() => run('startup'));
  return {
    async arm() {
      // Created anew at every start, it was put off by a minute each time: Chrome stops an idle worker
      // after 30 s and an open panel's port starts it again, so with a CRM tab open it never fired.
      const armed = await browser.alarms.get(PERIODIC).catch(() => undefined);
      // Kept when it fires within its period: after the clock was set back, one due hours ahead is not.
      const period = SYNC_PERIOD_MINUTES * 60_000;
      if (armed?.periodInMinutes === SYNC_PERIOD_MINUTES && armed.scheduledTime <= Date.now() + period)
        return;
      await browser.alarms.create(PERIODIC, {
        periodInMinutes: SYNC_PERIOD_MINUTES,
        delayInMinutes: SYNC_PERIOD_MINUTES,
      });
    },
  };
}

let timer: ReturnType<typeof setTimeout> | undefined;
let timerAt = Number.POSITIVE_INFINITY;

/**
 * Runs `run` at `at`: a timer while this worker lives, and an alarm in case it is stopped first
 * (an early alarm is harmless: sync only sends what is due).
 */
export function wakeAt(at: Date, run: () => void): void {
  const when = Math.max(at.getTime(), Date.now() + 50);
  if (when < timerAt || timer === undefined) {
    clearTimeout(timer);
    timerAt = when;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
      run();
    }, when - Date.now());
  }
  void browser.alarms.create(WAKE, { when: when + 1_000 });
}
