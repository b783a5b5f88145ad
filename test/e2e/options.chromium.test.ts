import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../lib/protocol';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, launchChromium } from './harness/chromium';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { startHoldProxy } from './harness/hold-proxy';
import { panelAside, panelFrame } from './harness/panel';
import { CHROME_TEST_BUILD, E2E_DIR } from './harness/paths';

let server: FixtureServer;
let ws: TestWorkspace;
let proxy: Awaited<ReturnType<typeof startHoldProxy>>;
let chromium: ChromiumSession;
let options: Page;
let page: Page;
let marketerToken: string;

beforeAll(async () => {
  server = await startFixtureServer();
  proxy = await startHoldProxy(() => ws.url);
  ws = await startTestWorkspace('pglite', { publicUrl: proxy.url });
  const marketer = await ws.join('marketer', 'Mara Jensen');
  marketerToken = marketer.token;
  await ws.call('POST', '/api/v1/campaigns', {
    token: marketer.token,
    body: briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
  });
  chromium = await launchChromium({ hosts: server.hosts, port: server.port, extension: CHROME_TEST_BUILD });
  options = await chromium.context.newPage();
  await options.goto(`chrome-extension://${chromium.extensionId}/options.html`);
  page = await chromium.context.newPage();
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy();
  await proxy?.close();
  await server?.close();
});

let anaId: string | undefined;
/** A join link for Ana Ruiz: invited the first time, then a fresh code each time (names are unique). */
async function invite(): Promise<string> {
  const answer = anaId
    ? await ws.call('POST', `/api/v1/members/${anaId}/codes`, { token: ws.adminToken })
    : await ws.call('POST', '/api/v1/invites', {
        token: ws.adminToken,
        body: { name: 'Ana Ruiz', role: 'rep', region: 'Iberia' },
      });
  const { joinUrl, member } = (await answer.json()) as { joinUrl: string; member: { id: string } };
  anaId = member.id;
  return joinUrl;
}

async function tryLink(joinLink: string): Promise<string> {
  await options.getByLabel('Join link').fill(joinLink);
  await options.getByRole('button', { name: 'Link', exact: true }).click();
  const alert = options.getByRole('alert');
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}

async function received(): Promise<FeedbackRecord[]> {
  const answer = await ws.call('GET', '/api/v1/feedback', { token: marketerToken });
  return ((await answer.json()) as { items: FeedbackRecord[] }).items;
}

const panel = () => panelAside(page);
const CODE = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

