import { signal } from '@preact/signals';
import { td } from '../../../lib/i18n/dashboard';
import { api } from '../api';
import { MeAnswer } from '../schemas';
import { me, navigate } from '../state';

/** /join#<code>: trades the one-time code for a dashboard session, then opens the campaigns. */
export function createJoinModel() {
  const error = signal<string | null>(null);
  /** `hash` is the address's #fragment; the caller has already taken it out of the address bar. */
  async function join(hash: string): Promise<void> {
    const code = decodeURIComponent(hash.replace(/^#/, ''));
    if (!code) {
      error.value = td('joinNoCode');
      return;
    }
    const answer = await api('POST', '/api/v1/session', MeAnswer, { code });
    if (!answer.ok) {
      error.value = answer.message;
      return;
    }
    me.value = answer.data;
    navigate('/');
  }
  return { error, join };
}
