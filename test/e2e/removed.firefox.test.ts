import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from './harness/firefox';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { panelFrame } from './harness/panel-firefox';
import { FIREFOX_BUILD } from './harness/paths';

let server: FixtureServer;
let firefox: FirefoxSession;

beforeAll(async () => {
  server = await startFixtureServer(443);
  firefox = await launchFirefox({ hosts: server.hosts });
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

describe('Firefox: Sameroom removed while CRM pages are open', () => {
  it('takes the panel off the page with it, where no script of ours runs any more to do so', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(server.url('salesforce-lightning/lead'));
    await panelFrame(page, 15_000);
    /** The host's box as the page lays it out: the docked strip, or nothing. */
    const strip = () =>
      page.evaluate(() => {
        const host = document.querySelector('sameroom-panel');
        if (!host) return 'no host';
        const box = host.getBoundingClientRect();
        return `${getComputedStyle(host).display} ${Math.round(box.width)} x ${Math.round(box.height)}`;
      });
    expect(await strip()).toBe(`flex 340 x ${await page.evaluate(() => innerHeight)}`);
    const manifest = JSON.parse(readFileSync(join(FIREFOX_BUILD, 'manifest.json'), 'utf8'));
    await firefox.browser.uninstallExtension(manifest.browser_specific_settings.gecko.id);
    // It stayed as a blank strip of 340 px over the CRM's right side, its frame emptied, until reloaded.
    await expect.poll(strip, { timeout: 5_000 }).toBe('none 0 x 0');
  });
});