describe('Chromium: Options links with clear errors, and sets up CRM sites and privacy', () => {
  it.each([
    ['a malformed link', 'not a link at all', /join link|address/i],
    ['a plain-HTTP address that is not localhost', `http://sameroom.example.com/join#${CODE}`, /HTTPS/],
    ['an unreachable workspace', `http://127.0.0.1:9/join#${CODE}`, /cannot be reached/],
    [
      'something that is not a Sameroom workspace',
      `https://acme.lightning.force.com/join#${CODE}`,
      // A web page where the workspace's JSON belongs: said as such, with a proxy or sign-in page as
      // the likely cause (lib/protocol/read.ts isWebPage).
      /answered with a web page \(HTTP \d+\), not Sameroom/,
    ],
    ['a bad code', () => `${proxy.url}/join#${CODE}`, /This code is not valid/],
  ])('says what is wrong with %s, keeping what was typed', async (_name, link, message) => {
    const joinLink = typeof link === 'function' ? link() : link;
    expect(await tryLink(joinLink)).toMatch(message);
    expect(await options.getByLabel('Join link').inputValue()).toBe(joinLink);
  });

  it('says a used code and an expired code apart', async () => {
    const used = await invite();
    await ws.call('POST', '/api/v1/link', { body: { code: used.split('#')[1] } });
    expect(await tryLink(used)).toMatch(/already been used|used/i);
    const expired = await invite();
    await ws.db.query("UPDATE codes SET expires_at = now() - interval '1 day' WHERE used_at IS NULL");
    expect(await tryLink(expired)).toMatch(/expired/);
  });

  it('links from the join link as Outlook’s Safe Links hand it over, and the token is in no storage area, page or message reply', async () => {
    // Copied from a mail in a company with Microsoft Defender: the link wrapped in Safe Links' own.
    const wrapped = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(await invite())}&data=05%7C02%7Cana%40acme.test%7C0&sdata=Zm9v&reserved=0`;
    await options.getByLabel('Join link').fill(wrapped);
    await options.getByRole('button', { name: 'Link', exact: true }).click();
    await options.getByText('Linked to Sameroom workspace as Ana Ruiz (rep)').waitFor();
    // The background's own database (same origin as this page) is the only place the token may be.
    const found = await options.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('sameroom');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const token = await new Promise<string>((resolve) => {
        const request = db.transaction('link').objectStore('link').get('current');
        request.onsuccess = () => resolve(request.result.token);
      });
      db.close();
      type Area = { get(keys: null): Promise<unknown> };
      const chrome = (
        globalThis as unknown as {
          chrome: {
            storage: { local: Area; sync: Area; session: Area };
            runtime: { sendMessage(message: unknown): Promise<unknown> };
          };
        }
      ).chrome;
      const areas = await Promise.all([
        chrome.storage.local.get(null),
        chrome.storage.sync.get(null),
        chrome.storage.session.get(null),
      ]);
      const status = await chrome.runtime.sendMessage({ type: 'status' });
      return {
        token,
        storage: JSON.stringify(areas),
        status: JSON.stringify(status),
        page: document.documentElement.outerHTML,
      };
    });
    expect(found.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(found.storage).not.toContain(found.token);
    expect(found.status).not.toContain(found.token);
    expect(found.page).not.toContain(found.token);
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    const crmPage =
      (await page.evaluate(() => document.documentElement.outerHTML)) +
      (await (await panelFrame(page)).content());
    expect(crmPage).not.toContain(found.token);
  });

  it('switches a built-in CRM off and on', async () => {
    await options.reload();
    // Every built-in CRM's pages are Sameroom's to read as installed: no CRM is said to be withheld.
    await expect.poll(() => options.getByRole('checkbox').count()).toBeGreaterThan(5);
    expect(await options.textContent('body')).not.toContain('does not let Sameroom read');
    await options.getByRole('checkbox', { name: 'Salesforce Lightning' }).uncheck();
    await page.reload();
    await page.waitForTimeout(1_000);
    expect(await page.locator('sameroom-panel').count()).toBe(0);
    await options.getByRole('checkbox', { name: 'Salesforce Lightning' }).check();
    await page.reload();
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
  });

  /** The custom-site form filled in for the Twenty fixture: its pages, `recordPattern`, people, utm_campaign. */
  async function describeTwenty(recordPattern: string): Promise<void> {
    await options.getByLabel('Pages (match pattern)').fill('https://twenty.acme-internal.test/*');
    await options.getByLabel('Record URL (regular expression with (?<id>…))').fill(recordPattern);
    await options.getByLabel('Records are').selectOption('person');
    const utm = options.locator('.sr-field-rule').filter({ hasText: 'utm_campaign' });
    await utm.getByLabel('or the label beside it').fill('UTM campaign');
  }

  it('adds a custom site whose open tab then shows the panel, and removing it stops that', async () => {
    await options.getByLabel('Name').fill('Twenty');
    await options.getByLabel('Pages (match pattern)').fill('https://twenty.acme-internal.test');
    await options
      .getByLabel('Record URL (regular expression with (?<id>…))')
      .fill('/object/person/([0-9a-f-]{36})');
    await options.getByRole('button', { name: 'Add site' }).click();
    await options.getByText('must be a match pattern for one site').waitFor();
    await options.getByText('must be a regular expression with a named group').waitFor();
    // The refusal puts the focus in the first box to change a moment later (a timer): filled before
    // it lands, Playwright's fill (focus, then type) may type into that box instead.
    await options.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    await describeTwenty('/object/person/(?<id>[0-9a-f-]{36})');
    const source = options.locator('.sr-field-rule').filter({ hasText: 'Lead source' });
    await source.getByLabel('CSS selector').fill('[data-field="leadSource"] .field-value');
    // A tab on the site open before it is added gets the panel without a reload.
    await page.goto(server.url('twenty/person'));
    await options.getByRole('button', { name: 'Add site' }).click();
    await options.getByText('Added. Sameroom now runs on this site').waitFor();
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent(), { timeout: 15_000 })
      .toBe('Hannover Messe 2026');
    expect(await (await panel()).textContent()).toContain('Matched by utm_campaign “hm26”.');

    await options.getByRole('button', { name: 'Remove Twenty' }).click();
    await options.getByText('No custom sites yet.').waitFor();
    await page.reload();
    await page.waitForTimeout(1_000);
    expect(await page.locator('sameroom-panel').count()).toBe(0);
  });

  it('adds a custom site whose pages route by the fragment (as SuiteCRM 8 does): the panel follows it, and its verdicts carry that route alone', async () => {
    await options.getByLabel('Name').fill('Twenty by fragment');
    await describeTwenty('^#/person/(?<id>[0-9a-f-]{36})');
    await options.getByRole('button', { name: 'Add site' }).click();
    await options.getByText('Added. Sameroom now runs on this site').waitFor();

    const record = '#/person/5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4';
    await page.goto(`${server.url('twenty/person')}${record}`);
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent(), { timeout: 15_000 })
      .toBe('Hannover Messe 2026');
    // The fragment is the record, not the path: moved to a page that names none, the panel goes.
    await page.evaluate(() => {
      location.hash = '#/settings';
    });
    await expect.poll(() => page.locator('sameroom-panel').count(), { timeout: 5_000 }).toBe(0);
    await page.evaluate((hash) => {
      location.hash = hash;
    }, record);
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent(), { timeout: 15_000 })
      .toBe('Hannover Messe 2026');
    // Marketing opens the record from the verdict: the route in the fragment, not the CRM's home, and
    // nothing of the fragment after it (here a search with a person's address).
    await page.evaluate((hash) => {
      location.hash = `${hash}?q=ana@example.com`;
    }, record);
    await (await panel()).getByRole('button', { name: /Won/ }).click();
    const fromSite = async () => (await received()).find((item) => item.lead.crm === 'custom');
    await expect.poll(fromSite, { timeout: 25_000 }).toBeTruthy();
    const shown = new URL(page.url());
    expect((await fromSite())?.lead.url).toBe(`${shown.origin}${shown.pathname}${record}`);
    // Its lead is the site's own: record ids of two custom CRMs are two leads (the host, with its port).
    expect((await fromSite())?.lead.site).toBe(shown.host);
    await options.getByRole('button', { name: 'Remove Twenty by fragment' }).click();
    await options.getByText('No custom sites yet.').waitFor();
  });

  it('leaves the record address out of verdicts when privacy says so', async () => {
    await options.getByRole('checkbox', { name: 'Send the record’s address with each verdict' }).uncheck();
    // The list re-renders after the switch is saved: wait for it rather than read it in the same tick.
    await expect
      .poll(() => options.locator('#privacy ~ ul, section[aria-labelledby="privacy"] ul').textContent())
      .not.toContain('address in your CRM');
    const before = (await received()).length;
    await page.goto(server.url('salesforce-lightning/lead'));
    await (await panel()).getByRole('button', { name: /Won/ }).click();
    await expect.poll(async () => (await received()).length, { timeout: 25_000 }).toBe(before + 1);
    const sent = (await received()).find((item) => item.lead.crm === 'salesforce');
    expect(sent).toBeDefined();
    expect(sent?.lead.url).toBeUndefined();
    await options.getByRole('checkbox', { name: 'Send the record’s address with each verdict' }).check();
  });

  it('sends a Dynamics 365 verdict with the address that opens its record (etn and id), nothing else of the query', async () => {
    const before = (await received()).length;
    await page.goto(server.url('dynamics/lead'));
    await (await panel()).getByRole('button', { name: /Not ready/ }).click();
    await expect.poll(async () => (await received()).length, { timeout: 25_000 }).toBe(before + 1);
    const sent = (await received()).find((item) => item.lead.crm === 'dynamics');
    expect(sent?.lead.url).toBe(
      'https://contoso.crm4.dynamics.com/main.aspx?appid=0d3a8f3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b' +
        '&pagetype=entityrecord&etn=lead&id=5e1a3c2b-7d4f-4a6e-9b8c-1d2e3f4a5b6c',
    );
  });

  it('unlinks keeping an unsent verdict, which goes out after linking to the same workspace again; another Options tab follows', async () => {
    proxy.refuse(true);
    await page.goto(server.url('salesforce-lightning/lead'));
    await (await panel()).getByRole('button', { name: /Lost/ }).click();
    await expect
      .poll(async () => (await panel()).locator('.sr-verdict__status').textContent())
      .toMatch(/^Saved\./);
    await options.reload();
    // A second Options tab, open all along: it follows the first one's Unlink and Link without a reload.
    const second = await chromium.context.newPage();
    await second.goto(`chrome-extension://${chromium.extensionId}/options.html`);
    await second.getByRole('button', { name: 'Unlink' }).waitFor();
    // From the keyboard: the button goes with the link, and the focus to what is said of it (before, it
    // fell to the page's body).
    await options.getByRole('button', { name: 'Unlink' }).focus();
    await options.keyboard.press('Enter');
    await options.getByText('Not linked to a workspace').waitFor();
    await options.getByText('1 unsent verdict is kept').waitFor();
    await expect.poll(() => options.evaluate(() => document.activeElement?.id)).toBe('unlinked');
    await second.getByText('Not linked to a workspace').waitFor({ timeout: 5_000 });
    proxy.refuse(false);
    // Linked again from the other tab: this one follows, and no longer says it was unlinked.
    await second.getByLabel('Join link').fill(await invite());
    await second.getByRole('button', { name: 'Link', exact: true }).click();
    await second.getByText(/^Linked to /).waitFor();
    await options.getByText(/^Linked to /).waitFor({ timeout: 5_000 });
    await expect.poll(() => options.locator('#unlinked').count()).toBe(0);
    await second.close();
    await expect
      .poll(async () => (await received()).filter((item) => item.verdict === 'lost').length, {
        timeout: 30_000,
      })
      .toBe(1);
  });

  it('checks the tab under the popup: the site, the record and the signals its settings read', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await page.bringToFront();
    // A popup window over the browser window, as the toolbar button opens it.
    const [worker] = chromium.context.serviceWorkers();
    await worker!.evaluate((url) => {
      (
        globalThis as unknown as { chrome: { windows: { create(o: object): Promise<unknown> } } }
      ).chrome.windows.create({
        url,
        type: 'popup',
      });
    }, `chrome-extension://${chromium.extensionId}/popup.html`);
    await expect.poll(() => chromium.context.pages().some((p) => p.url().endsWith('/popup.html'))).toBe(true);
    const popup = chromium.context.pages().find((p) => p.url().endsWith('/popup.html'))!;
    await popup.getByRole('button', { name: 'Check this tab' }).click();
    const result = popup.locator('.sr-check');
    await result.waitFor();
    expect(await result.textContent()).toContain('Salesforce Lightning · Lead 00Q5g00000A1b2cEAB');
    expect(await result.textContent()).toContain('hm26');
    await popup.close();
  });

  it('lists its keyboard commands in Options; the panel folds and jumps to the verdicts on command', async () => {
    await options.reload();
    const keys = await options.locator('section[aria-labelledby="shortcuts"]').textContent();
    expect(keys).toContain('Show or hide the Sameroom panel: Alt+Shift+S');
    expect(keys).toContain('Jump to the verdict buttons in the Sameroom panel');
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    await page.bringToFront();
    // What the background does on the browser's command (headless Chromium cannot press browser shortcuts).
    const [worker] = chromium.context.serviceWorkers();
    const send = (command: string) =>
      worker!.evaluate(async (panelCommand) => {
        const chrome = (
          globalThis as unknown as {
            chrome: {
              tabs: {
                query(q: object): Promise<Array<{ id: number }>>;
                sendMessage(id: number, m: object): Promise<unknown>;
              };
            };
          }
        ).chrome;
        const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
        await chrome.tabs.sendMessage(tab!.id, { panelCommand });
      }, command);
    await send('toggle-panel');
    await (await panel()).getByRole('button', { name: 'Expand the Sameroom panel' }).waitFor();
    await send('focus-verdicts');
    await expect
      .poll(async () => (await panelFrame(page)).evaluate(() => document.activeElement?.textContent))
      .toBe('1 Good fit');
  });
});

