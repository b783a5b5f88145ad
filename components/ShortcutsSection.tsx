import { t } from '../lib/i18n';

export interface Shortcut {
  description: string;
  /** Empty when the rep (or a clash) left it unset. */
  keys: string;
}

/** The panel's keyboard commands as the browser has them, and the way to change them. */
export function ShortcutsSection(props: { shortcuts: Shortcut[]; onChange: () => void }) {
  return (
    <section aria-labelledby="shortcuts">
      <h2 id="shortcuts">{t('shortcutsTitle')}</h2>
      <ul>
        {props.shortcuts.map((shortcut) => (
          <li key={shortcut.description}>
            {shortcut.description}: <kbd>{shortcut.keys || t('shortcutsUnset')}</kbd>
          </li>
        ))}
        <li>{t('shortcutsDigits')}</li>
      </ul>
      <button type="button" class="sr-button" onClick={props.onChange}>
        {t('shortcutsChange')}
      </button>
    </section>
  );
}
