import { z } from 'zod';
import { responses } from './protocol';

/**
 * Messages to the background. Each names who may send it: extension pages (popup, options), content
 * scripts on an enabled CRM site, or both. The background refuses anything else.
 */
export const Message = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('status') }),
  z.strictObject({ type: z.literal('openOptions') }),
]);
export type Message = z.infer<typeof Message>;
export type MessageType = Message['type'];

export type SenderKind = 'extensionPage' | 'contentScript';

export const ALLOWED_SENDERS: Record<MessageType, readonly SenderKind[]> = {
  status: ['extensionPage', 'contentScript'],
  openOptions: ['extensionPage', 'contentScript'],
};

export const StatusReply = z.object({
  linked: z.boolean(),
  me: responses.Me.nullable(),
});
export type StatusReply = z.infer<typeof StatusReply>;

export const OkReply = z.object({ ok: z.literal(true) });

export const REPLIES = {
  status: StatusReply,
  openOptions: OkReply,
} satisfies Record<MessageType, z.ZodType>;

export type ReplyTo<T extends MessageType> = z.infer<(typeof REPLIES)[T]>;

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
