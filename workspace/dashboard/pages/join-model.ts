import { signal } from '@preact/signals';
import { td } from '../../../lib/i18n/dashboard';
import type { Me } from '../../../lib/protocol';
import { api } from '../api';
import { MeAnswer } from '../schemas';
import { me, navigate } from '../state';

/**
 * /join#<code>: trades the one-time code for a dashboard session, then opens the campaigns. A browser
 * already signed in is asked first: a link opened there (sent by a colleague, whose code starts a
 * session as whoever it was made for) replaced the marketer's session without a word, and what they
 * did next, replies and briefs, went out under that other name.
 */
/** An answer that says nothing of the code: no answer, a timeout, too many attempts, the server's trouble. */
const transient = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

export function createJoinModel() {
  const error = signal<string | null>(null);
  /** Who this browser is signed in as, while the rep decides whether the link's session replaces theirs. */
  const signedInAs = signal<Me['member'] | null>(null);
  /** The check of who is signed in failed for a reason other than a refusal: it can be made again. */
  const canRetry = signal(false);
  let waitingCode = '';

  async function spend(code: string): Promise<void> {
    const answer = await api('POST', '/api/v1/session', MeAnswer, { code });
    if (!answer.ok) {
      error.value = answer.message;
      // Not refused, not answered (no network, a proxy's 5xx, too many attempts): the code is likely
      // unspent, and it is no longer in the address bar. Kept here, to try again: a reload said "this
      // link has no code in it".
      if (transient(answer.status)) {
        waitingCode = code;
        canRetry.value = true;
      }
      return;
    }
    me.value = answer.data;
    navigate('/');
  }

  /** `hash` is the address's #fragment; the caller has already taken it out of the address bar. */
  async function join(hash: string): Promise<void> {
    const code = decodeURIComponent(hash.replace(/^#/, ''));
    if (!code) {
      error.value = td('joinNoCode');
      return;
    }
    waitingCode = code;
    await check();
  }

  /**
   * Whether this browser is signed in, asked without spending the code: staying leaves it good for
   * whoever it was meant for. Only a refusal (401, 403) says it is not; any other failure (no network,
   * a proxy's 5xx or 429 while the workspace restarts) says nothing, and spending the code then would
   * replace a session the marketer has without asking: the failure is shown, and checked again.
   */
  async function check(): Promise<void> {
    error.value = null;
    const current = await api('GET', '/api/v1/me', MeAnswer);
    if (current.ok) {
      me.value = current.data;
      signedInAs.value = current.data.member;
      return;
    }
    if (current.status !== 401 && current.status !== 403) {
      error.value = current.message;
      canRetry.value = true;
      return;
    }
    const code = waitingCode;
    waitingCode = '';
    await spend(code);
  }

  /** After a failed check: asked again, the code still unspent. */
  async function retry(): Promise<void> {
    canRetry.value = false;
    await check();
  }

  /** Keeps the session this browser has; the link's code stays unused. */
  function stay(): void {
    waitingCode = '';
    navigate('/');
  }

  /** Replaces this browser's session with the one the link's code starts. */
  async function switchTo(): Promise<void> {
    const code = waitingCode;
    waitingCode = '';
    signedInAs.value = null;
    await spend(code);
  }

  return { error, canRetry, signedInAs, join, retry, stay, switchTo };
}
