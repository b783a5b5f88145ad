import { z } from 'zod';
import {
  BRIEF_STATUSES,
  CRMS,
  OBJECT_TYPES,
  PRIORITIES,
  RESULT_STATUSES,
  ROLES,
  VERDICTS,
} from './constants';

export {
  BRIEF_STATUSES,
  CRMS,
  OBJECT_TYPES,
  PRIORITIES,
  RESULT_STATUSES,
  ROLES,
  VERDICTS,
} from './constants';

export const Crm = z.enum(CRMS);
export type Crm = z.infer<typeof Crm>;

export const ObjectType = z.enum(OBJECT_TYPES);
export type ObjectType = z.infer<typeof ObjectType>;

export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

export const BriefStatus = z.enum(BRIEF_STATUSES);
export type BriefStatus = z.infer<typeof BriefStatus>;

export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ResultStatus = z.enum(RESULT_STATUSES);
export type ResultStatus = z.infer<typeof ResultStatus>;
