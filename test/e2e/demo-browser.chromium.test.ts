import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSignedCertificate } from '../support/certificate';
import { type ChromiumSession, launchChromium } from './harness/chromium';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { CERT_FILE, E2E_DIR } from './harness/paths';

/**
 * npm start's browser is a window a person may use for anything: it accepts the demo CRM pages'
 * self-signed certificate, and no other site's bad one (it accepted every certificate before, the
 * way the tests' headless browsers do).
 */
describe('npm start’s browser', () => {
  const dir = mkdtempSync(join(E2E_DIR, 'demo-browser-'));
  let fixtures: FixtureServer;
  let other: Server;
  let session: ChromiumSession;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    // Another site with a certificate of its own, as a man in the middle would present.
    makeSelfSignedCertificate(join(dir, 'cert.pem'), join(dir, 'key.pem'), '127.0.0.1');
    other = createServer(
      { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) },
      (_request, response) => response.end('<title>Another site</title>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    session = await launchChromium({
      hosts: fixtures.hosts,
      port: fixtures.port,
      trustedCertificate: readFileSync(CERT_FILE, 'utf8'),
    });
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await fixtures?.close();
    other?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // As root (CI), Chromium refuses to start with its sandbox: so a launch that asks for it fails, which
  // shows no --no-sandbox was added behind its back (Playwright adds one unless told otherwise).
  it.runIf(process.getuid?.() === 0)('asks Chromium for its sandbox when told to', async () => {
    await expect(
      launchChromium({ hosts: fixtures.hosts, port: fixtures.port, sandbox: true, withoutWorker: true }),
    ).rejects.toThrow(/sandbox/i);
  });

  it('opens the demo CRM pages and refuses another site’s untrusted certificate', async () => {
    const page = await session.context.newPage();
    const crm = await page.goto(fixtures.url('salesforce-lightning/lead'));
    expect(crm?.ok()).toBe(true);
    const port = (other.address() as { port: number }).port;
    await expect(page.goto(`https://127.0.0.1:${port}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    await page.close();
  });

  // The tour's screenshots and the README's are taken at 1280 x 800. Four demo looks let their first
  // element's top margin out of the body, whose height was already the window's: each page was taller
  // than the window by that margin, and showed a scrollbar with nothing to scroll beside the panel.
  it('shows every demo CRM page within the window, with no scrollbar for nothing', async () => {
    const saved = join(import.meta.dirname, '..', 'fixtures');
    const pages = readdirSync(join(saved, 'crm'))
      .filter((crm) => existsSync(join(saved, 'demo-look', `${crm}.css`)))
      .flatMap((crm) =>
        readdirSync(join(saved, 'crm', crm))
          .filter((file) => file.endsWith('.html'))
          .map((file) => `${crm}/${file.replace(/\.html$/, '')}`),
      );
    expect(pages.length).toBeGreaterThan(40);
    const page = await session.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const overflowing: string[] = [];
    for (const fixture of pages) {
      await page.goto(fixtures.url(fixture));
      const size = await page.evaluate(() => {
        const root = document.documentElement;
        const styled = [...document.styleSheets].some((sheet) => sheet.href?.includes('/__demo/'));
        return { styled, tall: root.scrollHeight - innerHeight, wide: root.scrollWidth - root.clientWidth };
      });
      expect(size.styled, fixture).toBe(true);
      if (size.tall > 0 || size.wide > 0)
        overflowing.push(`${fixture}: ${size.tall} px too tall, ${size.wide} too wide`);
    }
    await page.close();
    expect(overflowing).toEqual([]);
  });
});
