import type { z } from 'zod';
import { currentLanguage, formatLocale } from '../../lib/i18n';
import { type DashboardKey, td } from '../../lib/i18n/dashboard';

/**
 * The workspace words its refusals in English, with their particulars (the name taken, the address
 * refused, the disk's free space). An English reader gets those words; a reader in another language
 * gets the dashboard's own words for the refusal's code, and the workspace's only for a code this
 * dashboard does not know (a newer workspace's).
 */
const REFUSALS: Record<string, DashboardKey> = {
  bad_code: 'refusedBadCode',
  used_code: 'refusedUsedCode',
  replaced_code: 'refusedReplacedCode',
  expired_code: 'refusedExpiredCode',
  dashboard_role: 'refusedDashboardRole',
  forbidden: 'refusedForbidden',
  not_found: 'refusedNotFound',
  conflict: 'refusedConflict',
  changed: 'briefChanged',
  name_taken: 'refusedNameTaken',
  rep_removed: 'refusedRepRemoved',
  self_removal: 'refusedSelfRemoval',
  webhook_not_public: 'refusedWebhook',
  bad_input: 'refusedBadInput',
  rate_limited: 'refusedRateLimited',
  disk_full: 'refusedDiskFull',
  not_ready: 'refusedNotReady',
  too_large: 'refusedTooLarge',
  wrong_host: 'refusedWrongHost',
  cross_origin: 'refusedCrossOrigin',
};

/** Whether the dashboard has its own words for this refusal. */
export const knowsRefusal = (code: string): boolean => Object.hasOwn(REFUSALS, code);

/** The words for a refusal the workspace gave as `{ error: { code, message } }`. */
export function refusalWords(code: string, message: string): string {
  const key = REFUSALS[code];
  return currentLanguage() === 'en' || !key ? message : td(key);
}

/**
 * One of a refusal's field problems: the workspace's only field problem with words of its own (a
 * member's name already taken) in the reader's language; any other as the workspace gave it (the
 * dashboard checks its forms with the workspace's own schemas first, so these are rare).
 */
export function refusedFieldWords(code: string, message: string): string {
  return currentLanguage() !== 'en' && code === 'name_taken' ? td('issueNameTaken') : message;
}

/**
 * The protocol's English words for its own checks (lib/protocol), by their text: the dashboard's
 * words for the same check. The rest are zod's own checks, read by their kind below.
 */
const CHECKS: Array<[(message: string) => boolean, DashboardKey]> = [
  [(m) => m === 'must not be empty', 'issueEmpty'],
  [(m) => m.startsWith('must be readable text'), 'issueUnreadable'],
  [(m) => m === 'the end date is before the start date', 'issueDatesOrder'],
  [(m) => m.startsWith('the budget, deal value and margin need more than'), 'issueBreakEvenTooMany'],
  [(m) => m.startsWith('must be in year 0001'), 'issueYearOne'],
  [(m) => m.startsWith('must be a three-letter currency code'), 'issueCurrency'],
  [(m) => m === 'must be a whole number', 'issueWholeNumber'],
  [(m) => m === 'must be a number', 'issueNumber'],
  [(m) => m === 'must be an http(s) address' || m === 'must be a web address', 'issueWebAddress'],
];

const number = (value: number | bigint) => Number(value).toLocaleString(formatLocale());

/**
 * A problem the dashboard's own check of a form found (zod's issue), in the reader's language: in
 * English the protocol's words as they are, in another language the dashboard's words for the check.
 */
export function issueWords(issue: z.core.$ZodIssue): string {
  if (currentLanguage() === 'en') return issue.message;
  const check = CHECKS.find(([said]) => said(issue.message));
  if (check) return td(check[1]);
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return td('issueTooLong', number(issue.maximum));
      if (issue.origin === 'array' || issue.origin === 'set')
        return td('issueTooMany', number(issue.maximum));
      return td('issueAtMost', number(issue.maximum));
    case 'too_small':
      if (issue.origin === 'string') return td('issueEmpty');
      if (issue.origin === 'array' || issue.origin === 'set') return td('issueTooFew', number(issue.minimum));
      return Number(issue.minimum) === 0 ? td('issueNegative') : td('issueAtLeast', number(issue.minimum));
    case 'invalid_type':
      if (issue.expected === 'int') return td('issueWholeNumber');
      return issue.expected === 'number' ? td('issueNumber') : td('issueInvalid');
    case 'invalid_value':
      return td('issueChoose');
    default:
      return td('issueInvalid');
  }
}
