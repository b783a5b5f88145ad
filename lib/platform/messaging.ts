import { browser } from 'wxt/browser';
import { z } from 'zod';
import { t } from '../i18n';
import { type Envelope, type Message, REPLIES, type ReplyTo } from '../messages';

const EnvelopeShape = z.union([
  z.object({ ok: z.literal(true), reply: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string().max(2_000) }),
]);

/**
 * Asks the background and checks its answer. A background that is gone, silent or answering nonsense
 * becomes an error a person can act on, never an exception.
 */
export async function askBackground<T extends Message>(message: T): Promise<Envelope<ReplyTo<T['type']>>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(message);
  } catch {
    return { ok: false, error: t('stateNoAnswer') };
  }
  const envelope = EnvelopeShape.safeParse(raw);
  if (!envelope.success) return { ok: false, error: t('stateNoAnswer') };
  if (!envelope.data.ok) return envelope.data;
  const reply = REPLIES[message.type].safeParse(envelope.data.reply);
  if (!reply.success) return { ok: false, error: t('stateNoAnswer') };
  return { ok: true, reply: reply.data as ReplyTo<T['type']> };
}
