import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
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
/** Chromium's --host-resolver-rules value that sends every CRM hostname to the local fixture server. */
export function hostResolverRules(hosts: string[], port: number): string {
  return hosts.map((host) => `MAP ${host} 127.0.0.1:${port}`).join(', ');
}

/** Links the extension as a rep would: the join link pasted into Sameroom's options page. */
export async function linkInOptions(session: ChromiumSession, joinUrl: string): Promise<void> {
  const options = await session.context.newPage();
  await options.goto(`chrome-extension://${session.extensionId}/options.html`);
  await options.getByLabel('Join link').fill(joinUrl);
  await options.getByRole('button', { name: 'Link' }).click();
  // Exact: "Not linked to a workspace" also holds "linked to", which a substring match would take.
  await options.getByText(/^Linked to .+ as /).waitFor();
  await options.close();
}

/** Chromium's name for a certificate's key: its SubjectPublicKeyInfo's SHA-256, in base64. */
export function spkiHash(pem: string): string {
  const key = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(key).digest('base64');
}

export async function launchChromium(options: {
  hosts: string[];
  port: number;
  profile?: string;
  /** A visible window (npm start with a display); tests run headless. */
  headless?: boolean;
  /** The unpacked extension to load: the release build unless a test needs the test build. */
  extension?: string;
  withoutWorker?: boolean;
  /**
   * The certificate (PEM) of the CRM pages' server, the one this browser accepts unsigned: for a window a
   * person uses (npm start), whose other sites keep the browser's checks. Without it (tests), every
   * certificate is accepted.
   */
  trustedCertificate?: string;
  /** The browser's sandbox on: npm start's window, unless it runs as root (where Chromium refuses it). */
  sandbox?: boolean;
}): Promise<ChromiumSession> {
  const profile = options.profile ?? mkdtempSync(join(E2E_DIR, 'chromium-'));
  const rules = hostResolverRules(options.hosts, options.port);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreHTTPSErrors: options.trustedCertificate === undefined,
    // Playwright adds --no-sandbox itself unless told the sandbox is wanted.
    chromiumSandbox: options.sandbox === true,
    // Whoever launched the browser decides what Ctrl+C does (npm start closes the workspace too).
    handleSIGINT: false,
    handleSIGTERM: false,
    args: [
      ...(options.headless === false ? [] : ['--headless=new']),
      ...(options.sandbox ? [] : ['--no-sandbox']),
      `--disable-extensions-except=${options.extension ?? CHROME_BUILD}`,
      `--load-extension=${options.extension ?? CHROME_BUILD}`,
      `--host-resolver-rules=${rules}`,
      options.trustedCertificate === undefined
        ? '--ignore-certificate-errors'
        : `--ignore-certificate-errors-spki-list=${spkiHash(options.trustedCertificate)}`,
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
    ],
  });
  // An extension without a background (the bench's empty content script) has no worker and no id to find.
  const worker =
    options.withoutWorker === true
      ? null
      : (context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 })));
  const extensionId = worker ? new URL(worker.url()).host : '';
  return {
    context,
    extensionId,
    async close() {
      await context.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Closes the extension's service worker (through `page`'s DevTools session), as when Chromium stops it.
 * False when none was running.
 */
export async function closeServiceWorker(session: ChromiumSession, page: Page): Promise<boolean> {
  const cdp = await session.context.newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find(
      (target) =>
        target.type === 'service_worker' &&
        target.url.startsWith(`chrome-extension://${session.extensionId}/`),
    );
    if (!worker) return false;
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
    return true;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
