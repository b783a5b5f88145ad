import { browser } from 'wxt/browser';
import type { PanelSessions, ViewPort } from '../background/panels';
import { PANEL_PORT } from '../panel-port';

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
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PANEL_PORT) return;
    const tabId = port.sender?.tab?.id;
    if (!port.sender || !isPanelView(port.sender) || tabId === undefined) {
      port.disconnect();
      return;
    }
    sessions.connect(tabId, port as unknown as ViewPort);
  });
  browser.tabs.onRemoved.addListener((tabId) => sessions.closed(tabId));
}
