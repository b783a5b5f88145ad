import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Me } from '../../../lib/protocol';
import { api } from '../api';
import { me, navigate } from '../state';

/** /join#<code>: trades the one-time code for a dashboard session, then opens the campaigns. */
export function Join() {
  const error = useSignal<string | null>(null);
  useEffect(() => {
    const code = decodeURIComponent(location.hash.slice(1));
    // The code is spent once used: keep it out of the address bar and the history.
    history.replaceState(null, '', '/join');
    if (!code) {
      error.value = 'This link has no code in it. Ask your workspace admin for a new join link.';
      return;
    }
    void api<Me>('POST', '/api/v1/session', { code }).then((answer) => {
      if (!answer.ok) {
        error.value = answer.message;
        return;
      }
      me.value = answer.data;
      navigate('/');
    });
  }, []);
  return (
    <main class="page page--narrow">
      <h1>Signing in to Sameroom</h1>
      {error.value ? (
        <p role="alert" class="error">
          {error.value}
        </p>
      ) : (
        <p role="status">Checking your join link…</p>
      )}
    </main>
  );
}
