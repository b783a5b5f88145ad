import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALESFORCE_LIGHTNING_CSP, STRICTEST_CSP } from '../fixtures/csp';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { extensionPage, type FirefoxSession, launchFirefox } from './harness/firefox';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { itChecksWhatBothBrowsersShare, type LeadTab } from './harness/hostile-checks';
import { attackPanel, catchShadowRoots, forgeScriptStarted } from './harness/hostile-page';
import { panelFrame, panelText } from './harness/panel-firefox';
import { FIREFOX_BUILD } from './harness/paths';

let server: FixtureServer;
let ws: TestWorkspace;
let firefox: FirefoxSession;
let page: Page;

const rules = (utmCampaigns: string[]) => ({ campaignIds: [], utmCampaigns, leadSources: [], keywords: [] });
const SECRETS = ['Hannover Messe 2026', 'Retrofit without stopping the line.', 'Retrofit search — Q4'];

/** A new tab of the linked browser, for the checks both browsers share. */
async function leadTab(): Promise<Omit<LeadTab, 'media'>> {
  const tab = await firefox.browser.newPage();
  return {
    beforeScripts: (script) => tab.evaluateOnNewDocument(script),
    goto: (url, options) => tab.goto(url, options),
    evaluate: (fn, arg) => tab.evaluate(fn as never, arg),
    heading: () => panelText(tab, 'aside h2'),
    close: () => tab.close(),
  };
}

beforeAll(async () => {
  server = await startFixtureServer(443);
  ws = await startTestWorkspace('pglite');
  const marketer = await ws.join('marketer');
  for (const body of [
    briefInput({ match: rules(['hm26']) }),
    briefInput({ name: 'Retrofit search — Q4', channel: 'Paid search', match: rules(['retrofit-q4']) }),
  ])
    await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body });
  const invite = await ws.call('POST', '/api/v1/invites', {
    token: ws.adminToken,
    body: { name: 'Ana Ruiz', role: 'rep' },
  });
  const { joinUrl } = (await invite.json()) as { joinUrl: string };
  firefox = await launchFirefox({ hosts: server.hosts });
  page = await firefox.browser.newPage();
  // Linked as a rep would: the panel of an unlinked lead page opens Options.
  await page.goto(server.url('hubspot/contact'));
  const frame = await panelFrame(page, 15_000);
  await (await frame.waitForSelector('.sr-button', { timeout: 15_000 }))!.click();
  const options = await extensionPage(firefox, 'options.html');
  await (await options.waitForSelector('#join-link'))!.type(joinUrl);
  await options.click('form.sr-form button[type="submit"]');
  await options.waitForFunction(() => document.body.textContent?.includes('Linked to'), { timeout: 15_000 });
  await options.close();
  await page.evaluateOnNewDocument(catchShadowRoots);
});

afterAll(async () => {
  await firefox?.close();
  await ws?.destroy();
  await server?.close();
});

describe('Firefox: a hostile CRM page under its real Content-Security-Policy', () => {
  it("shows the brief on Salesforce Lightning under Lightning's policy and gives the page nothing", async () => {
    const response = await page.goto(server.url('salesforce-lightning/lead'));
    expect(response?.headers()['content-security-policy']).toBe(SALESFORCE_LIGHTNING_CSP);
    await expect.poll(() => panelText(page, 'aside h2'), { timeout: 15_000 }).toBe('Hannover Messe 2026');
    const report = await page.evaluate(attackPanel, SECRETS);
    expect(report).toEqual({
      host: true,
      openShadowRoot: false,
      caughtRootWithFrame: false,
      readableFrames: 0,
      chromeRuntime: false,
      leaked: [],
      panelUrlInTimeline: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const frame = await panelFrame(page);
    expect(await frame.$$('.sr-history li')).toHaveLength(0);
    expect(await panelText(page, '.sr-verdict__status')).not.toMatch(/Saved/);
  });

  it('a page saying a newer copy of our script started does not take the panel down', async () => {
    const manifest = JSON.parse(readFileSync(join(FIREFOX_BUILD, 'manifest.json'), 'utf8'));
    await page.evaluate(forgeScriptStarted, manifest.browser_specific_settings.gecko.id as string);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await page.evaluate(() => document.querySelectorAll('sameroom-panel').length)).toBe(1);
    expect(await panelText(page, 'aside h2')).toBe('Hannover Messe 2026');
  });

  itChecksWhatBothBrowsersShare(leadTab, () => server);

  it('shows the brief on HubSpot under a policy that allows no frames at all', async () => {
    const response = await page.goto(server.url('hubspot/contact'));
    expect(response?.headers()['content-security-policy']).toBe(STRICTEST_CSP);
    await expect.poll(() => panelText(page, 'aside h2'), { timeout: 15_000 }).toBe('Retrofit search — Q4');
    expect((await page.evaluate(attackPanel, SECRETS)).leaked).toEqual([]);
    const response2 = await ws.call('GET', '/api/v1/feedback', { token: ws.adminToken });
    expect(((await response2.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
