import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from './harness/firefox';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { findPanelFrame, inPanel } from './harness/panel-firefox';

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
});
