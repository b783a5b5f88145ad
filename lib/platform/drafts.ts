import { browser } from 'wxt/browser';
import type { Answers } from '../../components/VerdictFields';

/** A note and answers typed on a lead and not sent yet. */
export interface Draft {
  note: string;
  answers: Answers;
}

const PREFIX = 'draft:';

const empty = (draft: Draft) => draft.note === '' && Object.keys(draft.answers).length === 0;

/**
 * Half-typed notes and answers, by lead key, in `storage.session` (memory only, for extension pages,
 * gone when the browser closes). The panel's frame reloads whenever the CRM drops it and the content
 * script puts it back (a re-rendered page, a replaced body); what the rep had typed comes back with it.
 */
export async function loadDraft(leadKey: string): Promise<Draft | null> {
  try {
    const stored = (await browser.storage.session.get(PREFIX + leadKey))[PREFIX + leadKey] as
      | Partial<Draft>
      | undefined;
    if (!stored || typeof stored.note !== 'string' || typeof stored.answers !== 'object') return null;
    return { note: stored.note, answers: stored.answers ?? {} };
  } catch {
    return null;
  }
}

/** Keeps the draft of this lead (an empty one is forgotten). Never throws: a lost draft is not an error. */
export async function keepDraft(leadKey: string, draft: Draft): Promise<void> {
  try {
    if (empty(draft)) await browser.storage.session.remove(PREFIX + leadKey);
    else await browser.storage.session.set({ [PREFIX + leadKey]: draft });
  } catch {
    // storage.session full or gone: the draft stays in the view's memory.
  }
}
