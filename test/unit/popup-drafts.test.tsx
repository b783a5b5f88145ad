/**
 * The popup's quick form, as entrypoints/popup/main.tsx runs it, against the real router and an
 * IndexedDB of its own: what the rep types there is kept in the background's database.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '../../lib/background/router';
import type { CampaignList, Message, SenderInfo } from '../../lib/messages';
import { SETTINGS_VERSION } from '../../lib/settings';
import type { OutboxEntry } from '../../lib/store/db';
import { openSameroomDb, withUnseenMark } from '../../lib/store/db';
import { keptDraft } from '../../lib/store/drafts';
import { feedbackItem } from '../support/examples';
import { backgroundDeps, OURS } from './background/deps';
import { LINK } from './outbox/fake-workspace';

const CAMPAIGNS: CampaignList = {
  linked: true,
  choices: [
    {
      id: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
      name: 'Spring webinar',
      channel: 'Webinar',
      status: 'active',
    },
  ],
  setup: { regions: [], region: null },
  fetchedAt: '2026-12-05T09:00:00Z',
};
const POPUP: SenderInfo = { id: OURS.id, url: `${OURS.origin}popup.html`, hasTab: false };

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

/**
 * The popup opened, its messages answered by the router; `refuseKeeps` keepDraft requests refused first,
 * `failReads` draft reads failed first, `failSyncs` Sync now asks failed, and `failDiscards` discards.
 */
async function openPopup(refuseKeeps: number, failReads = 0, failSyncs = 0, failDiscards = 0) {
  const db = await openSameroomDb();
  await db.put('link', LINK, 'current');
  const deps = backgroundDeps();
  let refuse = refuseKeeps;
  let fail = failReads;
  let failSync = failSyncs;
  let failDiscard = failDiscards;
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: Message) => {
    if (message.type === 'discard' && failDiscard > 0) {
      failDiscard--;
      return { ok: false, error: 'This browser has no room left to store it.' };
    }
    if (message.type === 'syncNow' && failSync > 0) {
      failSync--;
      return { ok: false, error: 'The browser’s storage could not be opened.' };
    }
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
  // The form waits for the kept one's read, retried for up to 1.4 s when it fails.
  const note = await vi.waitFor(
    () => {
      const box = app.querySelector<HTMLTextAreaElement>('.sr-form textarea');
      if (!box) throw new Error('no quick form yet');
      return box;
    },
    { timeout: 3_000 },
  );
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

describe('the popup’s “Saved”', () => {
  it('is said in a status region that was on the page before the save (one made with its words is not read)', async () => {
    await openPopup(0);
    const before = new Set(document.querySelectorAll('[role="status"]'));
    const form = document.querySelector<HTMLFormElement>('.sr-form')!;
    const link = form.querySelector<HTMLInputElement>('input[inputmode="url"]')!;
    link.value = 'https://app.hubspot.com/contacts/4412345/record/0-1/51234';
    link.dispatchEvent(new Event('input', { bubbles: true }));
    const campaign = form.querySelector('select')!;
    campaign.value = '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d';
    campaign.dispatchEvent(new Event('change', { bubbles: true }));
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    const saying = await vi.waitFor(() => {
      const found = [...document.querySelectorAll('[role="status"]')].find((node) =>
        node.textContent?.startsWith('Saved:'),
      );
      if (!found) throw new Error('no “Saved” yet');
      return found;
    });
    expect(before.has(saying)).toBe(true);
  });
});

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

  it('opens even when the kept form cannot be read, writes nothing over it, and takes it in once read', async () => {
    const first = await openPopup(0);
    first.type('Met at the fair, wants pricing.');
    await vi.waitFor(async () => expect(await kept()).toBe('Met at the fair, wants pricing.'));
    document.body.innerHTML = '';
    // Every read before the form opens fails (0.2 + 0.4 + 0.8 s of retries), and the next one too.
    const again = await openPopup(0, 5);
    expect(again.note()).toBe('');
    again.type('Call on Monday.');
    await vi.waitFor(() => expect(again.warnings()).toContain('Not kept in this browser'));
    // Before, this keystroke's write replaced the kept form: the note from the fair was gone.
    expect(await kept()).toBe('Met at the fair, wants pricing.');
    await vi.waitFor(() => expect(again.note()).toBe('Met at the fair, wants pricing.\nCall on Monday.'), {
      timeout: 5_000,
    });
    await vi.waitFor(async () =>
      expect(await kept()).toBe('Met at the fair, wants pricing.\nCall on Monday.'),
    );
    expect(again.warnings()).not.toContain('Not kept in this browser');
  }, 10_000);

  it('keeps what was typed meanwhile when it already held the kept note (the form then changes nothing)', async () => {
    const first = await openPopup(0);
    first.type('Met at the fair.');
    await vi.waitFor(async () => expect(await kept()).toBe('Met at the fair.'));
    document.body.innerHTML = '';
    const again = await openPopup(0, 5);
    again.type('Met at the fair. Call on Monday.');
    await vi.waitFor(async () => expect(await kept()).toBe('Met at the fair. Call on Monday.'), {
      timeout: 5_000,
    });
    expect(again.note()).toBe('Met at the fair. Call on Monday.');
  }, 10_000);
});

