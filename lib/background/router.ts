import type { IDBPDatabase } from 'idb';
import {
  ALLOWED_SENDERS,
  classifySender,
  type Envelope,
  Message,
  type SenderInfo,
  type StatusReply,
} from '../messages';
import type { SameroomDb } from '../store/db';
import { WorkspaceError } from '../workspace/client';
import { leadView, pickCampaign } from './lead';
import { linkWorkspace } from './link';

export interface BackgroundDeps {
  ours: { id: string; origin: string };
  isCrmUrl(url: URL): boolean;
  db(): Promise<IDBPDatabase<SameroomDb>>;
  openOptions(): Promise<void>;
  now?: () => Date;
  fetchFn?: typeof fetch;
}

function context(deps: BackgroundDeps): { now: Date; fetchFn?: typeof fetch } {
  return { now: deps.now?.() ?? new Date(), ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}) };
}

async function status(deps: BackgroundDeps): Promise<StatusReply> {
  const link = await (await deps.db()).get('link', 'current');
  return link
    ? { linked: true, me: { member: link.member, workspace: link.workspace } }
    : { linked: false, me: null };
}

/**
 * Every message to the background passes here: checked against its schema and its sender, then
 * answered. Errors come back as words, never as a thrown stack.
 */
export async function handleMessage(
  raw: unknown,
  sender: SenderInfo,
  deps: BackgroundDeps,
): Promise<Envelope<unknown>> {
  const parsed = Message.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'Sameroom did not understand that request.' };
  const message = parsed.data;
  const kind = classifySender(sender, deps.ours, deps.isCrmUrl);
  if (!kind || !ALLOWED_SENDERS[message.type].includes(kind)) {
    return { ok: false, error: 'That request is not allowed from here.' };
  }
  try {
    switch (message.type) {
      case 'status':
        return { ok: true, reply: await status(deps) };
      case 'openOptions':
        await deps.openOptions();
        return { ok: true, reply: { ok: true } };
      case 'link':
        return { ok: true, reply: await linkWorkspace(await deps.db(), message, context(deps)) };
      case 'lead':
        return { ok: true, reply: await leadView(await deps.db(), message.lead, context(deps)) };
      case 'pick':
        return {
          ok: true,
          reply: await pickCampaign(await deps.db(), message.lead, message.campaignId, context(deps)),
        };
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // Linking errors are already a person's words (a bad code, an unreachable workspace).
    if (error instanceof WorkspaceError || message.type === 'link') return { ok: false, error: text };
    return { ok: false, error: `Sameroom could not do that: ${text}` };
  }
}
