import type { IDBPDatabase } from 'idb';
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { keyWithoutSite } from '../campaigns/lead-key';
import { inTurn } from '../platform/turns';
import { type Answer, LIMITS, Verdict } from '../protocol';
import { inTransaction, type SameroomDb } from './db';
import { DRAFT_NOTE_LIMIT, draftWasSent, type SentText, withAside, withUndone } from './draft-text';

export { deadDraftKey } from './draft-text';

/** The prefix of a draft key typed in a private window (`privateLeadDraftKey`). */
const PRIVATE = 'private:';

/**
 * Where a draft was typed: a lead's panel (`lead:` and the lead's key; `private:lead:` in a private
 * window's tab), the popup's quick form, or the popup's form fixing a verdict the workspace refused
 * (`dead:` and the verdict's id).
 */
export const DraftKey = z.union([
  z.literal('quick'),
  z
    .string()
    .startsWith('lead:')
    .max(5 + LIMITS.recordId + LIMITS.short + 1 + LIMITS.site),
  z
    .string()
    .startsWith(PRIVATE)
    .max(PRIVATE.length + 5 + LIMITS.recordId + LIMITS.short + 1 + LIMITS.site)
    .refine((key) => key.startsWith(`${PRIVATE}lead:`), 'only a lead’s draft is kept for a private window'),
  z
    .string()
    .startsWith('dead:')
    .max(5 + LIMITS.recordId),
]);
export type DraftKey = z.infer<typeof DraftKey>;

export const leadDraftKey = (leadKey: string): DraftKey => `lead:${leadKey}`;

/** A lead's draft typed in a private window's tab (an incognito tab in Chromium): kept in memory alone. */
export const privateLeadDraftKey = (leadKey: string): DraftKey => `${PRIVATE}lead:${leadKey}`;

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

/** A stored value as a draft, or null: one that no longer reads as a draft is none. */
function asDraft(stored: Stored | undefined): Draft | null {
  if (!stored) return null;
  const { keptAt: _keptAt, ...draft } = stored;
  const read = Draft.safeParse(draft);
  return read.success ? read.data : null;
}

/** What to keep for a draft: none for an empty one. */
const stored = (draft: Draft | null, now: Date): Stored | null =>
  !draft || isEmptyDraft(draft) ? null : { ...draft, keptAt: now.toISOString() };

/**
 * Where drafts are kept. `change` reads a key's draft and writes what `next` makes of it (null: none;
 * undefined: as it was) in one step, which no other change to drafts comes between.
 */
interface Shelf {
  change(key: DraftKey, next: (kept: Draft | null) => Stored | null | undefined): Promise<void>;
}

/** The extension's database, on disk: every draft but a private window's. */
function diskShelf(db: IDBPDatabase<SameroomDb>): Shelf {
  return {
    async change(key, next) {
      const tx = db.transaction('drafts', 'readwrite');
      // Awaited with the writes: a write that fails (a full disk) fails the transaction too, and its
      // rejection, left alone meanwhile, was reported as uncaught in the worker.
      const done = tx.done;
      return inTransaction(tx, async () => {
        const write = async () => {
          const kept = next(asDraft(await tx.store.get(key)));
          if (kept === null) await tx.store.delete(key);
          else if (kept) await tx.store.put(kept, key);
        };
        await Promise.all([write(), done]);
      });
    },
  };
}

/**
 * A private window's drafts, in the browser's memory (`storage.session`): a private window promises
 * that what is done in it leaves nothing on the computer, and the database is on disk, shared with
 * every window. Kept there, a draft outlives the worker's restarts and the panel's reloads, and is
 * forgotten with the last private window (`forgetPrivateDrafts`). Reads and changes run in turn, as
 * IndexedDB runs its transactions on one store: `storage.session` has none, and a read and a write of
 * two changes to one key could otherwise interleave (the second Undo's note written over the first's).
 */
const memoryShelf = (() => {
  const turn = <T>(work: () => Promise<T>): Promise<T> => inTurn('sameroom-private-drafts', work);
  const name = (key: DraftKey) => `draft:${key}`;
  const get = async (key: DraftKey): Promise<Draft | null> =>
    asDraft((await browser.storage.session.get(name(key)))[name(key)] as Stored | undefined);
  return {
    read: (key: DraftKey) => turn(() => get(key)),
    change: (key, next) =>
      turn(async () => {
        const kept = next(await get(key));
        if (kept === null) await browser.storage.session.remove(name(key));
        else if (kept) await browser.storage.session.set({ [name(key)]: kept });
      }),
    forgetAll: () =>
      turn(async () => {
        const kept = Object.keys(await browser.storage.session.get(null));
        const drafts = kept.filter((stored) => stored.startsWith(`draft:${PRIVATE}`));
        if (drafts.length > 0) await browser.storage.session.remove(drafts);
      }),
  } satisfies Shelf & { read(key: DraftKey): Promise<Draft | null>; forgetAll(): Promise<void> };
})();

/**
 * Forgets every private window's draft: called once no private window is left (lib/platform/
 * private-windows.ts), as the browser forgets the rest of what was done in them. In turn with the
 * shelf's changes, so one made before is forgotten too.
 */
export async function forgetPrivateDrafts(): Promise<void> {
  await memoryShelf.forgetAll();
}

const shelfFor = (db: IDBPDatabase<SameroomDb>, key: DraftKey): Shelf =>
  key.startsWith(PRIVATE) ? memoryShelf : diskShelf(db);

/**
 * The draft kept for `key`, or null. A custom site's record kept its draft under its key without the
 * site before lead keys carried it (lib/campaigns/lead-key.ts): found there, it moves to the key the
 * record has now, so what the rep typed shows on the record, and a verdict sent from it forgets it.
 */
export async function keptDraft(db: IDBPDatabase<SameroomDb>, key: DraftKey): Promise<Draft | null> {
  if (key.startsWith(PRIVATE)) return memoryShelf.read(key);
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
 * (IndexedDB runs read-write transactions on one store in the order they were created; a private
 * window's shelf runs its changes in turn).
 */
export async function keepDraft(
  db: IDBPDatabase<SameroomDb>,
  key: DraftKey,
  draft: Draft,
  now: Date,
): Promise<void> {
  await shelfFor(db, key).change(key, () => stored(draft, now));
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
  await shelfFor(db, key).change(key, (draft) =>
    draft && draftWasSent(draft, sent) ? stored(afterSending(draft), now) : undefined,
  );
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
  await shelfFor(db, key).change(key, (kept) => {
    const draft = kept ?? { note: '', answers: {} };
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
    return stored(back, now);
  });
}
