import { browser } from 'wxt/browser';

/**
 * The background tells the extension's open pages that the link changed (Options listens): undone by
 * the admin's policy, linked or unlinked from another page. Options used to read the link again a
 * second after any settings change, a guess at when the background's policy check had landed; in
 * Chromium that check reads managed storage, which can take longer than that.
 */
const LINK_CHANGED = 'sameroom-link-changed';

/** In the background: every open extension page hears that the link changed (none open: nothing). */
export function announceLinkChanged(): void {
  void browser.runtime.sendMessage({ [LINK_CHANGED]: true }).catch(() => undefined);
}

/** In an extension page: `changed` is called when the background says the link changed. */
export function onLinkChanged(changed: () => void): () => void {
  const listener = (message: unknown, sender: { id?: string; tab?: unknown }) => {
    // Our background only: a content script's message comes with its tab.
    if (sender.id !== browser.runtime.id || sender.tab) return;
    if ((message as Record<string, unknown> | null)?.[LINK_CHANGED] === true) changed();
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
