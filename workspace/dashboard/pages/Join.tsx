import { useEffect, useRef } from 'preact/hooks';
import { td } from '../../../lib/i18n/dashboard';
import { useModel } from '../use-model';
import { roleLabel } from '../words';
import { createJoinModel } from './join-model';

/** /join#<code>: signs in with the code in the address (asking first if signed in), then opens the campaigns. */
export function Join() {
  const model = useModel(createJoinModel, (m) => {
    const hash = location.hash;
    // The code is spent once used: keep it out of the address bar and the history.
    history.replaceState(null, '', '/join');
    return m.join(hash);
  });
  const current = model.signedInAs.value;
  const stayButton = useRef<HTMLButtonElement>(null);
  // The question takes the place of "Checking…": focus goes to its answer, which reads the question too.
  useEffect(() => {
    if (current) stayButton.current?.focus();
  }, [current]);
  return (
    <main class="page page--narrow">
      <h1>{td('joinTitle')}</h1>
      {model.error.value ? (
        <>
          <p role="alert" class="error">
            {model.error.value}
          </p>
          {model.canRetry.value && (
            <button type="button" class="button" onClick={() => void model.retry()}>
              {td('tryAgain')}
            </button>
          )}
        </>
      ) : current ? (
        <section aria-labelledby="join-signed-in">
          <p id="join-signed-in">
            {td('joinSignedInAs', td('headerWho', current.name, roleLabel(current.role)))}
          </p>
          <div class="actions">
            <button
              type="button"
              class="button"
              ref={stayButton}
              aria-describedby="join-signed-in"
              onClick={() => model.stay()}
            >
              {td('joinStay', current.name)}
            </button>
            <button type="button" class="button button--secondary" onClick={() => void model.switchTo()}>
              {td('joinSwitch')}
            </button>
          </div>
        </section>
      ) : (
        <p role="status">{td('joinChecking')}</p>
      )}
    </main>
  );
}
