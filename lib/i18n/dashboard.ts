import { type DashboardKey, dashboardEn } from './dashboard-en';
import { dashboardEs } from './dashboard-es';
import { currentLanguage, fill, type Language } from './index';

export type { DashboardKey } from './dashboard-en';

/**
 * The marketing dashboard's own words, apart from the extension's dictionaries so they stay out of the
 * extension's messages.json. Words both show (verdicts, signals, object types) come from the extension's
 * dictionary through `verdictLabel` and friends in ./index, so a verdict reads the same everywhere.
 */
export const DASHBOARD_LANGUAGES: Record<Language, Record<DashboardKey, string>> = {
  en: dashboardEn,
  es: dashboardEs,
};

/** The dashboard's text for `key` in the current language, `$1`, `$2`, … filled in as plain text. */
export function td(key: DashboardKey, ...substitutions: Array<string | number>): string {
  return fill(DASHBOARD_LANGUAGES[currentLanguage()][key], substitutions);
}

/** `one` for 1, `other` for every other count (English and Spanish need no more forms). */
export function tdCount(count: number, one: DashboardKey, other: DashboardKey): string {
  return td(count === 1 ? one : other, count);
}
