import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../lib/protocol';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, closeServiceWorker, launchChromium, linkInOptions } from './harness/chromium';
import { draftNotesInExtension } from './harness/drafts';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { panelAside } from './harness/panel';

/**
 * Sameroom allowed in incognito, as a rep allows it on chrome://extensions: a lead opened in a private
 * window. Its panel works, and what the rep types there is kept in the browser's memory alone (a
 * private window promises to leave nothing on the computer), apart from the same record's draft in
 * ordinary windows.
 */
let server: FixtureServer;
let ws: TestWorkspace;
let chromium: ChromiumSession;
let marketer: { id: string; token: string };

const NOTE = 'Their budget is 40k, keep it quiet.';

beforeAll(async () => {
  server = await startFixtureServer();
  ws = await startTestWorkspace('pglite');
  marketer = await ws.join('marketer', 'Mara Jensen');
  const created = await ws.call('POST', '/api/v1/campaigns', {
    token: marketer.token,
    body: briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
  });
  expect(created.status).toBe(201);
  const invite = await ws.call('POST', '/api/v1/invites', {
    token: ws.adminToken,
    body: { name: 'Ana Ruiz', role: 'rep', region: 'Iberia' },
  });
  chromium = await launchChromium({ hosts: server.hosts, port: server.port });
  await linkInOptions(chromium, ((await invite.json()) as { joinUrl: string }).joinUrl);
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy();
  await server?.close();
});

type Chrome = {
  chrome: {
    extension: { isAllowedIncognitoAccess(): Promise<boolean> };
    windows: { create(o: object): Promise<{ id: number }> };
    storage: { session: { get(keys: null): Promise<Record<string, unknown>> } };
  };
};

/**
 * Runs `work` in one of the extension's own pages (Options, opened for it): the worker's origin, so the
 * same database and session storage, and there whether or not Chromium has stopped the worker. A page
 * of each call: allowing incognito reloads the extension, and a page opened before is left without it.
 */
async function inExtension<T, A>(work: (arg: A) => T | Promise<T>, arg: A): Promise<T> {
  const page = await chromium.context.newPage();
  try {
    await page.goto(`chrome-extension://${chromium.extensionId}/options.html`);
    return (await page.evaluate(work as (arg: unknown) => unknown, arg)) as T;
  } finally {
    await page.close();
  }
}

/** What the extension's database keeps as drafts: every draft's note. */
const notesOnDisk = () => inExtension(draftNotesInExtension, null);

/** The extension's session storage: what it keeps in the browser's memory. */
async function inMemory(): Promise<string> {
  return JSON.stringify(
    await inExtension(() => (globalThis as unknown as Chrome).chrome.storage.session.get(null), null),
  );
}

