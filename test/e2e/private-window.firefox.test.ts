import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { draftNotesInExtension } from './harness/drafts';
import { extensionPage, type FirefoxSession, launchFirefox, linkInFirefoxOptions } from './harness/firefox';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { inPanel, panelText } from './harness/panel-firefox';

/**
 * Firefox with Sameroom allowed to run in private windows (about:addons), a lead opened in a private
 * window: the panel works, and what the rep types is kept in the browser's memory alone, as in
 * Chromium's incognito (private-window.chromium.test.ts).
 */
let server: FixtureServer;
let ws: TestWorkspace;
let firefox: FirefoxSession;
let page: Page;
let options: Page;

const NOTE = 'Their budget is 40k, keep it quiet.';
const HINT = 'Private window: kept in memory only, until sent or the last private window closes';

beforeAll(async () => {
  server = await startFixtureServer(443);
  ws = await startTestWorkspace('pglite');
  const marketer = await ws.join('marketer');
  await ws.call('POST', '/api/v1/campaigns', {
    token: marketer.token,
    body: briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
  });
  firefox = await launchFirefox({ hosts: server.hosts, inPrivateWindows: true });
  page = await firefox.browser.newPage();
});

afterAll(async () => {
  await firefox?.close();
  await ws?.destroy();
  await server?.close();
});

const heading = () => panelText(page, 'aside h2');
const noteBox = () => inPanel(page, '.sr-verdict textarea');
const noteText = async () => (await noteBox()).evaluate((el) => (el as HTMLTextAreaElement).value);

async function openNote(): Promise<void> {
  const more = await inPanel(page, '.sr-verdict__more-toggle');
  if ((await more.evaluate((el) => el.getAttribute('aria-expanded'))) !== 'true') await more.click();
}

/** What the extension's database on disk keeps as drafts, read in its Options page: every draft's note. */
const notesOnDisk = () => options.evaluate(draftNotesInExtension);

/** The extension's session storage, read in its Options page: what it keeps in the browser's memory. */
const inMemory = async () =>
  JSON.stringify(
    await options.evaluate(() =>
      (
        globalThis as unknown as { browser: { storage: { session: { get(k: null): Promise<object> } } } }
      ).browser.storage.session.get(null),
    ),
  );

describe('Firefox: a lead opened in a private window', () => {
  it('shows the panel and links through Options, as in any window', async () => {
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Ana Ruiz', role: 'rep' },
    });
    const { joinUrl } = (await invite.json()) as { joinUrl: string };
    await page.goto(server.url('salesforce-lightning/lead'));
    // Firefox's WebDriver will not navigate to moz-extension:// pages: through the panel, as a rep.
    await (await inPanel(page, '.sr-button')).click();
    options = await extensionPage(firefox, 'options.html');
    await linkInFirefoxOptions(options, joinUrl, 'Ana Ruiz (rep)');
    // A private window with the lead, opened as Sameroom may open one (WebDriver opens none).
    const url = server.url('salesforce-lightning/lead');
    const before = new Set(await firefox.browser.pages());
    await options.evaluate(
      (address) =>
        (
          globalThis as unknown as { browser: { windows: { create(o: object): Promise<unknown> } } }
        ).browser.windows.create({ incognito: true, url: address }),
      url,
    );
    await expect
      .poll(
        async () =>
          (await firefox.browser.pages()).filter((tab) => !before.has(tab) && tab.url() === url).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(1);
    page = (await firefox.browser.pages()).find((tab) => !before.has(tab) && tab.url() === url)!;
    // A private window's tab indeed: the only private one on that address.
    const privateTabs = await options.evaluate(
      async (address) =>
        (
          await (
            globalThis as unknown as {
              browser: { tabs: { query(o: object): Promise<Array<{ url?: string; incognito: boolean }>> } };
            }
          ).browser.tabs.query({})
        ).filter((tab) => tab.url === address && tab.incognito).length,
      url,
    );
    expect(privateTabs).toBe(1);
    await expect.poll(heading, { timeout: 15_000 }).toBe('Hannover Messe 2026');
  });

  it('keeps what the rep types in memory, says so, and gives it back after a reload', async () => {
    await openNote();
    await (await noteBox()).type(NOTE);
    await expect.poll(inMemory).toContain(NOTE);
    expect((await notesOnDisk()).join('\n')).not.toContain('40k');
    await expect.poll(() => panelText(page, '.sr-verdict')).toContain(HINT);
    await page.reload();
    await expect.poll(heading, { timeout: 15_000 }).toBe('Hannover Messe 2026');
    await openNote();
    await expect.poll(noteText).toBe(NOTE);
    expect((await notesOnDisk()).join('\n')).not.toContain('40k');
  });
});

describe('Firefox set never to remember history (every window private)', () => {
  it('says in the panel why Sameroom cannot keep anything there, and what to change', async () => {
    const always = await launchFirefox({
      hosts: server.hosts,
      prefs: { 'browser.privatebrowsing.autostart': true },
      inPrivateWindows: true,
    });
    try {
      const tab = await always.browser.newPage();
      await tab.goto(server.url('salesforce-lightning/lead'));
      // Before, "a full disk does this": the rep was sent to free space in vain.
      await expect
        .poll(() => panelText(tab, '.sr-status'), { timeout: 30_000 })
        .toContain('Firefox is set never to remember history, and then keeps no data for add-ons');
    } finally {
      await always.close();
    }
  });
});
