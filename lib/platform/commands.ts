import { browser } from 'wxt/browser';

/** The manifest's keyboard commands for the panel. */
export const PANEL_COMMANDS = ['toggle-panel', 'focus-verdicts'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

/**
 * In the background: a command goes to the content script of the active tab, which moves focus into the
 * panel's frame and passes the command on to the panel view (through the background, `panelCommand`).
 */
export function listenForCommands(): void {
  browser.commands.onCommand.addListener(async (command) => {
    if (!(PANEL_COMMANDS as readonly string[]).includes(command)) return;
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    if (tab?.id !== undefined)
      await browser.tabs
        .sendMessage(tab.id, { panelCommand: command }, { frameId: 0 })
        .catch(() => undefined);
  });
}

/** In the content script: commands from our own background only. */
export function onPanelCommand(handle: (command: PanelCommand) => void): () => void {
  const listener = (message: unknown, sender: { id?: string; tab?: unknown }) => {
    if (sender.id !== browser.runtime.id || sender.tab) return;
    const command = (message as { panelCommand?: unknown } | null)?.panelCommand;
    if ((PANEL_COMMANDS as readonly unknown[]).includes(command)) handle(command as PanelCommand);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/**
 * The panel's commands and their keys as the browser has them. By name: the browser's description is
 * in its own UI language, which may not be the one Sameroom speaks, so Options words them itself
 * (components/ShortcutsSection.tsx). The words stay out of this module, which the content script loads.
 */
export async function shortcuts(): Promise<Array<{ command: PanelCommand; keys: string }>> {
  const all = await browser.commands.getAll();
  return all
    .filter((command) => (PANEL_COMMANDS as readonly string[]).includes(command.name ?? ''))
    .map((command) => ({ command: command.name as PanelCommand, keys: command.shortcut ?? '' }));
}

/** Opens the browser's own page for changing extension shortcuts. */
export async function openShortcutSettings(): Promise<void> {
  const commands = browser.commands as typeof browser.commands & {
    openShortcutSettings?: () => Promise<void>;
  };
  if (commands.openShortcutSettings) return commands.openShortcutSettings();
  const firefox = browser.runtime.getURL('/').startsWith('moz-extension:');
  await browser.tabs.create({ url: firefox ? 'about:addons' : 'chrome://extensions/shortcuts' });
}
