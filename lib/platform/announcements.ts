import { browser } from 'wxt/browser';

/**
 * What the background tells the extension's open pages without being asked: the link changed (Options
 * listens), the outbox changed (the popup listens). Options used to read the link again a second after
 * any settings change, a guess at when the background's policy check had landed; in Chromium that
 * check reads managed storage, which can take longer than that. The popup showed a verdict's failed
 * send only when it was opened again.
 */
const WORDS = { link: 'sameroom-link-changed', outbox: 'sameroom-outbox-changed' } as const;
type Topic = keyof typeof WORDS;

function announce(topic: Topic): void {
  // No page open: no receiver, which is no error.
  void browser.runtime.sendMessage({ [WORDS[topic]]: true }).catch(() => undefined);
}

function onAnnounced(topic: Topic, changed: () => void): () => void {
  const listener = (message: unknown, sender: { id?: string; tab?: unknown }) => {
    // Our background only: a content script's message comes with its tab.
    if (sender.id !== browser.runtime.id || sender.tab) return;
    if ((message as Record<string, unknown> | null)?.[WORDS[topic]] === true) changed();
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/** In the background: every open extension page hears that the link changed. */
export const announceLinkChanged = (): void => announce('link');
/** In an extension page: `changed` is called when the background says the link changed. */
export const onLinkChanged = (changed: () => void): (() => void) => onAnnounced('link', changed);
/** In the background: the outbox changed (saved, sent, failed, undone, discarded). */
export const announceOutboxChanged = (): void => announce('outbox');
/** In an extension page: `changed` is called when the background says the outbox changed. */
export const onOutboxChanged = (changed: () => void): (() => void) => onAnnounced('outbox', changed);
