import { z } from 'zod';
import type { MatchReason } from './campaigns';
import type { Brief, Me } from './protocol';
import { Crm, LIMITS, ObjectType, responses } from './protocol';

/** A recognised lead page, as the content script reports it. */
export const LeadMessage = z.strictObject({
  crm: Crm,
  objectType: ObjectType,
  recordId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/),
  signals: responses.Signals,
});

/**
 * Messages to the background. Each names who may send it: extension pages (popup, options), content
 * scripts on an enabled CRM site, or both. The background refuses anything else.
 */
export const Message = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('status') }),
  z.strictObject({ type: z.literal('openOptions') }),
  z.strictObject({
    type: z.literal('link'),
    joinLink: z.string().max(LIMITS.url),
    code: z.string().max(LIMITS.code).optional(),
  }),
  z.strictObject({ type: z.literal('lead'), lead: LeadMessage }),
  z.strictObject({ type: z.literal('pick'), lead: LeadMessage, campaignId: z.uuid().nullable() }),
]);
export type Message = z.infer<typeof Message>;
export type MessageType = Message['type'];

export type SenderKind = 'extensionPage' | 'contentScript';

export const ALLOWED_SENDERS: Record<MessageType, readonly SenderKind[]> = {
  status: ['extensionPage', 'contentScript'],
  openOptions: ['extensionPage', 'contentScript'],
  link: ['extensionPage'],
  lead: ['contentScript'],
  pick: ['contentScript'],
};

export const StatusReply = z.object({
  linked: z.boolean(),
  me: responses.Me.nullable(),
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

/** What the panel shows for a lead. */
export type LeadView =
  | { state: 'notLinked' }
  | { state: 'matched'; brief: Brief; reason: MatchReason; cache: CacheInfo; me: Me }
  | { state: 'noMatch'; choices: CampaignChoice[]; cache: CacheInfo }
  | { state: 'unavailable'; message: string };

export interface Replies {
  status: StatusReply;
  openOptions: { ok: true };
  link: StatusReply;
  lead: LeadView;
  pick: LeadView;
}

export type ReplyTo<T extends MessageType> = Replies[T];

/** Every reply carries either the answer or an error a person can act on. */
export type Envelope<T> = { ok: true; reply: T } | { ok: false; error: string };

/** What the background knows of a message's sender, from `runtime.MessageSender`. */
export interface SenderInfo {
  id?: string;
  url?: string;
  hasTab: boolean;
}

/**
 * Who sent this: one of our extension pages (our id, a URL under our origin), a content script on a
 * CRM site (our id, a tab, a URL the site check accepts), or nobody we answer.
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
  if (sender.hasTab && isCrmUrl(url)) return 'contentScript';
  return null;
}
