import type { Answer } from '../protocol';
import { LIMITS } from '../protocol/limits';
import type { Draft } from './drafts';

/** The draft key of a refused verdict's fix (`dead:` and its id; `DraftKey` in ./drafts.ts). Here, not
 * there: the popup takes it without the schemas. */
export const deadDraftKey = (id: string) => `dead:${id}` as const;

/*
 * Kept apart from ./drafts.ts (its schema is zod's): the panel view compares drafts too, and zod is
 * 100 KB the view would load before its first render.
 */

/**
 * A draft's note may be longer than a verdict's: an undone verdict's note goes back in the box before
 * what the rep wrote since, and a kept draft before what was typed while it was read. Nothing of
 * either is cut off to fit (the box then says how much to shorten before sending); this bound is
 * only against a draft grown without end, and no typing reaches it.
 */
export const DRAFT_NOTE_LIMIT = 10 * LIMITS.note;

/** Whether a note is too long to go with a verdict. */
export const noteTooLong = (note: string): boolean => note.length > LIMITS.note;

/** What a verdict sent: its note, its answers (blank ones may be left out) and, from the popup, its address. */
export interface SentText {
  note?: string | undefined;
  answers?: readonly Answer[] | undefined;
  url?: string | undefined;
}

/** The address a lead link typed in the popup stands for: one copied without its scheme is an https one. */
export function quickLeadLink(typed: string): string {
  const pasted = typed.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(pasted) ? pasted : `https://${pasted}`;
}

/**
 * Whether a draft holds nothing but what a verdict sent, so that forgetting it loses nothing: the same
 * note, and every answer in it that is not blank sent as it is (in any order). A draft with anything
 * more or else is kept.
 */
export function draftWasSent(draft: Draft, sent: SentText): boolean {
  if (draft.note.trim() !== (sent.note ?? '').trim()) return false;
  // The popup sends the link as quickLeadLink makes it, and keeps it as typed.
  if (draft.quick && quickLeadLink(draft.quick.leadLink) !== (sent.url ?? '').trim()) return false;
  const given = new Map((sent.answers ?? []).map(({ question, answer }) => [question, answer.trim()]));
  return Object.entries(draft.answers).every(
    ([question, answer]) => answer.trim() === '' || given.get(question) === answer.trim(),
  );
}

/**
 * A draft with an undone verdict's note and answers back in it, before what the rep has written since
 * (which stays): the note first, then theirs after a blank line (once, when they typed it again); an
 * answer they have written since wins over the undone one.
 */
export function withUndone(since: Draft, undone: { note: string; answers: readonly Answer[] }): Draft {
  const typed = since.note.trim();
  const typedAnswers = Object.entries(since.answers).filter(([, answer]) => answer.trim() !== '');
  return {
    ...since,
    note: (typed && typed !== undone.note.trim() ? `${undone.note}\n\n${since.note}` : undone.note).slice(
      0,
      DRAFT_NOTE_LIMIT,
    ),
    answers: {
      ...Object.fromEntries(undone.answers.map(({ question, answer }) => [question, answer])),
      ...Object.fromEntries(typedAnswers),
    },
  };
}

/**
 * The popup's note set beside its form (`aside`) with an undone verdict's note after it: a second
 * verdict undone goes with the first, not over it.
 */
export const withAside = (aside: string | null | undefined, note: string): string =>
  (aside ? `${aside}\n\n${note}` : note).slice(0, DRAFT_NOTE_LIMIT);

/**
 * A note box's text with its kept draft's note read into it after the rep began typing: the kept note
 * first, what was typed after it. A box holding nothing but blanks, or only the kept note, or the head of
 * one (an undone note the background put back before what the draft held) takes the kept note alone; a
 * box that holds the kept note already stays as it is. A few words typed that happen to be in the kept
 * note are still the rep's own, and go after it.
 */
export function withKeptNote(typed: string, kept: string): string {
  if (typed.trim() === '' || kept === typed || kept.startsWith(`${typed}\n\n`)) return kept;
  if (typed.includes(kept)) return typed;
  return `${kept}\n${typed}`.slice(0, DRAFT_NOTE_LIMIT);
}