async function openNote(page: Page): Promise<void> {
  const toggle = (await panelAside(page, 15_000)).locator('.sr-verdict__more-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

const note = async (page: Page) => (await panelAside(page)).getByLabel('Note for marketing (optional)');
const heading = async (page: Page) => (await panelAside(page, 15_000)).locator('h2').first().textContent();

describe('Chromium: a lead opened in a private window', () => {
  let privateTab: Page;

  it('shows the panel, once Sameroom is allowed in incognito', async () => {
    const settings = await chromium.context.newPage();
    await settings.goto(`chrome://extensions/?id=${chromium.extensionId}`);
    // Our build is an unpacked extension, which Chromium disables when it is reloaded (as allowing
    // incognito reloads it) outside developer mode ("unsupportedDeveloperExtension"); one from the
    // store is not. Developer mode on, as for any unpacked extension; then "Allow in Incognito" on,
    // through the API behind the page's switch (a click on the switch was lost while the page wired it).
    await settings.evaluate(async (extensionId) => {
      const { developerPrivate } = (
        globalThis as unknown as {
          chrome: {
            developerPrivate: {
              updateProfileConfiguration(o: object): Promise<void>;
              updateExtensionConfiguration(o: object): Promise<void>;
            };
          };
        }
      ).chrome;
      await developerPrivate.updateProfileConfiguration({ inDeveloperMode: true });
      await developerPrivate.updateExtensionConfiguration({ extensionId, incognitoAccess: true });
    }, chromium.extensionId);
    // The switch a rep sees says so.
    await expect
      .poll(() =>
        settings
          .locator('#allow-incognito')
          .evaluate((row) => (row as HTMLElement & { checked: boolean }).checked),
      )
      .toBe(true);
    await expect
      .poll(
        async () =>
          inExtension(
            () => (globalThis as unknown as Chrome).chrome.extension.isAllowedIncognitoAccess(),
            null,
          ).catch(() => false),
        { timeout: 10_000 },
      )
      .toBe(true);
    await settings.close();
    const url = server.url('salesforce-lightning/lead');
    const before = new Set(chromium.context.pages());
    await inExtension(
      (address) => (globalThis as unknown as Chrome).chrome.windows.create({ incognito: true, url: address }),
      url,
    );
    await expect
      .poll(() => chromium.context.pages().filter((page) => !before.has(page) && page.url() === url).length)
      .toBe(1);
    privateTab = chromium.context.pages().find((page) => !before.has(page) && page.url() === url)!;
    // A tab of a private window indeed: the only one on that address yet.
    const incognito = await inExtension(
      async (address) =>
        (
          await (
            globalThis as unknown as {
              chrome: { tabs: { query(o: object): Promise<Array<{ url?: string; incognito: boolean }>> } };
            }
          ).chrome.tabs.query({})
        )
          .filter((tab) => tab.url === address)
          .map((tab) => tab.incognito),
      url,
    );
    expect(incognito).toEqual([true]);
    await expect.poll(() => heading(privateTab), { timeout: 20_000 }).toBe('Hannover Messe 2026');
  });

  it('keeps what the rep types in memory, never on disk, and apart from the record in other windows', async () => {
    await openNote(privateTab);
    await (await note(privateTab)).fill(NOTE);
    await expect.poll(inMemory).toContain(NOTE);
    expect((await notesOnDisk()).join('\n')).not.toContain('40k');
    // Said under the box: the rep knows the note goes with the browser.
    const hint = 'Private window: kept in memory only, until sent or the last private window closes';
    expect(await (await panelAside(privateTab)).textContent()).toContain(hint);
    // The same record in an ordinary window: its own (empty) draft, nothing of the private one.
    const ordinary = await chromium.context.newPage();
    await ordinary.goto(server.url('salesforce-lightning/lead'));
    await expect.poll(() => heading(ordinary)).toBe('Hannover Messe 2026');
    await openNote(ordinary);
    await ordinary.waitForTimeout(500);
    expect(await (await note(ordinary)).inputValue()).toBe('');
    expect(await (await panelAside(ordinary)).textContent()).not.toContain(hint);
    await ordinary.close();
  });

  it('gives the note back after the tab reloads, with the worker stopped in between', async () => {
    expect(await closeServiceWorker(chromium, privateTab)).toBe(true);
    await privateTab.reload();
    await expect.poll(() => heading(privateTab), { timeout: 20_000 }).toBe('Hannover Messe 2026');
    await openNote(privateTab);
    await expect.poll(async () => (await note(privateTab)).inputValue()).toBe(NOTE);
    expect((await notesOnDisk()).join('\n')).not.toContain('40k');
  });

  it('sends the verdict with its note, and forgets the draft once it is saved', async () => {
    await (await panelAside(privateTab)).getByRole('button', { name: /Good fit/ }).click();
    const status = async () => (await panelAside(privateTab)).locator('.sr-verdict__status').textContent();
    await expect.poll(status).toMatch(/^Saved\. Undo \(\d+ s\)$/);
    await expect.poll(inMemory).not.toContain(NOTE);
    await expect.poll(status, { timeout: 20_000 }).toBe('Sent to the workspace.');
    const answer = await ws.call('GET', '/api/v1/feedback', { token: marketer.token });
    const items = ((await answer.json()) as { items: FeedbackRecord[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ verdict: 'good_fit', note: NOTE, rep: { name: 'Ana Ruiz' } });
    expect((await notesOnDisk()).join('\n')).not.toContain('40k');
  });

  it('forgets a private draft once the last private window closes, as the browser forgets the rest', async () => {
    await openNote(privateTab);
    await (await note(privateTab)).fill('Typed and left.');
    await expect.poll(inMemory).toContain('Typed and left.');
    await privateTab.close();
    await expect.poll(inMemory).not.toContain('Typed and left.');
    expect((await notesOnDisk()).join('\n')).not.toContain('Typed and left.');
  });
});
