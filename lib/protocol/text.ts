import { z } from 'zod';

/**
 * Text that PostgreSQL can store and a person can read: well-formed UTF-16 (no lone surrogates, which
 * cannot be encoded as UTF-8) and no NUL (which PostgreSQL's text type refuses). Trimmed; bounded.
 */
function wellFormed(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine(wellFormed, { message: 'must be readable text (no NUL or broken characters)' })
    .transform((value) => value.trim());
}

/** Text that must say something once trimmed. */
export function requiredText(max: number) {
  return text(max).refine((value) => value.length > 0, { message: 'must not be empty' });
}

/** Year 0000 passes the ISO formats but not PostgreSQL ("date/time field value out of range"). */
const notYearZero = (value: string) => !value.startsWith('0000');
const fromYearOne = { message: 'must be in year 0001 or later' };

/** A calendar date, YYYY-MM-DD. */
export const isoDate = z.iso.date().refine(notYearZero, fromYearOne);

/** The first instant PostgreSQL stores as AD, and the widest offset it reads (MAX_TZDISP_HOUR 15). */
const YEAR_ONE = Date.parse('0001-01-01T00:00:00Z');
const widestOffset = /[+-](?:0\d|1[0-5]):?\d\d$|Z$/i;

/**
 * An instant with its offset, as JSON.stringify(new Date()) gives it. Year 1 or later in UTC (written
 * in year 1 with an offset east of it, it was stored as a BC date that PGlite reads back as an invalid
 * Date, failing every list holding it), and an offset PostgreSQL reads (one of ±16:00 or more failed
 * the whole batch).
 */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine(notYearZero, fromYearOne)
  .refine((value) => Date.parse(value) >= YEAR_ONE, { message: 'must be in year 0001 or later (UTC)' })
  .refine((value) => widestOffset.test(value), { message: 'must have an offset within ±15:59' });

/** Workspace-made ids (briefs, members, feedback items) are UUIDs. */
export const id = z.uuid();
