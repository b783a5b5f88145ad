import type { IDBPDatabase } from 'idb';
import { keyWithoutSite, leadKeyOf } from '../campaigns/lead-key';
import { recordAddress } from '../crm';
import { RepError } from '../errors';
import { t } from '../i18n';
import type { DeadLetter, HistoryEntry, OutboxStatus, ReplyNotice, VerdictInput } from '../messages';
import { type FeedbackItem, requests } from '../protocol';
import { describeIssues } from '../protocol/read';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import {
  inTransaction,
  type LinkRecord,
  type OutboxEntry,
  type SameroomDb,
  type SentEntry,
  type SyncState,
  withUnseenMark,
} from '../store/db';
import { type Draft, deadDraftKey, keptDraft } from '../store/drafts';
import { keptCampaigns, keptLink } from '../store/kept';
import { workspaceTime } from '../workspace/clock';
import { presetRegion } from './region';
import { withheldNames } from './withheld';

/** How long a saved verdict is held back from sync, so the rep can undo it. */
export const UNDO_MS = 10_000;

/**
 * The protocol item for a verdict, checked as the workspace will check it. Throws words on bad input.
 * The page's address becomes the record's own (`recordAddress`), read with the CRMs and custom sites
 * in `settings`.
 */
export function buildItem(
  input: VerdictInput,
  link: LinkRecord,
  now: Date,
  settings: Settings = DEFAULT_SETTINGS,
): FeedbackItem {
  const note = input.note?.trim();
  // No region given: the preset. An empty one: the rep chose "No region".
  const region =
    input.region === undefined ? presetRegion(input.lead.signals.region, link) : input.region.trim();
  const url = input.url === undefined ? undefined : recordAddress(input.url, settings, input.lead);
  // Only what the rep answered: a blank answer (or question) is not sent.
  const answers = (input.answers ?? [])
    .map(({ question, answer }) => ({ question: question.trim(), answer: answer.trim() }))
    .filter(({ question, answer }) => question && answer);
  const candidate = {
    id: input.id,
    campaignId: input.campaignId,
    lead: {
      crm: input.lead.crm,
      objectType: input.lead.objectType,
      recordId: input.lead.recordId,
      ...(url ? { url } : {}),
      ...(input.lead.site ? { site: input.lead.site } : {}),
    },
    signals: input.lead.signals,
    verdict: input.verdict,
    ...(region ? { region } : {}),
    ...(note ? { note } : {}),
    ...(answers.length > 0 ? { answers } : {}),
    // By the workspace's time when this browser's clock is known to be off (lib/workspace/clock.ts).
    createdAt: workspaceTime(now, link),
  };
  const parsed = requests.FeedbackItem.safeParse(candidate);
  if (!parsed.success) throw new RepError(t('errVerdictInvalid', describeIssues(parsed.error).join('; ')));
  return parsed.data;
}

/**
 * Saves a verdict to the outbox and resolves only once IndexedDB has committed it with strict
 * durability: the panel says "Saved" after this and not before. Saving the same id twice (a message
 * retried after the worker died) returns the first save.
 */
export async function saveVerdict(
  db: IDBPDatabase<SameroomDb>,
  input: VerdictInput,
  link: LinkRecord,
  now: Date,
  settings: Settings = DEFAULT_SETTINGS,
): Promise<HistoryEntry> {
  const item = buildItem(input, link, now, settings);
  const campaignName =
    (input.campaignId && (await keptCampaigns(db))?.briefs.find((b) => b.id === input.campaignId)?.name) ||
    null;
  const tx = db.transaction(['outbox', 'sent'], 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const [queued, sent] = await Promise.all([
      tx.objectStore('outbox').get(item.id),
      tx.objectStore('sent').get(item.id),
    ]);
    const earlier = queued ?? sent;
    const entry: OutboxEntry = {
      item,
      workspaceUrl: link.workspaceUrl,
      member: { id: link.member.id, name: link.member.name },
      leadKey: leadKeyOf(item.lead),
      campaignName,
      state: 'held',
      heldUntil: new Date(now.getTime() + UNDO_MS).toISOString(),
      queuedAt: now.toISOString(),
      attempts: 0,
      problem: null,
    };
    // The commit is asked for with the write, not after its answer: one round trip to the browser's
    // IndexedDB less before "Saved". A failed write aborts the transaction, and `done` says so.
    if (!earlier)
      tx.objectStore('outbox')
        .put(entry)
        .catch(() => undefined);
    tx.commit();
    await tx.done;
    return historyEntry(earlier ?? entry);
  });
}

