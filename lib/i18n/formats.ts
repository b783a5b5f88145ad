/**
 * Number and date formatters, built once each and only when first used. Building the first Intl
 * formatter in a fresh extension process loads ICU's locale data (32–64 ms measured in Chromium's panel
 * frame after browser start), so views build none while their modules load: they call `warmFormats`
 * once they have asked the background for what to show, and the cost overlaps the wait for the answer.
 */

import { formatLocale } from './index';

/** By currency; null for a code Intl does not know. */
const money = new Map<string, Intl.NumberFormat | null>();
let percent: Intl.NumberFormat | undefined;
let when: Intl.DateTimeFormat | undefined;
let time: Intl.DateTimeFormat | undefined;
let clock: Intl.DateTimeFormat | undefined;

/** `amount` in `currency`, whole units; a code Intl does not know is shown as written after the amount. */
export function formatMoney(amount: number, currency: string): string {
  let format = money.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(formatLocale(), {
        style: 'currency',
        currency,
        maximumFractionDigits: 0,
      });
    } catch {
      format = null;
    }
    money.set(currency, format);
  }
  return format ? format.format(amount) : `${amount} ${currency}`;
}

/** A share (0.25) as a whole percentage in the browser's language. */
export function formatPercent(share: number): string {
  percent ??= new Intl.NumberFormat(formatLocale(), { style: 'percent', maximumFractionDigits: 0 });
  return percent.format(share);
}

/** An ISO time as a short month, day and time of day. */
export function formatWhen(iso: string): string {
  when ??= new Intl.DateTimeFormat(formatLocale(), {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return when.format(new Date(iso));
}

/** An ISO time as its time of day (hours and minutes). */
export function formatTime(iso: string): string {
  time ??= new Intl.DateTimeFormat(formatLocale(), { hour: '2-digit', minute: '2-digit' });
  return time.format(new Date(iso));
}

/**
 * When something was last read: its time of day when that was today, else the day with it (a cache
 * from Friday read on Monday as "09:12" looked like this morning's).
 */
export function formatAsOf(iso: string, now = new Date()): string {
  return isToday(iso, now) ? formatTime(iso) : formatWhen(iso);
}

/** Whether an ISO time falls on today's date, here. */
export function isToday(iso: string, now = new Date()): boolean {
  return new Date(iso).toDateString() === now.toDateString();
}

/** A time to the second: the outbox's last sync and next try, often in the same minute. */
export function formatClock(iso: string): string {
  clock ??= new Intl.DateTimeFormat(formatLocale(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return clock.format(new Date(iso));
}

/** Builds the formatters ahead of their first use (see above). */
export function warmFormats(): void {
  formatPercent(0);
  formatWhen(new Date(0).toISOString());
}
