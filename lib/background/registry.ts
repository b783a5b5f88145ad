import { z } from 'zod';
import { RepError } from '../errors';
import type { LeadView, OutboxStatus, SenderInfo, SenderKind, StatusReply, UnlinkReply } from '../messages';
import { LeadMessage, VerdictMessage } from '../messages';
import {
  discardDead,
  leadHistory,
  markRepliesSeen,
  outboxStatus,
  resendDead,
  takeBackVerdict,
} from '../outbox/outbox';
import { PANEL_COMMANDS } from '../platform/commands';
import { LIMITS, Verdict } from '../protocol';
import { DRAFT_NOTE_LIMIT } from '../store/draft-text';
import {
  Draft,
  DraftKey,
  forgetSentDraft,
  keepDraft,
  keepUndone,
  keptDraft,
  leadDraftKey,
  privateLeadDraftKey,
} from '../store/drafts';
import { keptLink } from '../store/kept';
import { leadBrief, pickCampaign } from './lead';
import { enforceWorkspacePolicy, linkWorkspace, unlinkWorkspace } from './link';
import type { BackgroundDeps } from './router';
import { campaignList, verdict } from './verdicts';

/** One kind of message to the background: its shape, who may send it, and how it is answered. */
interface Entry<S extends z.ZodObject, R> {
  schema: S;
  senders: readonly SenderKind[];
  handle(message: z.infer<S>, sender: SenderInfo, deps: BackgroundDeps): Promise<R>;
}

const entry = <S extends z.ZodObject, R>(
  schema: S,
  senders: readonly SenderKind[],
  handle: (message: z.infer<S>, sender: SenderInfo, deps: BackgroundDeps) => Promise<R>,
): Entry<S, R> => ({ schema, senders, handle });

const only = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

function context(deps: BackgroundDeps): { now: Date; fetchFn?: typeof fetch; onRefreshed?: () => void } {
  return {
    now: deps.now?.() ?? new Date(),
    ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}),
    ...(deps.campaignsRefreshed ? { onRefreshed: deps.campaignsRefreshed } : {}),
  };
}

async function status(deps: BackgroundDeps): Promise<StatusReply> {
  const db = await deps.db();
  const link = await keptLink(db);
  // A paused sync with words: with a link, the workspace refused it (revoked, or the member removed: the
  // rep was shown "Linked as …" alone while nothing was sent); without one, the admin's policy unlinked
  // it (a rep's Unlink clears them).
  const sync = await db.get('sync', 'current');
  const notice = sync?.paused && sync.lastError ? { notice: sync.lastError } : {};
  // Another workspace's refusal (linked elsewhere since, before a sync run wrote this one's state).
  const mine = sync?.workspaceUrl === link?.workspaceUrl ? notice : {};
  if (link) return { linked: true, me: { member: link.member, workspace: link.workspace }, ...mine };
  return { linked: false, me: null, ...notice };
}

const PAGES = ['extensionPage'] as const;
const CONTENT = ['contentScript'] as const;

/**
 * Every message the background takes, in one place. Extension pages are the popup, Options and the
 * panel view (framed into CRM pages, out of their reach); the content script only reports its lead and
 * its page's policy question, and passes keyboard commands on.
 */
