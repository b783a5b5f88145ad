import { z } from 'zod';
import type { MatchReason } from './campaigns';
import type { Answer, Brief, FeedbackItem, Me, Reply } from './protocol';
import { Crm, LIMITS, ObjectType, responses, Verdict } from './protocol';
import { DraftKey } from './store/drafts';

/** A recognised lead page, as the content script reports it. */
export const LeadMessage = z.strictObject({
  crm: Crm,
  objectType: ObjectType,
  recordId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/),
  /** A fragment-routed custom site's route to the record (lib/crm/types.ts, RecordRef). */
  route: z.string().startsWith('#').max(LIMITS.url).optional(),
  /** A custom site's host (lib/crm/types.ts, RecordRef). */
  site: responses.Lead.shape.site,
  signals: responses.Signals,
});

/** A verdict as the rep clicked it. The id is made at the click: it is the item's idempotency key. */
export const VerdictMessage = z.strictObject({
  type: z.literal('verdict'),
  id: z.uuid(),
  lead: LeadMessage,
  url: z.string().max(LIMITS.url).optional(),
  campaignId: z.uuid().nullable(),
  verdict: Verdict,
  note: z.string().max(LIMITS.note).optional(),
  region: z.string().max(LIMITS.name).optional(),
  /** The rep's answers to the brief's questions for sales; blank ones are left out of the item. */
  answers: z
    .array(z.strictObject({ question: z.string().max(LIMITS.short), answer: z.string().max(LIMITS.short) }))
    .max(LIMITS.listItems)
    .optional(),
  /** Where it was typed: that draft is forgotten once the verdict is saved, if it holds only what was sent. */
  draft: DraftKey.optional(),
});
export type VerdictInput = Omit<z.infer<typeof VerdictMessage>, 'type' | 'draft'>;

export type { Message, MessageType, ReplyTo } from './background/registry';

export type SenderKind = 'extensionPage' | 'contentScript';

export const StatusReply = z.object({
  linked: z.boolean(),
  me: responses.Me.nullable(),
  /**
   * Why Sameroom is not linked when it did not come from the rep (the admin's policy changed), or why
   * the workspace no longer takes this browser's link (revoked, the member removed) while it is kept.
   */
  notice: z.string().nullable().optional(),
});
export type StatusReply = z.infer<typeof StatusReply>;

/** How fresh the briefs behind a view are, and whether the last refresh failed. */
export interface CacheInfo {
  fetchedAt: string;
  /** Set when the workspace could not be reached: the view comes from the cache. */
  offlineSince: string | null;
  problem: string | null;
  /** Briefs the workspace sent that could not be read. */
  skipped: number;
}

export interface CampaignChoice {
  id: string;
  name: string;
  channel: string;
  status: Brief['status'];
}

/** One verdict the rep gave, wherever it is: held for undo, waiting, failed, or accepted. */
export interface HistoryEntry {
  id: string;
  verdict: FeedbackItem['verdict'];
  note: string | null;
  region: string | null;
  /** The rep's answers to the brief's questions (absent on entries from before answers existed). */
  answers?: Answer[];
  /** What the workspace refused that the verdict went without, kept in this browser (withheld.ts). */
  withheld?: Array<'answers' | 'url' | 'signals' | 'site'>;
  createdAt: string;
  status: 'held' | 'pending' | 'dead' | 'sent';
  /** While held: until when Undo works. */
  undoUntil: string | null;
  problem: string | null;
  replies: Reply[];
}

/** The verdict form's starting point: the workspace's regions and the one to preset. */
export interface VerdictSetup {
  regions: string[];
  region: string | null;
}

/** What the panel shows for a lead. */
export type LeadView =
  | { state: 'notLinked' }
  | {
      state: 'matched';
      brief: Brief;
      reason: MatchReason;
      cache: CacheInfo;
      me: Me;
      setup: VerdictSetup;
      /** With the view when asked for both (a pick); the panel's sessions push it on its own otherwise. */
      history?: HistoryEntry[];
    }
  | {
      state: 'noMatch';
      choices: CampaignChoice[];
      cache: CacheInfo;
      setup: VerdictSetup;
      history?: HistoryEntry[];
    }
  | { state: 'unavailable'; message: string };

/** A dead-lettered verdict, with what the popup needs to show and fix it. */
export interface DeadLetter extends HistoryEntry {
  campaignId: string | null;
  campaignName: string | null;
  lead: FeedbackItem['lead'];
  /** The fix the rep was writing for it in the popup, kept as it was typed (not resent yet). */
  kept?: { verdict: FeedbackItem['verdict']; note: string; region: string };
}

export interface ReplyNotice {
  feedbackId: string;
  verdict: FeedbackItem['verdict'];
  lead: FeedbackItem['lead'];
  reply: Reply;
}

export interface OutboxStatus {
  linked: boolean;
  held: number;
  pending: number;
  dead: DeadLetter[];
  /** Verdicts made for a workspace this browser is no longer linked to: kept, not sent. */
  otherWorkspace: number;
  /** Verdicts other reps gave in this browser, for this workspace: kept for them, sent under their link. */
  otherReps: Array<{ name: string; count: number }>;
  lastSyncAt: string | null;
  lastError: string | null;
  paused: boolean;
  retryAt: string | null;
  newReplies: ReplyNotice[];
}

/** The popup's verdict form: every campaign in the cache, and the rep's regions. */
export interface CampaignList {
  linked: boolean;
  choices: CampaignChoice[];
  setup: VerdictSetup;
  fetchedAt: string | null;
}

/** After Unlink: the outbox as it stands, and whether the workspace revoked the token (or why not). */
export interface UnlinkReply extends OutboxStatus {
  revoked: boolean;
  revokeProblem: string | null;
  /** Nothing was linked (a second click, or the admin's policy unlinked it meanwhile): nothing revoked. */
  wasLinked: boolean;
}

/** Every reply carries either the answer or an error a person can act on. */
/**
 * A reply, or why there is none. `off`: the sender is our content script on a page no CRM in force
 * serves (switched off in Options or by the admin), so it takes its panel down.
 */
export type Envelope<T> = { ok: true; reply: T } | { ok: false; error: string; off?: true };

/** What the background knows of a message's sender, from `runtime.MessageSender`. */
export interface SenderInfo {
  id?: string;
  url?: string;
  hasTab: boolean;
  /** The sender's tab, when it has one. */
  tabId?: number;
  /** 0 for a tab's top frame. Our content scripts run only there (no `allFrames`). */
  frameId?: number;
}

/**
 * Who sent this: one of our extension pages (our id, a URL under our origin), a content script on a
 * CRM site (our id, a tab's top frame, a URL the site check accepts), or nobody we answer.
 */
export function classifySender(
  sender: SenderInfo,
  ours: { id: string; origin: string },
  isCrmUrl: (url: URL) => boolean,
): SenderKind | null {
  if (sender.id !== ours.id || !sender.url) return null;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  if (`${url.protocol}//${url.host}` === ours.origin.replace(/\/$/, '')) return 'extensionPage';
  // A frame is never our content script: a CRM page framed by another site must not speak for it.
  if (sender.hasTab && (sender.frameId ?? 0) === 0 && isCrmUrl(url)) return 'contentScript';
  return null;
}
