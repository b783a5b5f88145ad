import type { z } from 'zod';
import { currentLanguage, formatLocale } from '../../lib/i18n';
import { type DashboardKey, td } from '../../lib/i18n/dashboard';

/**
 * The workspace words its refusals in English, with their particulars (the name taken, the address
 * refused, the disk's free space). An English reader gets those words; a reader in another language
 * gets the dashboard's own words for the refusal's code, and for a code this dashboard does not know (a
 * newer workspace's) the words for its status where they say enough (a 5xx), else the workspace's.
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
  disk_full: 'refusedDiskFull',
  not_ready: 'refusedNotReady',
  too_large: 'refusedTooLarge',
  wrong_host: 'refusedWrongHost',
  cross_origin: 'refusedCrossOrigin',
  starting: 'refusedStarting',
  unavailable: 'refusedUnavailable',
  server_error: 'refusedServerError',
};

/** Whether the dashboard has its own words for this refusal. */
export const knowsRefusal = (code: string): boolean =>
  Object.hasOwn(REFUSALS, code) || code === 'bad_input' || code === 'rate_limited';

/** A refusal as the workspace gave it: `{ error: { code, message, issues? } }`, its status and wait. */
export interface Refusal {
  code: string;
  message: string;
  issues: ReadonlyArray<{ path: string; message: string }>;
  status: number;
  /** Retry-After, in seconds, when the workspace gave one. */
  retryAfter: number | null;
}

/** The words for a refusal, in the reader's language. */
export function refusalWords(refusal: Refusal): string {
  if (currentLanguage() === 'en') return refusal.message;
  const key = REFUSALS[refusal.code];
  if (key) return td(key);
  // Pages that list no field problems (the team's settings, invites) say them here: which field, and why.
  if (refusal.code === 'bad_input' && refusal.issues.length > 0)
    return td(
      'refusedBadInputBecause',
      refusal.issues
        .slice(0, 3)
        .map((issue) =>
          issue.path
            ? `${fieldProblemWords(issue.message)} (${issue.path})`
            : fieldProblemWords(issue.message),
        )
        .join('; '),
    );
  if (refusal.code === 'bad_input') return td('refusedBadInput');
  if (refusal.code === 'rate_limited')
    return refusal.retryAfter
      ? td('refusedRateLimitedWait', Math.max(1, Math.ceil(refusal.retryAfter / 60)))
      : td('refusedRateLimited');
  return refusal.status >= 500 ? td('errServerDown', refusal.status) : refusal.message;
}

/**
 * The words the workspace gives the zod's English for each of its checks, and a few of its own, read
 * from its text: a field problem the workspace sent (the dashboard checks its forms with the same schemas
 * first, so these come from checks only the workspace makes: a name taken, a region past the limit).
 */
const SENT_CHECKS: Array<[RegExp, (found: RegExpExecArray) => string]> = [
  [/^is already a member’s name$/, () => td('issueNameTaken')],
  [/^at most (\d+) regions$/, (found) => td('issueTooMany', number(Number(found[1])))],
  [/^Too big: expected string to have <=?(\d+)/, (found) => td('issueTooLong', number(Number(found[1])))],
  [
    /^Too big: expected (?:array|set) to have <=?(\d+)/,
    (found) => td('issueTooMany', number(Number(found[1]))),
  ],
  [/^Too big: expected \w+ to be <=?(\d+)/, (found) => td('issueAtMost', number(Number(found[1])))],
  [/^Too small: expected string/, () => td('issueEmpty')],
  [
    /^Too small: expected (?:array|set) to have >=?(\d+)/,
    (found) => td('issueTooFew', number(Number(found[1]))),
  ],
  [/^Too small: expected \w+ to be >=?0$/, () => td('issueNegative')],
  [/^Too small: expected \w+ to be >=?(\d+)/, (found) => td('issueAtLeast', number(Number(found[1])))],
  [/^Invalid input: expected int/, () => td('issueWholeNumber')],
  [/^Invalid input: expected number/, () => td('issueNumber')],
  [/^Invalid (?:option|input: expected ")/, () => td('issueChoose')],
  [/^must be at most ([\d,]+)/, (found) => td('issueAtMost', number(Number(found[1]!.replaceAll(',', ''))))],
];

/** One field problem the workspace sent, in the reader's language (its own words in English). */
export function fieldProblemWords(message: string): string {
  if (currentLanguage() === 'en') return message;
  const check = CHECKS.find(([said]) => said(message));
  if (check) return td(check[1]);
  for (const [pattern, words] of SENT_CHECKS) {
    const found = pattern.exec(message);
    if (found) return words(found);
  }
  return td('issueInvalid');
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
