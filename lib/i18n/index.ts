import type { ObjectType, Priority, Role, Signals, Verdict } from '../protocol';
import { en, type MessageKey } from './en';
import { es } from './es';

export type { MessageKey } from './en';

export const LANGUAGES = { en, es } as const;
export type Language = keyof typeof LANGUAGES;

/** The browser's language when we have it, else English. Pure: every context has `navigator`. */
export function uiLanguage(preferred: readonly string[] = globalThis.navigator?.languages ?? []): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base && base in LANGUAGES) return base as Language;
  }
  return 'en';
}

let language: Language = uiLanguage();

/** The language strings are shown in, for pages' `lang`. */
export function currentLanguage(): Language {
  return language;
}

/**
 * The locale numbers and dates are written in: the reader's own tag for the language shown (es-MX,
 * en-GB), so that a reader in Mexico gets 1,500.5 and not Spain's 1.500,5, and one whose browser
 * speaks English while Sameroom speaks Spanish (a Spanish content language first) gets Spanish dates;
 * the language alone when none of their tags names it. Before, the extension's formatters took the
 * browser's own locale, and the dashboard the bare language ('es').
 */
export function formatLocale(preferred: readonly string[] = globalThis.navigator?.languages ?? []): string {
  const shown = currentLanguage();
  return preferred.find((tag) => tag.toLowerCase().split('-')[0] === shown) ?? shown;
}

/** For tests and previews: show every string in this language from now on. */
export function setLanguage(next: Language): void {
  language = next;
}

/** The text for `key`, with `$1`, `$2`, … replaced by `substitutions` (as plain text, never markup). */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  return fill(LANGUAGES[language][key], substitutions);
}

/**
 * Messages that name a count as $1, with the form for one. Both languages take it for a count of 1
 * exactly (CLDR's "one" for English and Spanish whole numbers), so no Intl.PluralRules is built: the
 * first Intl object in a fresh extension process loads ICU's data, tens of ms the view cannot spare.
 */
const ONE: Partial<Record<MessageKey, MessageKey>> = {
  panelUnsent: 'panelUnsentOne',
  progressLeads: 'progressLeadsOne',
  cacheSkipped: 'cacheSkippedOne',
  outboxOtherWorkspace: 'outboxOtherWorkspaceOne',
  outboxOtherRep: 'outboxOtherRepOne',
  optionsUnsentKept: 'optionsUnsentKeptOne',
  outboxWaiting: 'outboxWaitingOne',
};

/** A message whose $1 is `count`, in its form for one when there is one of it. */
export function tn(key: MessageKey, count: number, ...rest: Array<string | number>): string {
  return t((count === 1 && ONE[key]) || key, count, ...rest);
}

/** `text` with `$1`, `$2`, … replaced by `substitutions`; a placeholder with no value stays visible. */
export function fill(text: string, substitutions: ReadonlyArray<string | number>): string {
  return text.replace(/\$(\d)/g, (placeholder, digit: string) => {
    const value = substitutions[Number(digit) - 1];
    return value === undefined ? placeholder : String(value);
  });
}

const PRIORITY_KEYS: Record<Priority, MessageKey> = {
  high: 'briefPriorityHigh',
  normal: 'briefPriorityNormal',
  low: 'briefPriorityLow',
};

/** A brief's priority as the panel shows it ("High priority", "Prioridad alta"). */
export function priorityLabel(priority: Priority): string {
  return t(PRIORITY_KEYS[priority]);
}

const ROLE_KEYS: Record<Role, MessageKey> = { rep: 'roleRep', marketer: 'roleMarketer', admin: 'roleAdmin' };

/** A member's role in the rep's language, as the dashboard names it. */
export function roleLabel(role: Role): string {
  return t(ROLE_KEYS[role]);
}

const OBJECT_KEYS: Record<ObjectType, MessageKey> = {
  lead: 'objectLead',
  contact: 'objectContact',
  deal: 'objectDeal',
  person: 'objectPerson',
};

export function objectTypeLabel(objectType: ObjectType): string {
  return t(OBJECT_KEYS[objectType]);
}

const VERDICT_KEYS: Record<Verdict, MessageKey> = {
  good_fit: 'verdictGoodFit',
  wrong_audience: 'verdictWrongAudience',
  tire_kicker: 'verdictTireKicker',
  not_ready: 'verdictNotReady',
  bad_contact: 'verdictBadContact',
  spam: 'verdictSpam',
  won: 'verdictWon',
  lost: 'verdictLost',
};

/** A verdict's label, in the language shown, or in `inLanguage` (the workspace's webhook writes in its own). */
export function verdictLabel(verdict: Verdict, inLanguage: Language = language): string {
  return LANGUAGES[inLanguage][VERDICT_KEYS[verdict]];
}

const VERDICT_SHORT_KEYS: Record<Verdict, MessageKey> = {
  good_fit: 'verdictShortGoodFit',
  wrong_audience: 'verdictShortWrongAudience',
  tire_kicker: 'verdictShortTireKicker',
  not_ready: 'verdictShortNotReady',
  bad_contact: 'verdictShortBadContact',
  spam: 'verdictShortSpam',
  won: 'verdictShortWon',
  lost: 'verdictShortLost',
};

/** The verdict in a word or two, for the panel's narrow buttons (their accessible name stays the full label). */
export function verdictShortLabel(verdict: Verdict): string {
  return t(VERDICT_SHORT_KEYS[verdict]);
}

const SIGNAL_KEYS: Record<keyof Signals, MessageKey> = {
  leadSource: 'signalLeadSource',
  sourceDetail: 'signalSourceDetail',
  campaignId: 'signalCampaignId',
  campaignName: 'signalCampaignName',
  utmSource: 'signalUtmSource',
  utmMedium: 'signalUtmMedium',
  utmCampaign: 'signalUtmCampaign',
  region: 'signalRegion',
};

export function signalLabel(signal: keyof Signals): string {
  return t(SIGNAL_KEYS[signal]);
}