/**
 * Takes a verdict back while its undo window is open. False once it is too late (it may be on its way).
 * A repeat (the view asks again when the worker went away with its first Undo) finds the verdict in
 * neither the outbox nor the sent ones: undone already, and said so.
 */
export async function undoVerdict(db: IDBPDatabase<SameroomDb>, id: string, now: Date): Promise<boolean> {
  return (await takeBackVerdict(db, id, now)).undone;
}

/**
 * As undoVerdict, with the entry this call took out of the outbox (null for a repeat, or too late):
 * what is put back in a draft comes from the Undo that deleted it, once, however often it is asked.
 */
export async function takeBackVerdict(
  db: IDBPDatabase<SameroomDb>,
  id: string,
  now: Date,
): Promise<{ undone: boolean; taken: OutboxEntry | null }> {
  const tx = db.transaction(['outbox', 'sent', 'sync'], 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const [entry, sentKey, sync] = await Promise.all([
      tx.objectStore('outbox').get(id),
      tx.objectStore('sent').getKey(id),
      tx.objectStore('sync').get('current'),
    ]);
    // Taken by sync (its window had ended when sync looked), whatever the clock says now.
    const taken =
      entry !== undefined &&
      sync?.workspaceUrl === entry.workspaceUrl &&
      (sync.taken
        ? sync.taken.includes(entry.item.id)
        : sync.takenUntil !== undefined && entry.heldUntil <= sync.takenUntil);
    const undoable = entry?.state === 'held' && !taken && now.getTime() < Date.parse(entry.heldUntil);
    if (undoable) await tx.objectStore('outbox').delete(id);
    await tx.done;
    return { undone: undoable || (!entry && sentKey === undefined), taken: undoable ? entry : null };
  });
}

