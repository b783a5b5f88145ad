import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../lib/crm';
import { addTwentyInOptions, extensionPage, type FirefoxSession, launchFirefox } from './harness/firefox';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { findPanelFrame, inPanel, panelText } from './harness/panel-firefox';

let server: FixtureServer;
let firefox: FirefoxSession;
let page: Page;

beforeAll(async () => {
  // Firefox resolves the CRM hostnames to 127.0.0.1 and speaks HTTPS on the default port.
  server = await startFixtureServer(443);
  firefox = await launchFirefox({ hosts: server.hosts });
  page = await firefox.browser.newPage();
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

/**
 * As a single-page CRM moves: the next page's content rendered in place and its address pushed. Resolves
 * with the ms from pushState until the panel's host is there (or gone), as the page sees it.
 */
function moveTo(on: Page, fixture: string, panelThere: boolean): Promise<number> {
  const address = new URL(server.url(fixture));
  return on.evaluate(
    (html, path, there) =>
      new Promise<number>((resolve, reject) => {
        for (const child of [...document.body.children])
          if (child.tagName !== 'SAMEROOM-PANEL') child.remove();
        document.body.prepend(...new DOMParser().parseFromString(html, 'text/html').body.children);
        const pushed = performance.now();
        history.pushState({}, '', path);
        const look = () => {
          const elapsed = performance.now() - pushed;
          if ((document.querySelector('sameroom-panel') !== null) === there) resolve(elapsed);
          else if (elapsed > 5_000)
            reject(new Error(`the panel was ${there ? 'not up' : 'still up'} after 5 s`));
          else setTimeout(look, 2);
        };
        look();
      }),
    server.html(fixture),
    `${address.pathname}${address.search}`,
    panelThere,
  );
}

/** Lead → list view → lead, five times: each move's ms until the panel came down or went up. */
async function movesOf(on: Page): Promise<number[]> {
  await on.goto(server.url('salesforce-lightning/lead'));
  await inPanel(on, 'aside');
  const moves: number[] = [];
  for (let round = 0; round < 5; round++) {
    moves.push(await moveTo(on, 'salesforce-lightning/list-view', false));
    moves.push(await moveTo(on, 'salesforce-lightning/lead', true));
  }
  return moves;
}

/**
 * The moves followed at once, not at the next poll of the address: polled once a second (WXT's watcher
 * without the Navigation API), a move takes 0–1 s (667–960 ms measured), so eight of ten under 300 ms
 * happen by chance to a poll about once in 600 runs, and with a median under 150 ms rarer still. Two
 * slow moves are let through: on a loaded CI machine one took 436 ms while the others took tens, and a
 * busy spell can take two.
 */
function expectPrompt(moves: number[]): void {
  const sorted = [...moves].sort((a, b) => a - b);
  const said = `moves ${moves.join(', ')} ms`;
  expect(sorted.filter((ms) => ms < 300).length, said).toBeGreaterThanOrEqual(8);
  expect(sorted[Math.floor(sorted.length / 2)], said).toBeLessThan(150);
}

describe('Firefox: the built extension on Salesforce Lightning', () => {
  it('docks the panel on a lead page and says it is not linked yet', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    const panel = await inPanel(page, 'aside');
    expect(await panel?.evaluate((el) => el.getAttribute('aria-label'))).toBe('Sameroom: campaign brief');
    await expect.poll(() => panel?.evaluate((el) => el.textContent)).toContain('Not linked to a workspace');
  });

  it('mounts nothing on a list view', async () => {
    await page.goto(server.url('salesforce-lightning/list-view'));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await page.$('sameroom-panel')).toBeNull();
    expect(await findPanelFrame(page)).toBeUndefined();
  });

  it('follows the CRM between a record and a list without a reload, at once', async () => {
    expectPrompt(await movesOf(page));
  });
});

describe('Firefox without the Navigation API (as 140–146, which the manifest allows)', () => {
  let older: FirefoxSession;

  beforeAll(async () => {
    older = await launchFirefox({ hosts: server.hosts, prefs: { 'dom.navigation.webidl.enabled': false } });
  });

  afterAll(async () => {
    await older?.close();
  });

  it('follows the CRM between a record and a list without a reload, at once', async () => {
    const tab = await older.browser.newPage();
    expect(await tab.evaluate(() => typeof (window as Window & { navigation?: unknown }).navigation)).toBe(
      'undefined',
    );
    expectPrompt(await movesOf(tab));
  });
});