describe('the popup’s refused verdicts', () => {
  const item = feedbackItem({
    id: '5f0c2a1e-0000-4000-8000-0000000dead1',
    lead: { crm: 'hubspot', objectType: 'contact', recordId: '512' },
  });
  const dead: OutboxEntry = {
    item,
    workspaceUrl: LINK.workspaceUrl,
    member: { id: LINK.member.id, name: LINK.member.name },
    leadKey: 'hubspot:contact:512',
    campaignName: 'Spring webinar',
    state: 'dead',
    heldUntil: '2026-12-05T09:00:00.000Z',
    queuedAt: '2026-12-05T09:00:00.000Z',
    attempts: 3,
    problem: 'note: too long',
    refused: 'invalid',
  };
  const refusedForm = () =>
    vi.waitFor(() => {
      const form = document.querySelector<HTMLElement>('.sr-dead');
      if (!form) throw new Error('no refused verdict shown yet');
      return form;
    });
  const typeIn = (field: HTMLTextAreaElement | HTMLSelectElement, value: string) => {
    field.value = value;
    field.dispatchEvent(
      new Event(field instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
  };
  const keptFix = async () => keptDraft(await openSameroomDb(), `dead:${item.id}`);

  it('keep the fix being written when the popup closes, and forget it once resent', async () => {
    await (await openSameroomDb()).put('outbox', dead);
    await openPopup(0);
    let form = await refusedForm();
    typeIn(form.querySelector('textarea')!, 'Asked for a reseller.');
    typeIn(form.querySelector('select')!, 'wrong_audience');
    await vi.waitFor(async () =>
      expect(await keptFix()).toEqual({
        note: 'Asked for a reseller.',
        answers: {},
        fix: { verdict: 'wrong_audience', region: 'DACH' },
      }),
    );
    // Closed at a click in the page, opened again: the fix is as it was left.
    document.body.innerHTML = '';
    await openPopup(0);
    form = await refusedForm();
    expect(form.querySelector('textarea')!.value).toBe('Asked for a reseller.');
    expect(form.querySelector('select')!.value).toBe('wrong_audience');
    form.querySelector<HTMLButtonElement>('.sr-actions .sr-button')!.click();
    await vi.waitFor(async () =>
      expect((await openSameroomDb()).get('outbox', item.id)).resolves.toMatchObject({ state: 'pending' }),
    );
    expect(await keptFix()).toBeNull();
  });

  it('keep a fix the browser refused at first, without another keystroke', async () => {
    await (await openSameroomDb()).put('outbox', dead);
    await openPopup(1);
    const form = await refusedForm();
    typeIn(form.querySelector('textarea')!, 'Asked for a reseller.');
    await vi.waitFor(() => expect(form.textContent).toContain('Not kept in this browser'));
    await vi.waitFor(async () => expect((await keptFix())?.note).toBe('Asked for a reseller.'), {
      timeout: 6_000,
    });
    await vi.waitFor(() => expect(form.textContent).not.toContain('Not kept in this browser'));
  });

  it('keep what the rep writes in a fix after its discard failed', async () => {
    await (await openSameroomDb()).put('outbox', dead);
    await openPopup(0, 0, 0, 1);
    const form = await refusedForm();
    const button = (text: string) =>
      [...form.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === text)!;
    button('Discard').click();
    await vi.waitFor(() => expect(button('Discard it')).toBeTruthy());
    button('Discard it').click();
    await vi.waitFor(() =>
      expect(document.querySelector('[role="alert"]')?.textContent).toBe(
        'This browser has no room left to store it.',
      ),
    );
    expect(await (await openSameroomDb()).get('outbox', item.id)).toMatchObject({ state: 'dead' });
    // Before, the fix was taken for discarded: what the rep wrote in it from then on was kept nowhere.
    typeIn(form.querySelector('textarea')!, 'Asked for a reseller.');
    await vi.waitFor(async () => expect((await keptFix())?.note).toBe('Asked for a reseller.'));
  });

  it('stay with what the rep wrote in them when a later read of the outbox fails', async () => {
    await (await openSameroomDb()).put('outbox', dead);
    await openPopup(0, 0, 1);
    const form = await refusedForm();
    typeIn(form.querySelector('textarea')!, 'Asked for a reseller.');
    [...document.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent === 'Sync now')!
      .click();
    await vi.waitFor(() =>
      expect(document.querySelector('[role="alert"]')?.textContent).toBe(
        'The browser’s storage could not be opened.',
      ),
    );
    expect(document.querySelector<HTMLTextAreaElement>('.sr-dead textarea')?.value).toBe(
      'Asked for a reseller.',
    );
  });
});

describe('the popup’s Undo', () => {
  it('gives the keyboard’s focus to Send when it goes, not to the page’s body', async () => {
    await openPopup(0);
    const form = document.querySelector<HTMLFormElement>('.sr-form')!;
    const link = form.querySelector<HTMLInputElement>('input[inputmode="url"]')!;
    link.value = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
    link.dispatchEvent(new Event('input', { bubbles: true }));
    const campaign = form.querySelector('select')!;
    campaign.value = '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d';
    campaign.dispatchEvent(new Event('change', { bubbles: true }));
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    const undo = await vi.waitFor(() => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('button')].find(
        (b) => b.textContent === 'Undo',
      );
      if (!button) throw new Error(`no Undo yet: ${document.body.textContent}`);
      return button;
    });
    undo.focus();
    undo.click();
    await vi.waitFor(() => expect(document.body.textContent).toContain('nothing was sent'));
    await vi.waitFor(() =>
      expect(document.activeElement).toBe(document.querySelector('.sr-form button[type="submit"]')),
    );
  });
});

