import type { Answer } from '../protocol';
import type { Draft } from './drafts';

/*
 * Kept apart from ./drafts.ts (its schema is zod's): the panel view compares drafts too, and zod is
 * 100 KB the view would load before its first render.
 */

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
