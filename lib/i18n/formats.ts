/**
 * Number and date formatters, built once each (for each locale asked in) and only when first used,
 * for the extension's views and the dashboard alike. Building the first Intl formatter in a fresh
 * extension process loads ICU's locale data (32–64 ms measured in Chromium's panel frame after browser
 * start), so views build none while their modules load: they call `warmFormats` once they have asked
 * the background for what to show, and the cost overlaps the wait for the answer.
 */

import { formatLocale } from './index';

/** Each formatter by its kind and the locale it writes in (formatLocale), built once. */
const built = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | null>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | null>(
  kind: string,
  build: (locale: string) => T,
): T {
  const locale = formatLocale();
  const key = `${kind}|${locale}`;
  if (!built.has(key)) built.set(key, build(locale));
  return built.get(key) as T;
}

/** `amount` in `currency`, whole units; a code Intl does not know is shown as written after the amount. */
export function formatMoney(amount: number, currency: string): string {
  const format = cached(`money ${currency}`, (locale) => {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
    } catch {
      return null;
    }
  });
  return format ? format.format(amount) : `${amount} ${currency}`;
}

/** A share (0.25) as a whole percentage, as the reader writes one ("25%", "25 %"). */
export function formatPercent(share: number): string {
  return cached(
    'percent',
    (locale) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
  ).format(share);
}

/** An ISO time as a short month, day and time of day. */
export function formatWhen(iso: string): string {
  return cached(
    'when',
    (locale) =>
      new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  ).format(new Date(iso));
}

/** An ISO time as its time of day (hours and minutes). */
export function formatTime(iso: string): string {
  return cached(
    'time',
    (locale) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
  ).format(new Date(iso));
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
  return cached(
    'clock',
    (locale) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  ).format(new Date(iso));
}

/** Builds the formatters ahead of their first use (see above). */
export function warmFormats(): void {
  formatPercent(0);
  formatWhen(new Date(0).toISOString());
}
