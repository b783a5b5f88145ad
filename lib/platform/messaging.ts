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

/**
 * Asks the background with a message that is safe to repeat: a verdict, by its id (the outbox stores
 * an id once and answers a repeat with the first save). When no answer comes back (the worker went
 * away with the message, or died as it started), the same message is sent again, up to `tries` times
 * `gapMs` apart, so that the rep is not told to try again and store it twice.
 */
export async function askRepeatable<T extends Message>(
  message: T,
  { tries = 3, gapMs = 200 } = {},
): Promise<Envelope<ReplyTo<T['type']>> | { ok: false; error: string; lost: true }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await sendToBackground(message);
    if (answer) return answer;
    // `lost`: it may have been stored or not; the same message again is safe (VerdictIds).
    if (attempt >= tries) return { ok: false, error: t('stateNoAnswer'), lost: true };
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}
