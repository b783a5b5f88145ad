/**
 * The Options page, as entrypoints/options/main.tsx runs it, with the background's answers and the
 * browser's permission prompts faked: what it says when the browser or its storage refuses a change,
 * and that it stops saying it once the change went through.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import type { Message } from '../../lib/messages';
import { SETTINGS_VERSION } from '../../lib/settings';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

const STATUS = {
  linked: false,
  held: 0,
  pending: 0,
  failed: 0,
  otherWorkspace: 0,
  otherReps: [],
};

/** Options opened on a profile keeping `site` (its pages not granted), the background answering. */
async function openOptions(site?: Record<string, unknown>) {
  if (site) {
    const { checkCustomSite } = await import('../../lib/settings/custom-site');
    const checked = checkCustomSite({ recordQuery: '', fields: {}, ...site }, 'site-1');
    if (!checked.ok) throw new Error(`the site was refused: ${JSON.stringify(checked.problems)}`);
    await browser.storage.local.set({
      settings: { enabledCrms: {}, sendRecordUrl: true, customSites: [checked.site] },
      settings$: { v: SETTINGS_VERSION },
    });
  }
  vi.spyOn(browser.permissions.onAdded, 'addListener').mockImplementation(() => undefined);
  vi.spyOn(browser.permissions.onRemoved, 'addListener').mockImplementation(() => undefined);
  vi.spyOn(browser.commands, 'getAll').mockResolvedValue([] as never);
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: Message) => {
    if (message.type === 'status' || message.type === 'outbox') return { ok: true, reply: STATUS };
    return { ok: false, error: `unexpected ${message.type}` };
  }) as never);
  const app = document.createElement('div');
  app.id = 'app';
  document.body.append(app);
  vi.resetModules();
  await import('../../entrypoints/options/main');
  return app;
}

/** A custom site the tests keep, its pages not granted until a test says so. */
const TWENTY = {
  label: 'Twenty',
  match: 'https://twenty.acme-internal.test/*',
  recordPattern: '/object/person/(?<id>[0-9a-f-]{36})',
  objectType: 'lead',
};

/** The kept site's Remove button, once the list shows it. */
const removeButton = (app: HTMLElement) =>
  vi.waitFor(() => {
    const button = [...app.querySelectorAll('button')].find((node) => node.textContent === 'Remove Twenty');
    if (!button) throw new Error('no Remove yet');
    return button;
  });

const alerts = (app: HTMLElement) =>
  [...app.querySelectorAll('[role="alert"]')].map((node) => node.textContent);

