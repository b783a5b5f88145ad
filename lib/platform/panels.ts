import { browser } from 'wxt/browser';
import type { PanelSessions, ViewPort } from '../background/panels';
import { keyOfPortName, listenForViewChannels, ViewChannels } from './view-channel';

/** Our panel view's page: only a port from it, in a tab, is bound to that tab's panel session. */
export function isPanelView(sender: { id?: string; url?: string; tab?: { id?: number } }): boolean {
  if (sender.id !== browser.runtime.id || !sender.url || sender.tab?.id === undefined) return false;
  try {
    const url = new URL(sender.url);
    return /^(chrome|moz)-extension:$/.test(url.protocol) && url.pathname === '/panel.html';
  } catch {
    return false;
  }
}

/**
 * In the background: panel views connect here. A port from anything else (a content script, another
 * extension page) is closed at once; a tab that closes takes its session with it.
 */
export function listenForPanels(sessions: PanelSessions): void {
  // Chromium: each view's pushes go over a channel of its own once it is paired (./view-channel.ts).
  const channels = new ViewChannels();
  listenForViewChannels(channels);
  browser.runtime.onConnect.addListener((port) => {
    const key = keyOfPortName(port.name);
    if (key === undefined) return;
    const tabId = port.sender?.tab?.id;
    if (!port.sender || !isPanelView(port.sender) || tabId === undefined) {
      port.disconnect();
      return;
    }
    const view = port as unknown as ViewPort;
    // A private window's tab (incognito): its drafts are kept in memory alone (lib/store/drafts.ts).
    sessions.connect(tabId, key ? channels.bind(key, view) : view, port.sender.tab?.incognito === true);
  });
  browser.tabs.onRemoved.addListener((tabId) => sessions.closed(tabId));
}