export const REGISTRY = {
  status: entry(only('status'), PAGES, (_m, _s, deps) => status(deps)),
  openOptions: entry(only('openOptions'), PAGES, async (_m, _s, deps) => {
    await deps.openOptions();
    return { ok: true as const };
  }),
  link: entry(
    z.strictObject({
      type: z.literal('link'),
      joinLink: z.string().max(LIMITS.url),
      code: z.string().max(LIMITS.code).optional(),
    }),
    PAGES,
    async (message, _s, deps): Promise<StatusReply> => {
      const db = await deps.db();
      const linked = await linkWorkspace(db, message, {
        ...context(deps),
        requiredWorkspace: await deps.managedWorkspaceUrl?.(),
      });
      // A policy that arrived while the workspace answered found no link to undo yet: held to it now.
      if (deps.managedWorkspaceUrl) {
        const notice = await enforceWorkspacePolicy(db, await deps.managedWorkspaceUrl(), {
          ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}),
          unlinked: () => deps.linkChanged?.(),
        });
        if (notice) throw new RepError(notice);
      }
      // Verdicts waiting for this workspace (a paused sync, an earlier link) go out now.
      void deps.sync(true);
      deps.linkChanged?.();
      return linked;
    },
  ),
  lead: entry(
    z.strictObject({
      type: z.literal('lead'),
      lead: LeadMessage,
      /** The CRM's name as the rep knows it ("Salesforce Lightning"), for the panel's header. */
      label: z.string().max(LIMITS.name).optional(),
      /**
       * The address the lead was read from. On a single-page CRM's move the content script tells the
       * background within the page's pushState, while the tab (and the sender's url) still shows the
       * record before: a verdict carried that record's address.
       */
      url: z.string().max(LIMITS.url).optional(),
    }),
    // The content script reports its lead; the panel view asks through the background's sessions,
    // which push the lead's history after the view (PanelSessions.shown).
    [...CONTENT, ...PAGES],
    async (message, _s, deps): Promise<LeadView> => leadBrief(await deps.db(), message.lead, context(deps)),
  ),
  pick: entry(
    z.strictObject({ type: z.literal('pick'), lead: LeadMessage, campaignId: z.uuid().nullable() }),
    PAGES,
    async (message, _s, deps): Promise<LeadView> =>
      pickCampaign(await deps.db(), message.lead, message.campaignId, context(deps)),
  ),
  verdict: entry(VerdictMessage, PAGES, async (message, _s, deps) => {
    const { type: _type, url, draft, ...input } = message;
    // Read only when there is an address to make: a verdict without one never waits for the settings.
    const settings = url ? await deps.settings?.() : undefined;
    const withUrl = url && (settings?.sendRecordUrl ?? true) ? { ...input, url } : input;
    const db = await deps.db();
    const saved = await verdict(db, withUrl, context(deps).now, settings);
    deps.outboxChanged();
    // After "Saved" is answered, not before it: the click waits for the save alone.
    if (draft)
      void forgetSentDraft(
        db,
        draft,
        { note: input.note, answers: input.answers, url },
        context(deps).now,
      ).catch(() => undefined);
    return saved;
  }),
  undo: entry(
    z.strictObject({
      type: z.literal('undo'),
      id: z.uuid(),
      /**
       * The popup's form (`quick`); `private`: the lead's draft kept for a private window's tabs
       * (`privateLeadDraftKey`); else the draft of the verdict's lead.
       */
      draft: z.enum(['quick', 'private']).optional(),
    }),
    PAGES,
    async (message, _s, deps) => {
      const db = await deps.db();
      const { now } = context(deps);
      const { undone, taken } = await takeBackVerdict(db, message.id, now);
      deps.outboxChanged();
      // Its note back in its draft before the page is answered: the page may be gone by then. Only by
      // the Undo that took it (a repeat, or two tabs at once, would put it back twice).
      if (!taken) return { undone };
      const { note = '', answers = [] } = taken.item;
      const key =
        message.draft === 'quick'
          ? 'quick'
          : message.draft === 'private'
            ? privateLeadDraftKey(taken.leadKey)
            : leadDraftKey(taken.leadKey);
      await keepUndone(db, key, { note, answers }, now).catch(() => undefined);
      // Back in its lead's draft: whose, for the panel sessions to show it in the record's other tabs.
      return key === 'quick' ? { undone } : { undone, leadKey: taken.leadKey };
    },
  ),
  history: entry(
    z.strictObject({ type: z.literal('history'), lead: LeadMessage }),
    PAGES,
    async (message, _s, deps) => leadHistory(await deps.db(), message.lead),
  ),
  outbox: entry(
    only('outbox'),
    PAGES,
    async (_m, _s, deps): Promise<OutboxStatus> => outboxStatus(await deps.db()),
  ),
  syncNow: entry(only('syncNow'), PAGES, async (_m, _s, deps): Promise<OutboxStatus> => {
    await deps.sync(true);
    deps.outboxChanged();
    return outboxStatus(await deps.db());
  }),
  resend: entry(
    z.strictObject({
      type: z.literal('resend'),
      id: z.uuid(),
      verdict: Verdict.optional(),
      note: z.string().max(LIMITS.note).optional(),
      region: z.string().max(LIMITS.name).optional(),
    }),
    PAGES,
    async (message, _s, deps) => {
      const { type: _type, id, ...fix } = message;
      const newId = deps.newId?.() ?? crypto.randomUUID();
      const entry = await resendDead(await deps.db(), id, fix, context(deps).now, newId);
      deps.outboxChanged();
      return entry;
    },
  ),
  discard: entry(
    z.strictObject({ type: z.literal('discard'), id: z.uuid() }),
    PAGES,
    async (message, _s, deps): Promise<OutboxStatus> => {
      await discardDead(await deps.db(), message.id);
      deps.outboxChanged();
      return outboxStatus(await deps.db());
    },
  ),
  repliesSeen: entry(
    // Without a lead: every lead's (the popup). With one: that lead's (its panel). With replyIds: only
    // up to those shown, so one pulled since the list was read stays new.
    z.strictObject({
      type: z.literal('repliesSeen'),
      leadKey: z.string().max(LIMITS.url).optional(),
      replyIds: z
        .array(z.uuid())
        .max(LIMITS.replies * 100)
        .optional(),
    }),
    PAGES,
    async (message, _s, deps): Promise<OutboxStatus> => {
      await markRepliesSeen(await deps.db(), message.leadKey, message.replyIds);
      deps.outboxChanged();
      return outboxStatus(await deps.db());
    },
  ),
  /** What the rep typed and did not send, where they typed it (a lead's panel, the popup's form). */
  draft: entry(
    z.strictObject({ type: z.literal('draft'), key: DraftKey }),
    PAGES,
    async (message, _s, deps): Promise<Draft | null> => keptDraft(await deps.db(), message.key),
  ),
  keepDraft: entry(
    z.strictObject({ type: z.literal('keepDraft'), key: DraftKey, draft: Draft }),
    PAGES,
    async (message, _s, deps) => {
      await keepDraft(await deps.db(), message.key, message.draft, context(deps).now);
      return { ok: true as const };
    },
  ),
  /**
   * A saved verdict's note and answers taken out of its lead's draft, unless the rep has written more
   * since (in any tab): the view that sent it had moved to another record before it was saved.
   */
  forgetSent: entry(
    z.strictObject({
      type: z.literal('forgetSent'),
      key: DraftKey,
      note: z.string().max(DRAFT_NOTE_LIMIT),
      answers: z.array(z.strictObject({ question: z.string(), answer: z.string() })).max(LIMITS.listItems),
    }),
    PAGES,
    async (message, _s, deps) => {
      const db = await deps.db();
      await forgetSentDraft(
        db,
        message.key,
        { note: message.note, answers: message.answers },
        context(deps).now,
      );
      return keptDraft(db, message.key);
    },
  ),
  campaigns: entry(only('campaigns'), PAGES, async (_m, _s, deps) =>
    campaignList(await deps.db(), context(deps)),
  ),
  unlink: entry(only('unlink'), PAGES, async (_m, _s, deps): Promise<UnlinkReply> => {
    const { revoked, problem, wasLinked } = await unlinkWorkspace(await deps.db(), {
      ...context(deps),
      unlinked: () => deps.linkChanged?.(),
    });
    deps.outboxChanged();
    return { ...(await outboxStatus(await deps.db())), revoked, revokeProblem: problem, wasLinked };
  }),
  /** The built-in CRMs' switches in force, the admin's policy applied (missing means on). */
  enabledCrms: entry(
    only('enabledCrms'),
    CONTENT,
    async (_m, _s, deps): Promise<Record<string, boolean>> => (await deps.enabledCrms?.()) ?? {},
  ),
  /** A keyboard command the content script received, for its tab's panel view. */
  panelCommand: entry(
    z.strictObject({ type: z.literal('panelCommand'), command: z.enum(PANEL_COMMANDS) }),
    CONTENT,
    async (message, sender, deps) => {
      if (sender.tabId !== undefined) deps.panelCommand?.(sender.tabId, message.command);
      return { ok: true as const };
    },
  ),
};

type Registry = typeof REGISTRY;
export type MessageType = keyof Registry;
export type Message = { [K in MessageType]: z.infer<Registry[K]['schema']> }[MessageType];
export type ReplyTo<T extends MessageType> = Awaited<ReturnType<Registry[T]['handle']>>;

const schemas = Object.values(REGISTRY).map((registered) => registered.schema) as unknown as [
  Registry[MessageType]['schema'],
  ...Registry[MessageType]['schema'][],
];
/** Any message the background takes, checked by its `type`. */
export const Message: z.ZodType<Message> = z.discriminatedUnion('type', schemas) as never;
