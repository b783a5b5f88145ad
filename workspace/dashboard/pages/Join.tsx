import { td } from '../../../lib/i18n/dashboard';
import { useModel } from '../use-model';
import { createJoinModel } from './join-model';

/** /join#<code>: signs in with the code in the address, then opens the campaigns. */
export function Join() {
  const model = useModel(createJoinModel, (m) => {
    const hash = location.hash;
    // The code is spent once used: keep it out of the address bar and the history.
    history.replaceState(null, '', '/join');
    return m.join(hash);
  });
  return (
    <main class="page page--narrow">
      <h1>{td('joinTitle')}</h1>
      {model.error.value ? (
        <p role="alert" class="error">
          {model.error.value}
        </p>
      ) : (
        <p role="status">{td('joinChecking')}</p>
      )}
    </main>
  );
}
