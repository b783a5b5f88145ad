import { t } from '../i18n';
import type { Envelope, Message, ReplyTo } from '../messages';
import { sendToBackground } from './send';

export { sendToBackground } from './send';

/**
 * Asks the background. A background that is gone, silent or answering nonsense becomes an error a
 * person can act on, never an exception.
 */
export async function askBackground<T extends Message>(message: T): Promise<Envelope<ReplyTo<T['type']>>> {
  return (await sendToBackground(message)) ?? { ok: false, error: t('stateNoAnswer') };
}