/**
 * An update as Firefox applies one, asked from Options (opened as a rep opens it: WebDriver navigates to
 * none of our pages): the extension reloaded, its pages and scripts started anew. The tab, open since
 * before and showing `title` in its panel (at `selector`), shows it again, in its own page (not
 * reloaded) and once.
 */
async function updatedWith(tab: Page, options: Page, selector: string, title: string): Promise<void> {
  const shown = () => panelText(tab, selector);
  await expect.poll(shown, { timeout: 15_000 }).toContain(title);
  await tab.evaluate(() => {
    (window as { sameroomTestMark?: boolean }).sameroomTestMark = true;
  });
  const oldFrame = await findPanelFrame(tab);
  void options
    .evaluate(() =>
      (globalThis as unknown as { browser: { runtime: { reload(): void } } }).browser.runtime.reload(),
    )
    .catch(() => undefined);
  await expect.poll(() => oldFrame?.detached, { timeout: 10_000 }).toBe(true);
  await expect.poll(shown, { timeout: 15_000 }).toContain(title);
  expect(await tab.evaluate(() => (window as { sameroomTestMark?: boolean }).sameroomTestMark)).toBe(true);
  expect(await tab.evaluate(() => document.querySelectorAll('sameroom-panel').length)).toBe(1);
}

describe('Firefox: Sameroom updated while CRM tabs are open', () => {
  it('puts the panel back in a lead tab opened before the update, without a reload', async () => {
    const tab = await firefox.browser.newPage();
    await tab.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(() => panelText(tab, 'aside'), { timeout: 15_000 })
      .toContain('Salesforce Lightning · Lead');
    await (await inPanel(tab, '.sr-button')).click();
    const options = await extensionPage(firefox, 'options.html');
    await updatedWith(tab, options, 'aside', 'Salesforce Lightning · Lead');
    await tab.close();
  });

  it('puts the panel back in a custom site’s tab too, whose script Firefox does not run itself', async () => {
    const tab = await firefox.browser.newPage();
    await tab.goto(server.url('salesforce-lightning/lead'));
    await (await inPanel(tab, '.sr-button')).click();
    const options = await extensionPage(firefox, 'options.html');
    await addTwentyInOptions(options);
    await tab.close();
    const twenty = await firefox.browser.newPage();
    await twenty.goto(server.url('twenty/person'));
    // Firefox deletes the scripts registered at run time when an add-on is updated, and runs only the
    // manifest's in open tabs: the custom site's tab is the worker's to run its script in.
    await updatedWith(twenty, options, '.sr-status__title', 'Not linked to a workspace');
    await twenty.close();
  });
});

describe('Firefox: a rep who turned off Sameroom’s access to a CRM’s pages (about:addons)', () => {
  it('is told in Options which CRM shows no panel and why, and one click on Allow brings the panel back to the open tab', async () => {
    const lightning = ADAPTERS.find((adapter) => adapter.id === 'salesforce-lightning')!;
    const tab = await firefox.browser.newPage();
    await tab.goto(server.url('salesforce-lightning/lead'));
    await (await inPanel(tab, '.sr-button')).click();
    const options = await extensionPage(firefox, 'options.html');
    const told = () =>
      options.evaluate(() => document.body.textContent?.includes('does not let Sameroom read') ?? false);
    expect(await told()).toBe(false);
    // What the rep's switch for these sites in about:addons does.
    await options.evaluate(
      (origins) =>
        (
          globalThis as unknown as { browser: { permissions: { remove(p: object): Promise<boolean> } } }
        ).browser.permissions.remove({ origins }),
      lightning.matches,
    );
    await expect.poll(told).toBe(true);
    expect(await options.evaluate(() => document.body.textContent)).toContain(
      'This browser does not let Sameroom read Salesforce Lightning pages',
    );
    // And indeed no panel on a lead page now.
    const lead = await firefox.browser.newPage();
    await lead.goto(server.url('salesforce-lightning/lead'));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await lead.$('sameroom-panel')).toBeNull();

    // One click (the test profile's pref grants without the prompt a rep would answer).
    await options.click('::-p-text(Allow on Salesforce Lightning)');
    await expect.poll(told).toBe(false);
    // The tab open all along gets its panel without a reload.
    await expect
      .poll(() => panelText(lead, 'aside'), { timeout: 15_000 })
      .toContain('Not linked to a workspace');
    await lead.close();
    await tab.close();
  });
});
