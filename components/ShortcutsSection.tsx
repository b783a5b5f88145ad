import { type MessageKey, t } from '../lib/i18n';
import type { PanelCommand } from '../lib/platform/commands';

export interface Shortcut {
  command: PanelCommand;
  /** Empty when the rep (or a clash) left it unset. */
  keys: string;
}

/**
 * Each command in Sameroom's words: the browser names commands from _locales in its own UI language
 * ("Teclado: Show or hide the Sameroom panel" beside Spanish).
 */
const COMMAND_WORDS: Record<PanelCommand, MessageKey> = {
  'toggle-panel': 'commandTogglePanel',
  'focus-verdicts': 'commandFocusVerdicts',
};

/** The panel's keyboard commands as the browser has them, and the way to change them. */
export function ShortcutsSection(props: { shortcuts: Shortcut[]; onChange: () => void }) {
  return (
    <section aria-labelledby="shortcuts">
      <h2 id="shortcuts">{t('shortcutsTitle')}</h2>
      <ul>
        {props.shortcuts.map((shortcut) => (
          <li key={shortcut.command}>
            {t(COMMAND_WORDS[shortcut.command])}: <kbd>{shortcut.keys || t('shortcutsUnset')}</kbd>
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
