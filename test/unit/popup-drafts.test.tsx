/**
 * The popup's quick form, as entrypoints/popup/main.tsx runs it, against the real router and an
 * IndexedDB of its own: what the rep types there is kept in the background's database.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { handleMessage } from '../../lib/background/router';
import type { CampaignList, Message, SenderInfo } from '../../lib/messages';
import { openSameroomDb } from '../../lib/store/db';
import { keptDraft } from '../../lib/store/drafts';
import { backgroundDeps, OURS } from './background/deps';
import { LINK } from './outbox/fake-workspace';

const CAMPAIGNS: CampaignList = {
  linked: true,
  choices: [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' }],
  setup: { regions: [], region: null },
  fetchedAt: '2026-12-05T09:00:00Z',
};
const POPUP: SenderInfo = { id: OURS.id, url: `${OURS.origin}popup.html`, hasTab: false };

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

/** The popup opened, its messages answered by the router; `refuseKeeps` keepDraft requests refused first. */
async function openPopup(refuseKeeps: number, failReads = 0) {
  const db = await openSameroomDb();
  await db.put('link', LINK, 'current');
  const deps = backgroundDeps();
  let refuse = refuseKeeps;
  let fail = failReads;
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: Message) => {
    // The workspace's campaigns, as cached (the router would ask the workspace for them).
    if (message.type === 'campaigns') return { ok: true, reply: CAMPAIGNS };
    if (message.type === 'draft' && fail > 0) {
      fail--;
      return { ok: false, error: 'The browser’s storage could not be opened.' };
    }
    if (message.type === 'keepDraft' && refuse > 0) {
      refuse--;
      return { ok: false, error: 'This browser has no room left to store it.' };
    }
    return handleMessage(message, POPUP, deps);
  }) as never);
  const app = document.createElement('div');
  app.id = 'app';
  document.body.append(app);
  vi.resetModules();
  await import('../../entrypoints/popup/main');
  const note = await vi.waitFor(() => {
    const box = app.querySelector<HTMLTextAreaElement>('.sr-form textarea');
    if (!box) throw new Error('no quick form yet');
    return box;
  });
  return {
    note: () => note.value,
    type(text: string) {
      note.value = text;
      note.dispatchEvent(new Event('input', { bubbles: true }));
    },
    warnings: () => [...app.querySelectorAll('.sr-warning')].map((warning) => warning.textContent).join(' '),
  };
}

const kept = async () => (await keptDraft(await openSameroomDb(), 'quick'))?.note;

describe('the popup’s quick form', () => {
  it('is kept once the browser takes it again, without another keystroke', async () => {
    const popup = await openPopup(1);
    popup.type('Met at the fair, wants pricing.');
    await vi.waitFor(() => expect(popup.warnings()).toContain('Not kept in this browser'));
    expect(await kept()).toBeUndefined();
    // Before, it stayed unkept until the rep typed again: lost when the popup closed meanwhile.
    await vi.waitFor(async () => expect(await kept()).toBe('Met at the fair, wants pricing.'), {
      timeout: 6_000,
    });
    await vi.waitFor(() => expect(popup.warnings()).not.toContain('Not kept in this browser'));
  });

  it('opens with what was kept though its first read of it failed, and never writes over it', async () => {
    const first = await openPopup(0);
    first.type('Met at the fair, wants pricing.');
    await vi.waitFor(async () => expect(await kept()).toBe('Met at the fair, wants pricing.'));
    document.body.innerHTML = '';
    // Opened again after a browser restart, its first read fails (the database did not open once).
    const again = await openPopup(0, 1);
    expect(again.note()).toBe('Met at the fair, wants pricing.');
    again.type('Met at the fair, wants pricing. Call on Monday.');
    await vi.waitFor(async () =>
      expect(await kept()).toBe('Met at the fair, wants pricing. Call on Monday.'),
    );
  });
});
