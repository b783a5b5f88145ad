import { browser } from 'wxt/browser';
import type { Envelope, Message, ReplyTo } from '../messages';

/**
 * The envelope's shape, checked by hand: this module runs in the content script on every CRM page, so
 * it stays free of zod (a third of the bundle). The reply inside comes from our own background, which
 * built it from data it validated with zod on the way in.
 */
function isEnvelope(raw: unknown): raw is Envelope<unknown> {
  if (typeof raw !== 'object' || raw === null) return false;
  const candidate = raw as { ok?: unknown; reply?: unknown; error?: unknown };
  return candidate.ok === true
    ? 'reply' in candidate
    : candidate.ok === false && typeof candidate.error === 'string';
}

/**
 * Sends to the background and returns its envelope, or null when there is no answer (a background that
 * is gone, silent or answering nonsense). Free of the UI's words: the content script uses this.
 */
export async function sendToBackground<T extends Message>(
  message: T,
): Promise<Envelope<ReplyTo<T['type']>> | null> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(message);
  } catch {
    return null;
  }
  return isEnvelope(raw) ? (raw as Envelope<ReplyTo<T['type']>>) : null;
}
