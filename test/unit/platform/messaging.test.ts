import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { askBackground, askRepeatable } from '../../../lib/platform/messaging';
import { feedbackItem } from '../../support/examples';

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

describe('asking with a message that is safe to repeat (a verdict by its id)', () => {
  const verdict = () => {
    const item = feedbackItem();
    return {
      type: 'verdict' as const,
      id: item.id,
      lead: { ...item.lead, signals: {} },
      campaignId: item.campaignId ?? null,
      verdict: item.verdict,
      region: 'DACH',
    };
  };

  it('sends the same message again when the first gets no answer (the worker went away with it)', async () => {
    const seen: unknown[] = [];
    fakeBrowser.runtime.onMessage.addListener(async (message: unknown) => {
      seen.push(message);
      // The first delivery dies with its worker: nothing comes back.
      return seen.length === 1 ? undefined : { ok: true, reply: { id: (message as { id: string }).id } };
    });
    const message = verdict();
    expect(await askRepeatable(message, { gapMs: 1 })).toEqual({ ok: true, reply: { id: message.id } });
    expect(seen).toEqual([message, message]);
  });

  it('gives up after its tries with the words for no answer', async () => {
    let deliveries = 0;
    fakeBrowser.runtime.onMessage.addListener(async () => {
      deliveries++;
      return undefined;
    });
    expect(await askRepeatable(verdict(), { tries: 3, gapMs: 1 })).toEqual({
      ok: false,
      error: NO_ANSWER,
      lost: true,
    });
    expect(deliveries).toBe(3);
  });

  it('does not repeat a message the background answered, even with an error', async () => {
    let deliveries = 0;
    fakeBrowser.runtime.onMessage.addListener(async () => {
      deliveries++;
      return { ok: false, error: 'Link Sameroom to your workspace first.' };
    });
    expect(await askRepeatable(verdict(), { gapMs: 1 })).toEqual({
      ok: false,
      error: 'Link Sameroom to your workspace first.',
    });
    expect(deliveries).toBe(1);
  });
});