function isSent(entry: OutboxEntry | SentEntry): entry is SentEntry {
  return 'sentAt' in entry;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

export function historyEntry(entry: OutboxEntry | SentEntry): HistoryEntry {
  const { item } = entry;
  return {
    id: item.id,
    verdict: item.verdict,
    note: item.note ?? null,
    region: item.region ?? null,
    ...(item.answers ? { answers: item.answers } : {}),
    ...(entry.withheld ? { withheld: withheldNames(entry.withheld) } : {}),
    createdAt: item.createdAt,
    status: isSent(entry) ? 'sent' : entry.state,
    undoUntil: isSent(entry) || entry.state !== 'held' ? null : entry.heldUntil,
    problem: isSent(entry) ? null : entry.problem,
    replies: isSent(entry) ? entry.replies : [],
  };
}

/** The panel lists this many of a lead's verdicts, newest first. */
export const HISTORY_SHOWN = 20;

/** The latest verdicts on this lead, newest first: waiting, failed and sent, with marketing's replies. */
export async function leadHistory(
  db: IDBPDatabase<SameroomDb>,
  lead: {
    crm: FeedbackItem['lead']['crm'];
    objectType: FeedbackItem['lead']['objectType'];
    recordId: string;
    site?: string;
  },
): Promise<HistoryEntry[]> {
  const key = leadKeyOf(lead);
  // A custom site's verdicts from before lead keys carried the site are under the key without it: this
  // site's, where their address says so or they have none (another site's with the same id cannot be
  // told from this one's then).
  const before = keyWithoutSite(key);
  const tx = db.transaction(['outbox', 'sent'], 'readonly');
  const outbox = tx.objectStore('outbox').index('by-lead');
  const sentOnes = tx.objectStore('sent').index('by-lead');
  const [queuedNow, queuedBefore, sentNow, sentBefore, link] = await Promise.all([
    outbox.getAll(key),
    before ? outbox.getAll(before) : [],
    sentOnes.getAll(key),
    before ? sentOnes.getAll(before) : [],
    keptLink(db),
  ]);
  const thisSite = ({ item }: { item: FeedbackItem }) =>
    !item.lead.url || hostOf(item.lead.url) === lead.site;
  const queued = [...queuedNow, ...queuedBefore.filter(thisSite)];
  const sent = [...sentNow, ...sentBefore.filter(thisSite)];
  // A refused verdict (a conflict) whose first version the workspace holds is in both stores under one
  // id, the pulled copy with marketing's replies: listed once, as the rep's entry that needs them, with
  // the replies (listed twice, under one key, the view could show one entry's replies under the other).
  const sentById = new Map(sent.map((entry) => [entry.item.id, entry]));
  const both = new Set(queued.map((entry) => entry.item.id).filter((id) => sentById.has(id)));
  // The linked rep's: another rep who gave verdicts in this browser (a laptop passed on) keeps theirs.
  return [...queued, ...sent.filter((entry) => !both.has(entry.item.id))]
    .filter((entry) => ownedBy(entry, link?.member.id))
    .map((entry) => {
      const shown = historyEntry(entry);
      const pulled = both.has(shown.id) ? sentById.get(shown.id) : undefined;
      return pulled ? { ...shown, replies: pulled.replies } : shown;
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, HISTORY_SHOWN);
}

function deadLetter(entry: OutboxEntry, kept: Draft | null): DeadLetter {
  return {
    ...historyEntry(entry),
    campaignId: entry.item.campaignId,
    campaignName: entry.campaignName,
    lead: entry.item.lead,
    ...(kept?.fix ? { kept: { verdict: kept.fix.verdict, note: kept.note, region: kept.fix.region } } : {}),
  };
}

/**
 * Whether an entry is this member's, the one linked (one saved before members were kept is anyone's;
 * with no one linked, all are).
 */
export function ownedBy(
  entry: Pick<OutboxEntry | SentEntry, 'member'>,
  memberId: string | undefined,
): boolean {
  return !entry.member || memberId === undefined || entry.member.id === memberId;
}

/** What the popup shows: what waits, what failed and why, when sync last ran, and new replies. */
export async function outboxStatus(db: IDBPDatabase<SameroomDb>): Promise<OutboxStatus> {
  const link = await keptLink(db);
  const [entries, sent, sync] = await Promise.all([
    db.getAll('outbox'),
    db.getAllFromIndex('sent', 'by-unseen', 1),
    db.get('sync', 'current'),
  ]);
  const here = (entry: { workspaceUrl: string }) => !link || entry.workspaceUrl === link.workspaceUrl;
  const mine = entries.filter((entry) => here(entry) && ownedBy(entry, link?.member.id));
  // Another rep's, given in this browser under their link to this workspace: kept for them.
  const others = new Map<string, { name: string; count: number }>();
  for (const entry of entries)
    if (here(entry) && !ownedBy(entry, link?.member.id) && entry.member) {
      const known = others.get(entry.member.id) ?? { name: entry.member.name, count: 0 };
      others.set(entry.member.id, { ...known, count: known.count + 1 });
    }
  // No one linked: no one's replies (before, every rep's who had used this browser were listed, and
  // the next rep's popup marked them seen).
  const newReplies: ReplyNotice[] = sent
    .filter((entry) => (link ? here(entry) && ownedBy(entry, link.member.id) : false))
    .flatMap((entry) =>
      entry.replies.slice(entry.repliesSeen).map((reply) => ({
        feedbackId: entry.item.id,
        verdict: entry.item.verdict,
        lead: entry.item.lead,
        reply,
      })),
    )
    .sort((a, b) => b.reply.createdAt.localeCompare(a.reply.createdAt));
  const current = sync && link && sync.workspaceUrl === link.workspaceUrl ? sync : null;
  return {
    linked: Boolean(link),
    held: mine.filter((entry) => entry.state === 'held').length,
    pending: mine.filter((entry) => entry.state === 'pending').length,
    dead: await Promise.all(
      mine
        .filter((entry) => entry.state === 'dead')
        .map(async (entry) => deadLetter(entry, await keptDraft(db, deadDraftKey(entry.item.id)))),
    ),
    otherWorkspace: entries.filter((entry) => !here(entry)).length,
    otherReps: [...others.values()],
    lastSyncAt: current?.lastSyncAt ?? null,
    lastError: current?.lastError ?? null,
    paused: current?.paused ?? false,
    retryAt: current?.retryAt ?? null,
    newReplies,
  };
}

/**
 * Marks replies seen: every lead's (the popup) or one lead's (its panel); with `replyIds`, only up to the
 * last of those shown, so a reply pulled after the list was read stays new (a lead's replies are kept in
 * the order they came, and seen is a count of them). The linked rep's only: another rep's who gave
 * verdicts in this browser (a laptop passed on) are not shown here, and stay new for when they link.
 */
export async function markRepliesSeen(
  db: IDBPDatabase<SameroomDb>,
  leadKey?: string,
  replyIds?: readonly string[],
): Promise<void> {
  const shown = replyIds && new Set(replyIds);
  // Read before the transaction: an await on anything but its own requests would end it.
  const memberId = (await keptLink(db))?.member.id;
  // A custom site's verdicts from before lead keys carried the site are under the key without it (the
  // record's history shows them: leadHistory).
  const before = leadKey === undefined ? null : keyWithoutSite(leadKey);
  const tx = db.transaction('sent', 'readwrite');
  const unseen = (await tx.store.index('by-unseen').getAll(1)).filter(
    (entry) =>
      (leadKey === undefined || entry.leadKey === leadKey || entry.leadKey === before) &&
      ownedBy(entry, memberId),
  );
  const seenNow = (entry: (typeof unseen)[number]) => {
    if (!shown) return entry.replies.length;
    const last = entry.replies.findLastIndex((reply) => shown.has(reply.id));
    return Math.max(entry.repliesSeen, last + 1);
  };
  await Promise.all([
    ...unseen
      .filter((entry) => seenNow(entry) !== entry.repliesSeen)
      .map((entry) => tx.store.put(withUnseenMark({ ...entry, repliesSeen: seenNow(entry) }))),
    tx.done,
  ]);
}

/**
 * A conflict's reason as dead letters kept it before they were marked (`refused`): the workspace's
 * words, or ours when it gave none.
 */
const CONFLICT_WORDS = new Set([
  'an item with this id and other content is already stored',
  t('errConflict'),
]);

/**
 * A dead-lettered verdict goes out again, straight to pending, under its own id unless the workspace
 * holds another item under it (a conflict: then `newId`, and the old entry is removed in the same
 * transaction). An item in a batch refused as a whole may be stored already from an earlier try whose
 * answer was lost (a proxy's 404 on the retry, or its 413 for the item alone): it goes as it was when the rep changed nothing,
 * a `duplicate` then (under a new id, or dated anew, the workspace stored it twice), and changed, a
 * `conflict` if it was stored, a dead letter whose next Resend goes under a new id. Any other goes
 * corrected and dated now by the workspace's time, as a new verdict is (the link's clock correction):
 * refused alone, it is not stored, and a date refused (an older workspace's limit on dates ahead) is
 * put right.
 */
export async function resendDead(
  db: IDBPDatabase<SameroomDb>,
  id: string,
  fix: { verdict?: FeedbackItem['verdict']; note?: string; region?: string },
  now: Date,
  newId: string,
): Promise<HistoryEntry> {
  const tx = db.transaction(['outbox', 'link', 'drafts'], 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const outbox = tx.objectStore('outbox');
    const entry = await outbox.get(id);
    if (entry?.state !== 'dead') throw new RepError(t('errDeadGone'));
    const link = await tx.objectStore('link').get('current');
    const { note: _note, region: _region, ...rest } = entry.item;
    const refused =
      entry.refused ?? (entry.problem && CONFLICT_WORDS.has(entry.problem) ? 'conflict' : undefined);
    const sendAs = refused === 'conflict' ? newId : entry.item.id;
    const note = (fix.note ?? entry.item.note ?? '').trim();
    const region = (fix.region ?? entry.item.region ?? '').trim();
    const verdict = fix.verdict ?? entry.item.verdict;
    const unchanged =
      verdict === entry.item.verdict &&
      note === (entry.item.note ?? '').trim() &&
      region === (entry.item.region ?? '').trim();
    const candidate =
      unchanged && !refused
        ? entry.item
        : {
            ...rest,
            id: sendAs,
            verdict,
            ...(note ? { note } : {}),
            ...(region ? { region } : {}),
            createdAt: workspaceTime(now, link),
          };
    const parsed = requests.FeedbackItem.safeParse(candidate);
    if (!parsed.success) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new RepError(t('errVerdictStillInvalid', describeIssues(parsed.error).join('; ')));
    }
    const { refused: _refused, ...kept } = entry;
    const next: OutboxEntry = {
      ...kept,
      item: parsed.data,
      state: 'pending',
      heldUntil: now.toISOString(),
      queuedAt: now.toISOString(),
      attempts: 0,
      problem: null,
    };
    await outbox.delete(id);
    await outbox.put(next);
    // The fix the popup kept while it was written is sent now.
    await tx.objectStore('drafts').delete(deadDraftKey(id));
    await tx.done;
    return historyEntry(next);
  });
}

export async function discardDead(db: IDBPDatabase<SameroomDb>, id: string): Promise<void> {
  const tx = db.transaction(['outbox', 'drafts'], 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const entry = await tx.objectStore('outbox').get(id);
    if (entry?.state === 'dead') {
      await tx.objectStore('outbox').delete(id);
      await tx.objectStore('drafts').delete(deadDraftKey(id));
    }
    await tx.done;
  });
}

/** The sync state for this link's workspace: a new link to another workspace starts from scratch. */
export function syncStateFor(stored: SyncState | undefined, workspaceUrl: string): SyncState {
  if (stored?.workspaceUrl === workspaceUrl) return stored;
  return {
    workspaceUrl,
    cursor: '0',
    lastSyncAt: null,
    lastError: null,
    paused: false,
    failures: 0,
    retryAt: null,
  };
}
