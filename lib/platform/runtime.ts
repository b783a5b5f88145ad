import { browser } from 'wxt/browser';
import type { SenderInfo } from '../messages';

/** Our extension's id and origin, as `runtime.MessageSender` reports them. */
export function ourExtension(): { id: string; origin: string } {
  return { id: browser.runtime.id, origin: browser.runtime.getURL('/') };
}

/**
 * Registers the background's one message listener. Must be called synchronously at start, so a
 * worker woken by a message finds its listener.
 */
export function listenForMessages(handle: (message: unknown, sender: SenderInfo) => Promise<unknown>): void {
  browser.runtime.onMessage.addListener((message, sender) =>
    handle(message, {
      id: sender.id,
      url: sender.url,
      hasTab: sender.tab !== undefined,
      ...(sender.tab?.id !== undefined ? { tabId: sender.tab.id } : {}),
      frameId: sender.frameId,
    }),
  );
}

export function openOptionsPage(): Promise<void> {
  return browser.runtime.openOptionsPage();
}
