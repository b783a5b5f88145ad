import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROME_BUILD, CHROMIUM, E2E_DIR } from './paths';

export interface ChromiumSession {
  context: BrowserContext;
  /** The extension's id, from its service worker's URL. */
  extensionId: string;
  close(): Promise<void>;
}

/**
 * Debian's Chromium with the built extension loaded, as a rep's browser would have it. CRM hostnames
 * resolve to the local fixture server; its self-signed certificate is accepted.
 */
export async function launchChromium(options: {
  hosts: string[];
  port: number;
  profile?: string;
}): Promise<ChromiumSession> {
  const profile = options.profile ?? mkdtempSync(join(E2E_DIR, 'chromium-'));
  const rules = options.hosts.map((host) => `MAP ${host} 127.0.0.1:${options.port}`).join(', ');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreHTTPSErrors: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      `--disable-extensions-except=${CHROME_BUILD}`,
      `--load-extension=${CHROME_BUILD}`,
      `--host-resolver-rules=${rules}`,
      '--ignore-certificate-errors',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
    ],
  });
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    async close() {
      await context.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
