/**
 * The protocol's closed lists as plain constants, free of zod, so UI code in the content script can
 * use them without bundling the schemas. `enums.ts` builds the zod enums from these.
 */
export const CRMS = [
  'salesforce',
  'hubspot',
  'pipedrive',
  'dynamics',
  'zoho',
  'close',
  'freshsales',
  'attio',
  'custom',
] as const;
export const OBJECT_TYPES = ['lead', 'contact', 'deal', 'person'] as const;
/** In the order the panel shows them; digits 1–8 pick them. */
export const VERDICTS = [
  'good_fit',
  'wrong_audience',
  'tire_kicker',
  'not_ready',
  'bad_contact',
  'spam',
  'won',
  'lost',
] as const;
/** The verdicts that count as the lead being "our kind of people". */
export const GOOD_FIT_VERDICTS = [
  'good_fit',
  'won',
  'lost',
] as const satisfies readonly (typeof VERDICTS)[number][];
export const BRIEF_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export const ROLES = ['rep', 'marketer', 'admin'] as const;
export const RESULT_STATUSES = ['created', 'duplicate', 'conflict', 'invalid'] as const;
