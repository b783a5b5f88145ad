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

export interface BackgroundDeps {
  ours: { id: string; origin: string };
  isCrmUrl(url: URL): boolean;
  db(): Promise<IDBPDatabase<SameroomDb>>;
  openOptions(): Promise<void>;
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
    }
  } catch (error) {
    return {
      ok: false,
      error: `Sameroom could not do that: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
