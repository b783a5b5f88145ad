import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { askBackground } from '../../../lib/platform/messaging';

const NO_ANSWER = "Sameroom's background did not answer. Reload the page; if this stays, reinstall Sameroom.";

describe('asking the background', () => {
  it('passes on the answer of a background that is there', async () => {
    fakeBrowser.runtime.onMessage.addListener(async () => ({ ok: true, reply: { linked: false, me: null } }));
    expect(await askBackground({ type: 'status' })).toEqual({ ok: true, reply: { linked: false, me: null } });
  });

  it("passes on the background's own error words", async () => {
    fakeBrowser.runtime.onMessage.addListener(async () => ({
      ok: false,
      error: 'That request is not allowed from here.',
    }));
    expect(await askBackground({ type: 'status' })).toEqual({
      ok: false,
      error: 'That request is not allowed from here.',
    });
  });

  it('says the background did not answer when nothing listens (a dead worker)', async () => {
    expect(await askBackground({ type: 'status' })).toEqual({ ok: false, error: NO_ANSWER });
  });

  it.each([
    ['undefined', undefined],
    ['a string', 'ok'],
    ['ok without a reply', { ok: true }],
    ['an error that is not text', { ok: false, error: { stack: '…' } }],
  ])('says the background did not answer when it answers %s', async (_, answer) => {
    fakeBrowser.runtime.onMessage.addListener(async () => answer);
    expect(await askBackground({ type: 'status' })).toEqual({ ok: false, error: NO_ANSWER });
  });
});
