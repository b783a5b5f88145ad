import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { announceLinkChanged, onLinkChanged } from '../../../lib/platform/link-changes';

const WORDS = { 'sameroom-link-changed': true };

describe('the link changed, as the background tells the open pages', () => {
  it('is said to every open page, and a page with none open is no error', async () => {
    const sent = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error('no receiver'));
    announceLinkChanged();
    expect(sent).toHaveBeenCalledWith(WORDS);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the rejection is caught, not unhandled
  });

  it('calls back on the background’s word until the page stops listening', async () => {
    const changed = vi.fn();
    const stop = onLinkChanged(changed);
    const ours = fakeBrowser.runtime.id;
    await fakeBrowser.runtime.onMessage.trigger(WORDS, { id: ours });
    expect(changed).toHaveBeenCalledTimes(1);
    stop();
    await fakeBrowser.runtime.onMessage.trigger(WORDS, { id: ours });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('ignores the same words from a content script or another extension, and other words', async () => {
    const changed = vi.fn();
    onLinkChanged(changed);
    const ours = fakeBrowser.runtime.id;
    await fakeBrowser.runtime.onMessage.trigger(WORDS, { id: ours, tab: { id: 3 } as never });
    await fakeBrowser.runtime.onMessage.trigger(WORDS, { id: 'someone-else' });
    await fakeBrowser.runtime.onMessage.trigger({ 'sameroom-link-changed': 'yes' }, { id: ours });
    expect(changed).not.toHaveBeenCalled();
  });
});
