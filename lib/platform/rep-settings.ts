import { browser } from 'wxt/browser';
import { DEFAULT_SETTINGS, SETTINGS_VERSION, type Settings } from '../settings';

/**
 * The rep's settings alone, from `storage.local`: what the content script starts from. It never reads
 * managed storage (slow or silent there, issue 11); the background answers for the admin's presets.
 * Read directly, without a storage library: the content script loads on every CRM page. The settings
 * item's version sits beside it under `settings$` (WXT storage's layout); an older shape is migrated by
 * the background, which defines the item when it starts, and `watchSettings` calls back when that lands.
 */
export async function loadRepSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get(['settings', 'settings$']);
  const value = stored.settings as Settings | undefined;
  const version = (stored.settings$ as { v?: number } | undefined)?.v ?? 1;
  if (!value || typeof value !== 'object' || version !== SETTINGS_VERSION) return DEFAULT_SETTINGS;
  return { ...DEFAULT_SETTINGS, ...value };
}

/**
 * Calls back whenever the settings in force may have changed: the rep's (Options) or the admin's
 * (managed storage). Returns the way to stop.
 */
export function watchSettings(callback: () => void): () => void {
  const listener = (changes: Record<string, unknown>, area: string) => {
    // managedSeen changes when a fresh read of the policy differs from the one last seen: a policy
    // changed while the browser was closed reaches content scripts that started from the old one.
    if (
      area === 'managed' ||
      (area === 'local' &&
        (Object.hasOwn(changes, 'settings') ||
          Object.hasOwn(changes, 'settings$') ||
          Object.hasOwn(changes, 'managedSeen')))
    )
      callback();
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