/**
 * A custom site kept in the settings (with the built-in CRMs switched as `enabledCrms` says), and a
 * verdict sent from the popup's quick form for `leadLink`: the lead it was stored with.
 */
async function quickVerdictOnSite(
  site: Record<string, unknown>,
  enabledCrms: Record<string, boolean>,
  leadLink: string,
) {
  const { checkCustomSite } = await import('../../lib/settings/custom-site');
  const checked = checkCustomSite({ recordQuery: '', fields: {}, ...site }, 'site-1');
  if (!checked.ok) throw new Error(`the site was refused: ${JSON.stringify(checked.problems)}`);
  await browser.storage.local.set({
    settings: { enabledCrms, sendRecordUrl: true, customSites: [checked.site] },
    settings$: { v: SETTINGS_VERSION },
  });
  await openPopup(0);
  const form = document.querySelector<HTMLFormElement>('.sr-form')!;
  const link = form.querySelector<HTMLInputElement>('input[inputmode="url"]')!;
  link.value = leadLink;
  link.dispatchEvent(new Event('input', { bubbles: true }));
  const campaign = form.querySelector('select')!;
  campaign.value = '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d';
  campaign.dispatchEvent(new Event('change', { bubbles: true }));
  form.dispatchEvent(new Event('submit', { cancelable: true }));
  const db = await openSameroomDb();
  await vi.waitFor(async () => expect(await db.count('outbox')).toBe(1), { timeout: 5_000 });
  return (await db.getAll('outbox'))[0]!.item.lead;
}

