import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALESFORCE_LIGHTNING_CSP, STRICTEST_CSP } from '../fixtures/csp';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, launchChromium, linkInOptions } from './harness/chromium';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { itChecksWhatBothBrowsersShare, type LeadTab, panelLeftOutOfPrint } from './harness/hostile-checks';
import { attackPanel, catchShadowRoots, forgeScriptStarted } from './harness/hostile-page';
import { panelAside, panelFrame, renderRecordInPlace } from './harness/panel';

let server: FixtureServer;
let ws: TestWorkspace;
let chromium: ChromiumSession;
let page: Page;

const rules = (utmCampaigns: string[], campaignIds: string[] = []) => ({
  campaignIds,
  utmCampaigns,
  leadSources: [],
  keywords: [],
});
/** Words only the briefs hold: none of them may reach the page. */
const SECRETS = [
  'Hannover Messe 2026',
  'Retrofit without stopping the line.',
  'Partner referrals Q4',
  'Retrofit search — Q4',
  '12 sales needed',
];

beforeAll(async () => {
  server = await startFixtureServer();
  ws = await startTestWorkspace('pglite');
  const marketer = await ws.join('marketer');
  for (const body of [
    briefInput({ match: rules(['hm26']) }),
    briefInput({ name: 'Partner referrals Q4', match: rules([], ['7015g000000XyZaAAK']) }),
    briefInput({ name: 'Retrofit search — Q4', channel: 'Paid search', match: rules(['retrofit-q4']) }),
  ])
    await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body });
  const invite = await ws.call('POST', '/api/v1/invites', {
    token: ws.adminToken,
    body: { name: 'Ana Ruiz', role: 'rep' },
  });
  chromium = await launchChromium({ hosts: server.hosts, port: server.port });
  await linkInOptions(chromium, ((await invite.json()) as { joinUrl: string }).joinUrl);
  page = await chromium.context.newPage();
  await page.addInitScript(catchShadowRoots);
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy();
  await server?.close();
});

const heading = async () => (await panelAside(page)).locator('h2').first().textContent();

/** A new tab of the linked browser, for the checks both browsers share. */
async function leadTab(): Promise<LeadTab> {
  const tab = await chromium.context.newPage();
  return {
    beforeScripts: (script) => tab.addInitScript(script),
    goto: (url, options) => tab.goto(url, options),
    evaluate: (fn, arg) => tab.evaluate(fn as never, arg),
    media: (type) => tab.emulateMedia({ media: type }),
    heading: async () => (await panelAside(tab, 15_000)).locator('h2').first().textContent(),
    close: () => tab.close(),
  };
}

describe('Chromium: a hostile CRM page under its real Content-Security-Policy', () => {
  it("shows the brief on Salesforce Lightning under Lightning's policy", async () => {
    const response = await page.goto(server.url('salesforce-lightning/lead'));
    expect(response?.headers()['content-security-policy']).toBe(SALESFORCE_LIGHTNING_CSP);
    await expect.poll(heading, { timeout: 15_000 }).toBe('Hannover Messe 2026');
  });

  it('gives the page no brief text and no way to make the panel act', async () => {
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
    // Seen from the extension's side: nothing was clicked, sent or saved.
    const frame = await panelFrame(page);
    await page.waitForTimeout(500);
    expect(await frame.locator('.sr-history li').count()).toBe(0);
    expect(await frame.locator('.sr-verdict__status').textContent()).not.toMatch(/Saved/);
  });

  it('a page saying a newer copy of our script started does not take the panel down', async () => {
    await page.evaluate(forgeScriptStarted, chromium.extensionId);
    await page.waitForTimeout(500);
    expect(await page.locator('sameroom-panel').count()).toBe(1);
    expect(await heading()).toBe('Hannover Messe 2026');
    // And the panel still follows the record (the next test's move).
  });

  it('moving the page to another record shows that record in the panel, still out of the page’s reach', async () => {
    const opportunity = server.html('salesforce-lightning/opportunity');
    await renderRecordInPlace(page, opportunity, '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view');
    await expect.poll(heading, { timeout: 10_000 }).toBe('Partner referrals Q4');
    // The opportunity's own page names the trade show in its campaign field: that is the CRM's text.
    const report = await page.evaluate(
      attackPanel,
      SECRETS.filter((secret) => !opportunity.includes(secret)),
    );
    expect(report.leaked).toEqual([]);
    expect(report.readableFrames).toBe(0);
    expect(await (await panelFrame(page)).locator('.sr-history li').count()).toBe(0);
  });

  it('shows the brief on HubSpot under a policy stricter than any CRM sends (no frames at all)', async () => {
    const response = await page.goto(server.url('hubspot/contact'));
    expect(response?.headers()['content-security-policy']).toBe(STRICTEST_CSP);
    await expect.poll(heading, { timeout: 15_000 }).toBe('Retrofit search — Q4');
    expect((await page.evaluate(attackPanel, SECRETS)).leaked).toEqual([]);
  });

  itChecksWhatBothBrowsersShare(leadTab, () => server);

  it('leaves the panel out of the printed page (the brief is not on paper), under the CRM’s policy', async () => {
    await panelLeftOutOfPrint(await leadTab(), server.url('salesforce-lightning/lead'));
  });

  it('nothing reached the workspace', async () => {
    const response = await ws.call('GET', '/api/v1/feedback', { token: ws.adminToken });
    expect(((await response.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
