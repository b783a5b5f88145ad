import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  announceLinkChanged,
  announceOutboxChanged,
  onLinkChanged,
  onOutboxChanged,
} from '../../../lib/platform/announcements';

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

describe('the outbox changed, as the background tells the open popup', () => {
  const OUTBOX = { 'sameroom-outbox-changed': true };

  it('is said to every open page, and the popup hears it, not the link’s listener', async () => {
    const sent = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error('no receiver'));
    announceOutboxChanged();
    expect(sent).toHaveBeenCalledWith(OUTBOX);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const outbox = vi.fn();
    const link = vi.fn();
    onOutboxChanged(outbox);
    onLinkChanged(link);
    const ours = fakeBrowser.runtime.id;
    await fakeBrowser.runtime.onMessage.trigger(OUTBOX, { id: ours });
    await fakeBrowser.runtime.onMessage.trigger(OUTBOX, { id: ours, tab: { id: 3 } as never });
    expect(outbox).toHaveBeenCalledTimes(1);
    expect(link).not.toHaveBeenCalled();
  });
});