describe('the popup’s quick form on a custom site', () => {
  it('takes a lead address of a custom site added in Options', async () => {
    const lead = await quickVerdictOnSite(
      {
        label: 'Twenty',
        match: 'https://twenty.acme-internal.test/*',
        recordPattern: '/object/person/(?<id>[0-9a-f-]{36})',
        objectType: 'person',
      },
      {},
      'https://twenty.acme-internal.test/object/person/3f2b8c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
    );
    expect(lead).toMatchObject({
      crm: 'custom',
      objectType: 'person',
      recordId: '3f2b8c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
    });
    expect(document.body.textContent).not.toContain('does not recognise');
  });

  it('reads an address on a built-in CRM switched off as the custom site’s there, as the panel does', async () => {
    const lead = await quickVerdictOnSite(
      {
        label: 'Classic, our way',
        match: 'https://acme.my.salesforce.com/*',
        recordPattern: '/(?<id>00Q[A-Za-z0-9]{12})',
        objectType: 'lead',
      },
      { 'salesforce-classic': false },
      'https://acme.my.salesforce.com/00Q5g00000A1b2c',
    );
    expect(lead).toMatchObject({ crm: 'custom', recordId: '00Q5g00000A1b2c' });
  });
});

describe('the popup’s new replies', () => {
  it('stay listed while the popup is open, though opening it marked them seen', async () => {
    const db = await openSameroomDb();
    const id = '7d8e2f4a-1b3c-4d5e-8f90-000000009921';
    await db.put(
      'sent',
      withUnseenMark({
        item: feedbackItem({ id, campaignId: null }),
        workspaceUrl: LINK.workspaceUrl,
        member: { id: LINK.member.id, name: LINK.member.name },
        leadKey: 'hubspot:contact:4242',
        sentAt: '2026-11-20T10:01:00.000Z',
        replies: [
          {
            id: '3a3a3a3a-0000-4000-8000-000000009921',
            feedbackId: id,
            author: { id: '4b4b4b4b-0000-4000-8000-000000000001', name: 'Mara Jensen' },
            text: 'We are dropping the price from the ad.',
            createdAt: '2026-11-22T09:30:00.000Z',
          },
        ],
        repliesSeen: 0,
      }),
    );
    await openPopup(0);
    await vi.waitFor(() =>
      expect(document.body.textContent).toContain('We are dropping the price from the ad.'),
    );
    // Opening marked it seen: the badge and the next popup no longer call it new.
    await vi.waitFor(async () => expect((await db.getAll('sent'))[0]?.repliesSeen).toBe(1));
    // The background then says the outbox changed (its badge refreshed), and the popup asks again.
    const asked = vi.mocked(browser.runtime.sendMessage).mock.calls.length;
    await fakeBrowser.runtime.onMessage.trigger(
      { 'sameroom-outbox-changed': true },
      { id: browser.runtime.id },
    );
    await vi.waitFor(() =>
      expect(
        vi
          .mocked(browser.runtime.sendMessage)
          .mock.calls.slice(asked)
          .some(([message]) => (message as unknown as Message).type === 'outbox'),
      ).toBe(true),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Before: that answer had no new replies, and the reply vanished as the rep began to read it.
    expect(document.body.textContent).toContain('We are dropping the price from the ad.');
  });
});
