import type { IDBPDatabase, IDBPObjectStore } from 'idb';
import { z } from 'zod';
import { keyWithoutSite } from '../campaigns/lead-key';
import { type Answer, LIMITS, Verdict } from '../protocol';
import { inTransaction, type SameroomDb } from './db';
import { DRAFT_NOTE_LIMIT, draftWasSent, type SentText, withAside, withUndone } from './draft-text';

export { deadDraftKey } from './draft-text';

/**
 * Where a draft was typed: a lead's panel (`lead:` and the lead's key), the popup's quick form, or the
 * popup's form fixing a verdict the workspace refused (`dead:` and the verdict's id).
 */
export const DraftKey = z.union([
  z.literal('quick'),
  z
    .string()
    .startsWith('lead:')
    .max(5 + LIMITS.recordId + LIMITS.short + 1 + LIMITS.site),
  z
    .string()
    .startsWith('dead:')
    .max(5 + LIMITS.recordId),
]);
export type DraftKey = z.infer<typeof DraftKey>;

export const leadDraftKey = (leadKey: string): DraftKey => `lead:${leadKey}`;

/**
 * A note and answers typed and not sent yet; the popup's quick form keeps its other fields with them.
 * The limits are the fields' own (what a field cannot hold, a draft need not either), but for the
 * note: an Undo or a kept draft put back before what was typed can make it longer than a verdict's.
 */
export const Draft = z.strictObject({
  note: z.string().max(DRAFT_NOTE_LIMIT),
  /** By question. */
  answers: z
    .record(z.string().max(LIMITS.short), z.string().max(LIMITS.short))
    .refine((answers) => Object.keys(answers).length <= LIMITS.listItems * 5, 'too many answers'),
  quick: z
    .strictObject({
      campaignId: z.string().max(LIMITS.recordId),
      leadLink: z.string().max(LIMITS.url),
      verdict: Verdict,
      region: z.string().max(LIMITS.name),
      /**
       * The note of a verdict undone while the form held the next lead, shown beside the form until the
       * rep dismisses it: kept with the draft, so closing the popup does not lose it.
       */
      aside: z.string().max(DRAFT_NOTE_LIMIT).optional(),
    })
    .optional(),
  /** A refused verdict's fix: the verdict and region chosen for it (its note is the draft's). */
  fix: z
    .strictObject({
      verdict: Verdict,
      region: z.string().max(LIMITS.name),
    })
    .optional(),
});
export type Draft = z.infer<typeof Draft>;

/** Nothing typed: kept as no draft at all. */
export const isEmptyDraft = (draft: Draft): boolean =>
  draft.note === '' &&
  !draft.fix &&
  Object.values(draft.answers).every((answer) => answer === '') &&
  (!draft.quick || (draft.quick.leadLink === '' && draft.quick.campaignId === '' && !draft.quick.aside));

type Stored = SameroomDb['drafts']['value'];
type DraftStore = IDBPObjectStore<SameroomDb, ['drafts'], 'drafts', 'readwrite'>;

/** A stored value as a draft, or null: one that no longer reads as a draft is none. */
function asDraft(stored: Stored | undefined): Draft | null {
  if (!stored) return null;
  const { keptAt: _keptAt, ...draft } = stored;
  const read = Draft.safeParse(draft);
  return read.success ? read.data : null;
}

/** Writes `draft` under `key`; an empty one (or none) removes it. */
async function write(store: DraftStore, key: DraftKey, draft: Draft | null, now: Date): Promise<void> {
  if (!draft || isEmptyDraft(draft)) await store.delete(key);
  else await store.put({ ...draft, keptAt: now.toISOString() }, key);
}

/**
 * The draft kept for `key`, or null. A custom site's record kept its draft under its key without the
 * site before lead keys carried it (lib/campaigns/lead-key.ts): found there, it moves to the key the
 * record has now, so what the rep typed shows on the record, and a verdict sent from it forgets it.
 */
export async function keptDraft(db: IDBPDatabase<SameroomDb>, key: DraftKey): Promise<Draft | null> {
  const kept = asDraft(await db.get('drafts', key));
  const before = key.startsWith('lead:') ? keyWithoutSite(key) : null;
  if (kept || !before) return kept;
  const tx = db.transaction('drafts', 'readwrite');
  return inTransaction(tx, async () => {
    const [now, then] = await Promise.all([tx.store.get(key), tx.store.get(before)]);
    const moved = !now && then && asDraft(then) ? then : undefined;
    if (moved) await Promise.all([tx.store.put(moved, key), tx.store.delete(before)]);
    await tx.done;
    return asDraft(now ?? moved);
  });
}

/**
 * Keeps the draft for `key`; an empty one removes it. The default (relaxed) durability is enough: the
 * write reaches the operating system before it is answered, so a browser that crashes keeps it, and
 * the next keystroke writes it again anyway. Writes for one key are applied in the order they are made
 * (IndexedDB runs read-write transactions on one store in the order they were created).
 */
export async function keepDraft(
  db: IDBPDatabase<SameroomDb>,
  key: DraftKey,
  draft: Draft,
  now: Date,
): Promise<void> {
  const tx = db.transaction('drafts', 'readwrite');
  return inTransaction(tx, async () => {
    await Promise.all([write(tx.store, key, draft, now), tx.done]);
  });
}

/** A draft with what was sent taken out: none for a lead; the popup's form keeps its campaign and verdict. */
const afterSending = (draft: Draft): Draft | null =>
  draft.quick ? { note: '', answers: {}, quick: { ...draft.quick, leadLink: '' } } : null;

/**
 * Forgets the draft a saved verdict sent, unless the rep has written more since. The background does
 * this after each save, for the page that sent it: a popup closed, or a panel frame gone, while the
 * verdict was saving would otherwise leave the sent note as a draft to be sent again.
 */
export async function forgetSentDraft(
  db: IDBPDatabase<SameroomDb>,
  key: DraftKey,
  sent: SentText,
  now: Date,
): Promise<void> {
  const tx = db.transaction('drafts', 'readwrite');
  return inTransaction(tx, async () => {
    const draft = asDraft(await tx.store.get(key));
    if (draft && draftWasSent(draft, sent)) await write(tx.store, key, afterSending(draft), now);
    await tx.done;
  });
}

/**
 * An undone verdict's note and answers back in the draft it came from, written by the background as it
 * answers the Undo. Only the page put them back, once answered: a popup closed (any click outside it)
 * or a tab closed in between lost the verdict and its note both. The page, still open, then writes its
 * own draft over this one (the same text). The popup's form gets the note beside it (`aside`), as it
 * does when it holds the next lead: the background cannot tell which lead's link the form holds.
 */
export async function keepUndone(
  db: IDBPDatabase<SameroomDb>,
  key: DraftKey,
  undone: { note: string; answers: readonly Answer[] },
  now: Date,
): Promise<void> {
  const typed = undone.note.trim() !== '' || undone.answers.some(({ answer }) => answer.trim() !== '');
  if (!typed) return;
  const tx = db.transaction('drafts', 'readwrite');
  return inTransaction(tx, async () => {
    const draft = asDraft(await tx.store.get(key)) ?? { note: '', answers: {} };
    const back =
      key === 'quick'
        ? undone.note.trim()
          ? {
              ...draft,
              quick: {
                ...(draft.quick ?? {
                  campaignId: '',
                  leadLink: '',
                  verdict: 'good_fit' as const,
                  region: '',
                }),
                aside: withAside(draft.quick?.aside, undone.note),
              },
            }
          : draft
        : withUndone(draft, undone);
    await write(tx.store, key, back, now);
    await tx.done;
  });
}
