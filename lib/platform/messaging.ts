import { browser } from 'wxt/browser';
import { t } from '../i18n';
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
 * Asks the background. A background that is gone, silent or answering nonsense becomes an error a
 * person can act on, never an exception.
 */
export async function askBackground<T extends Message>(message: T): Promise<Envelope<ReplyTo<T['type']>>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(message);
  } catch {
    return { ok: false, error: t('stateNoAnswer') };
  }
  if (!isEnvelope(raw)) return { ok: false, error: t('stateNoAnswer') };
  return raw as Envelope<ReplyTo<T['type']>>;
}