describe('Chromium with Sameroom’s site access set to "On click" (chrome://extensions)', () => {
  it('names the CRMs and custom sites whose pages it may not read, with an Allow button, and indeed shows no panel there', async () => {
    // The browser's own setting, as chrome://extensions writes it into the profile's preferences.
    const profile = mkdtempSync(join(E2E_DIR, 'chromium-on-click-'));
    // The test build: the custom site's fixture host is granted at install, as a prompt would.
    const build = { hosts: server.hosts, port: server.port, profile, extension: CHROME_TEST_BUILD };
    const first = await launchChromium(build);
    const id = first.extensionId;
    // A custom site added while its pages were readable.
    const before = await first.context.newPage();
    await before.goto(`chrome-extension://${id}/options.html`);
    await before.getByLabel('Name').fill('Twenty');
    await before.getByLabel('Pages (match pattern)').fill('https://twenty.acme-internal.test/*');
    await before
      .getByLabel('Record URL (regular expression with (?<id>…))')
      .fill('/object/person/(?<id>[0-9a-f-]{36})');
    await before.getByRole('button', { name: 'Add site' }).click();
    await before.getByText('Added. Sameroom now runs on this site').waitFor();
    await first.close();
    const file = join(profile, 'Default', 'Preferences');
    const preferences = JSON.parse(readFileSync(file, 'utf8'));
    preferences.extensions.settings[id].withholding_permissions = true;
    writeFileSync(file, JSON.stringify(preferences));
    const onClick = await launchChromium(build);
    try {
      const settings = await onClick.context.newPage();
      await settings.goto(`chrome-extension://${onClick.extensionId}/options.html`);
      await expect
        .poll(() => settings.textContent('body'))
        .toContain('This browser does not let Sameroom read Salesforce Lightning pages');
      await settings.getByRole('button', { name: 'Allow on Salesforce Lightning' }).waitFor();
      await expect
        .poll(() => settings.textContent('body'))
        .toContain('This browser does not let Sameroom read Twenty pages');
      await settings.getByRole('button', { name: 'Allow on Twenty' }).waitFor();
      const lead = await onClick.context.newPage();
      await lead.goto(server.url('salesforce-lightning/lead'));
      await lead.waitForTimeout(1_500);
      expect(await lead.locator('sameroom-panel').count()).toBe(0);
    } finally {
      await onClick.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
