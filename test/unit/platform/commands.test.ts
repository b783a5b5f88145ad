import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ShortcutsSection } from '../../../components/ShortcutsSection';
import { setLanguage } from '../../../lib/i18n';
import { onPanelCommand, shortcuts } from '../../../lib/platform/commands';

describe('keyboard commands reaching the panel', () => {
  it('come only from our own background, never from a page or another extension', async () => {
    const handle = vi.fn();
    const stop = onPanelCommand(handle);
    const ours = fakeBrowser.runtime.id;
    await fakeBrowser.runtime.onMessage.trigger({ panelCommand: 'toggle-panel' }, { id: ours });
    await fakeBrowser.runtime.onMessage.trigger({ panelCommand: 'focus-verdicts' }, { id: 'someone-else' });
    await fakeBrowser.runtime.onMessage.trigger(
      { panelCommand: 'focus-verdicts' },
      {
        id: ours,
        tab: { id: 3, index: 0, highlighted: true, active: true, pinned: false, incognito: false },
      },
    );
    await fakeBrowser.runtime.onMessage.trigger({ panelCommand: 'delete-everything' }, { id: ours });
    expect(handle.mock.calls).toEqual([['toggle-panel']]);
    stop();
    await fakeBrowser.runtime.onMessage.trigger({ panelCommand: 'toggle-panel' }, { id: ours });
    expect(handle).toHaveBeenCalledOnce();
  });
});

describe('the shortcuts Options lists', () => {
  afterEach(() => setLanguage('en'));

  it('are named in the language Sameroom speaks, not the browser’s', async () => {
    const commands = fakeBrowser.commands as unknown as { getAll: () => Promise<unknown[]> };
    const saved = commands.getAll;
    // The browser names them from _locales in its own UI language (here English).
    commands.getAll = async () => [
      { name: 'toggle-panel', description: 'Show or hide the Sameroom panel', shortcut: 'Alt+Shift+S' },
      {
        name: 'focus-verdicts',
        description: 'Jump to the verdict buttons in the Sameroom panel',
        shortcut: '',
      },
      { name: '_execute_action', description: '', shortcut: 'Alt+Shift+O' },
    ];
    try {
      setLanguage('es');
      const listed = await shortcuts();
      expect(listed).toEqual([
        { command: 'toggle-panel', keys: 'Alt+Shift+S' },
        { command: 'focus-verdicts', keys: '' },
      ]);
      const container = document.createElement('div');
      render(h(ShortcutsSection, { shortcuts: listed, onChange: () => undefined }), container);
      const items = [...container.querySelectorAll('li')].map((item) => item.textContent);
      // Before: "Show or hide the Sameroom panel: Alt+Shift+S" among Spanish words.
      expect(items.join(' ')).not.toContain('Show or hide the Sameroom panel');
      expect(items[0]).toMatch(/panel.*: Alt\+Shift\+S$/i);
    } finally {
      commands.getAll = saved;
    }
  });
});
