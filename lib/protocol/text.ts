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

/** An instant with its offset, as JSON.stringify(new Date()) gives it. */
export const isoDateTime = z.iso.datetime({ offset: true }).refine(notYearZero, fromYearOne);

/** Workspace-made ids (briefs, members, feedback items) are UUIDs. */
export const id = z.uuid();
