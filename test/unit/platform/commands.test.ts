import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { onPanelCommand } from '../../../lib/platform/commands';

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