describe('Options, when the browser refuses a change', () => {
  it('says why a custom site’s Allow failed, and no longer once a later Allow went through', async () => {
    const granted = new Set<string>();
    vi.spyOn(browser.permissions, 'contains').mockImplementation((async (asked: { origins: string[] }) =>
      asked.origins.every((origin) => granted.has(origin))) as never);
    const request = vi
      .spyOn(browser.permissions, 'request')
      .mockRejectedValueOnce(new Error('Permissions request was interrupted.'))
      .mockImplementation((async (asked: { origins: string[] }) => {
        for (const origin of asked.origins) granted.add(origin);
        return true;
      }) as never);
    const app = await openOptions(TWENTY);
    const allow = await vi.waitFor(() => {
      const button = [...app.querySelectorAll('button')].find(
        (node) =>
          node.closest('li')?.textContent?.includes('Twenty') && /allow/i.test(node.textContent ?? ''),
      );
      if (!button) throw new Error('no Allow button for the custom site yet');
      return button;
    });
    allow.click();
    await vi.waitFor(() => expect(alerts(app).join()).toContain('Permissions request was interrupted.'));
    allow.click();
    await vi.waitFor(() => expect(request).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(alerts(app).join()).not.toContain('interrupted'));
  });

  it('says a CRM whose pages the rep allowed for one org shows its panel there alone, not nowhere', async () => {
    const org = 'https://acme.lightning.force.com/*';
    vi.spyOn(browser.permissions, 'contains').mockImplementation((async (asked: { origins: string[] }) =>
      asked.origins.every((origin) => origin === org || !origin.includes('force.com'))) as never);
    vi.spyOn(browser.permissions, 'getAll').mockResolvedValue({ origins: [org], permissions: [] } as never);
    const app = await openOptions();
    const row = await vi.waitFor(() => {
      const item = [...app.querySelectorAll('li')].find((node) =>
        node.textContent?.startsWith('Salesforce Lightning'),
      );
      if (!item?.querySelector('.sr-warning')) throw new Error('no warning yet');
      return item;
    });
    expect(row.querySelector('.sr-warning')!.textContent).toContain(
      'This browser lets Sameroom read only some Salesforce Lightning pages',
    );
  });

  it('takes the keyboard’s focus to what a removal did once the site’s row (and its Remove) is gone', async () => {
    vi.spyOn(browser.permissions, 'contains').mockResolvedValue(true as never);
    vi.spyOn(browser.permissions, 'remove').mockResolvedValue(true as never);
    vi.spyOn(browser.scripting, 'getRegisteredContentScripts').mockResolvedValue([] as never);
    const app = await openOptions(TWENTY);
    const remove = await removeButton(app);
    remove.focus();
    remove.click();
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('sites-said'));
    expect(document.activeElement?.textContent).toBe(
      'Removed “Twenty”: Sameroom no longer runs on its pages.',
    );
  });

  it('leaves the focus in the box the rep went on to while a removal waited for its turn', async () => {
    vi.spyOn(browser.permissions, 'contains').mockResolvedValue(true as never);
    vi.spyOn(browser.permissions, 'remove').mockResolvedValue(true as never);
    let go: (() => void) | null = null;
    vi.spyOn(browser.scripting, 'getRegisteredContentScripts').mockImplementation(
      () => new Promise((resolve) => (go = () => resolve([] as never))) as never,
    );
    const app = await openOptions(TWENTY);
    const remove = await removeButton(app);
    remove.focus();
    remove.click();
    const name = app.querySelector<HTMLInputElement>('.sr-form input')!;
    name.focus();
    await vi.waitFor(() => expect(go).not.toBeNull());
    go!();
    await vi.waitFor(() => expect(app.textContent).toContain('Removed “Twenty”'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(document.activeElement).toBe(name);
  });

  it('says why a built-in CRM’s Allow failed instead of dropping it', async () => {
    vi.spyOn(browser.permissions, 'contains').mockResolvedValue(false as never);
    vi.spyOn(browser.permissions, 'request').mockRejectedValue(
      new Error('Permissions request was interrupted.') as never,
    );
    const app = await openOptions();
    const allow = await vi.waitFor(() => {
      const button = [...app.querySelectorAll('li button')].find((node) =>
        /allow/i.test(node.textContent ?? ''),
      ) as HTMLButtonElement | undefined;
      if (!button) throw new Error('no Allow button yet');
      return button;
    });
    allow.click();
    await vi.waitFor(() => expect(alerts(app).join()).toContain('Permissions request was interrupted.'));
  });

  it('says a CRM switch could not be saved and shows it as it is kept', async () => {
    vi.spyOn(browser.permissions, 'contains').mockResolvedValue(true as never);
    const app = await openOptions();
    const toggle = await vi.waitFor(() => {
      const box = app.querySelector<HTMLInputElement>('li input[type="checkbox"]');
      if (!box) throw new Error('no CRM switches yet');
      return box;
    });
    expect(toggle.checked).toBe(true);
    vi.spyOn(browser.storage.local, 'set').mockRejectedValue(
      new Error('QUOTA_BYTES quota exceeded') as never,
    );
    toggle.click();
    await vi.waitFor(() => expect(alerts(app).length).toBeGreaterThan(0));
    expect(toggle.checked).toBe(true);
  });

  it('says the privacy switch could not be saved and shows it as it is kept', async () => {
    vi.spyOn(browser.permissions, 'contains').mockResolvedValue(true as never);
    const app = await openOptions();
    const privacy = await vi.waitFor(() => {
      const box = app.querySelector<HTMLInputElement>('section[aria-labelledby="privacy"] input');
      if (!box) throw new Error('no privacy switch yet');
      return box;
    });
    expect(privacy.checked).toBe(true);
    vi.spyOn(browser.storage.local, 'set').mockRejectedValue(
      new Error('QUOTA_BYTES quota exceeded') as never,
    );
    privacy.click();
    await vi.waitFor(() =>
      expect(
        app.querySelector('section[aria-labelledby="privacy"] [role="alert"]')?.textContent,
      ).toBeTruthy(),
    );
    expect(privacy.checked).toBe(true);
  });
});
