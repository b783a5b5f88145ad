import { z } from 'zod';

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
export const Crm = z.enum(CRMS);
export type Crm = z.infer<typeof Crm>;

export const OBJECT_TYPES = ['lead', 'contact', 'deal', 'person'] as const;
export const ObjectType = z.enum(OBJECT_TYPES);
export type ObjectType = z.infer<typeof ObjectType>;

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
export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

export const BRIEF_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export const BriefStatus = z.enum(BRIEF_STATUSES);
export type BriefStatus = z.infer<typeof BriefStatus>;

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const ROLES = ['rep', 'marketer', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const RESULT_STATUSES = ['created', 'duplicate', 'conflict', 'invalid'] as const;
export const ResultStatus = z.enum(RESULT_STATUSES);
export type ResultStatus = z.infer<typeof ResultStatus>;
