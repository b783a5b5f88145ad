import { useSignal } from '@preact/signals';
import { t } from '../lib/i18n';

/** Paste a join link, press Link. What was typed stays in the box when linking fails. */
export function LinkForm(props: { onLink: (joinLink: string, code: string) => Promise<string | null> }) {
  const joinLink = useSignal('');
  const code = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  return (
    <form
      class="sr-form"
      // Our own messages say what is wrong with a link; the browser's URL check would say less.
      noValidate
      aria-labelledby="link-title"
      onSubmit={async (event) => {
        event.preventDefault();
        if (busy.value) return;
        busy.value = true;
        error.value = null;
        error.value = await props.onLink(joinLink.value.trim(), code.value.trim());
        busy.value = false;
      }}
    >
      <h3 id="link-title">{t('optionsLinkTitle')}</h3>
      <label for="join-link">{t('optionsJoinLink')}</label>
      <p id="join-link-help" class="sr-help">
        {t('optionsLinkHelp')}
      </p>
      <input
        id="join-link"
        type="url"
        autocomplete="off"
        spellcheck={false}
        aria-describedby={error.value ? 'join-link-error' : 'join-link-help'}
        aria-invalid={error.value ? true : undefined}
        value={joinLink.value}
        onInput={(event) => {
          joinLink.value = (event.currentTarget as HTMLInputElement).value;
        }}
      />
      <label for="join-code">{t('optionsCodeApart')}</label>
      <input
        id="join-code"
        type="text"
        autocomplete="off"
        spellcheck={false}
        value={code.value}
        onInput={(event) => {
          code.value = (event.currentTarget as HTMLInputElement).value;
        }}
      />
      {error.value && (
        <p id="join-link-error" role="alert" class="sr-status--error">
          {error.value}
        </p>
      )}
      <button
        type="submit"
        class="sr-button"
        disabled={joinLink.value.trim() === ''}
        aria-disabled={busy.value}
      >
        {busy.value ? t('optionsLinking') : t('optionsLinkAction')}
      </button>
    </form>
  );
}
