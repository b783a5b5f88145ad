import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX, FIREFOX_BUILD } from './paths';

export interface FirefoxSession {
  browser: Browser;
  /** moz-extension://<uuid>/ — pinned, so tests can open the extension's pages. */
  extensionOrigin: string;
  close(): Promise<void>;
}

/**
 * Firefox ESR with the built extension installed as a temporary add-on. CRM hostnames resolve to
 * 127.0.0.1 (`network.dns.localDomains`), where the fixture server must listen on port 443.
 */
export async function launchFirefox(options: {
  hosts: string[];
  /** More preferences, e.g. a web API switched off to stand for an older Firefox the manifest allows. */
  prefs?: Record<string, unknown>;
  /** The profile's folder (a test's own disk); a temporary one by default. */
  profile?: string;
  /** Sameroom allowed in private windows, as a rep allows it in about:addons. */
  inPrivateWindows?: boolean;
}): Promise<FirefoxSession> {
  const manifest = JSON.parse(readFileSync(join(FIREFOX_BUILD, 'manifest.json'), 'utf8'));
  const geckoId: string = manifest.browser_specific_settings.gecko.id;
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: true,
    ...(options.profile ? { userDataDir: options.profile } : {}),
    extraPrefsFirefox: {
      'network.dns.localDomains': options.hosts.join(','),
      'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: uuid }),
      'extensions.webextOptionalPermissionPrompts': false,
      ...options.prefs,
    },
  });
  if (options.inPrivateWindows) {
    // Puppeteer's installExtension cannot say it; Firefox's WebDriver BiDi takes it as an extension.
    const bidi = (
      browser as unknown as { connection: { send(method: string, params: object): Promise<unknown> } }
    ).connection;
    await bidi.send('webExtension.install', {
      extensionData: { type: 'path', path: FIREFOX_BUILD },
      'moz:allowPrivateBrowsing': true,
    });
  } else await browser.installExtension(FIREFOX_BUILD);
  return { browser, extensionOrigin: `moz-extension://${uuid}/`, close: () => browser.close() };
}

/**
 * The tab showing one of our pages (`options.html`, opened as a rep opens it: Firefox's WebDriver
 * navigates to none of them). Firefox reports such a tab as about:blank until it has loaded.
 */
export async function extensionPage(firefox: FirefoxSession, path: string): Promise<Page> {
  const wanted = `${firefox.extensionOrigin}${path}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const candidate of await firefox.browser.pages()) {
      const href = await candidate.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(wanted)) return candidate;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no tab opened ${wanted}`);
}

/**
 * The fixtures' Twenty site added in Options as a rep adds it (Firefox grants its permission without a
 * prompt under the test profile's pref), with a UTM campaign field read by its label when given.
 */
export async function addTwentyInOptions(options: Page, utmLabel?: string): Promise<void> {
  const site = await options.$$('form[aria-labelledby="custom-site-title"] input');
  await site[0]!.type('Twenty');
  await site[1]!.type('https://twenty.acme-internal.test/*');
  await site[2]!.type('/object/person/(?<id>[0-9a-f-]{36})');
  if (utmLabel) await site[9]!.type(utmLabel);
  await options.click('form[aria-labelledby="custom-site-title"] button[type="submit"]');
  await options.waitForFunction(
    () => document.body.textContent?.includes('Added. Sameroom now runs on this site'),
    { timeout: 15_000 },
  );
}

/** Links Sameroom in its Options page with an invitation's link, as a rep does: once it says so. */
export async function linkInFirefoxOptions(options: Page, joinUrl: string, rep: string): Promise<void> {
  await (await options.waitForSelector('#join-link'))?.type(joinUrl);
  await options.click('form.sr-form button[type="submit"]');
  await options.waitForFunction(
    (said) => document.body.textContent?.includes(said),
    { timeout: 15_000 },
    `Linked to Sameroom workspace as ${rep}`,
  );
}
