import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cspFor } from '../../fixtures/csp';
import { makeSelfSignedCertificate } from '../../support/certificate';
import { type CrmFixture, CUSTOM_SITES_DIR, loadFixtures } from '../../support/fixtures';
import { CERT_FILE, E2E_DIR, KEY_FILE } from './paths';

/** One stylesheet per CRM that makes its saved pages look like that CRM in demos and screenshots. */
const DEMO_LOOK_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'demo-look');
const DEMO_LOOK_PATH = /^\/__demo\/([a-z0-9-]+)\.css$/;
/**
 * A sheet that zooms the page's root (or, given `?class=name`, what has that class), for a page that
 * zooms itself by a sheet it links (hostile-checks.ts): the CRMs' policies refuse inline `<style>`.
 */
const ZOOM_SHEET_PATH = /^\/__zoom\/(\d(?:\.\d+)?)\.css$/;

function demoLook(adapterId: string): string | null {
  const file = join(DEMO_LOOK_DIR, `${adapterId}.css`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/**
 * The page with its CRM's demo stylesheet linked from its own origin (the pages' Content-Security-Policy
 * allows styles from 'self' only). The markup the adapters read is left as it is.
 */
function withDemoLook(fixture: CrmFixture): string {
  if (!existsSync(join(DEMO_LOOK_DIR, `${fixture.adapterId}.css`))) return fixture.html;
  return fixture.html.replace(
    '</head>',
    `<link rel="stylesheet" href="/__demo/${fixture.adapterId}.css"></head>`,
  );
}

export interface FixtureServer {
  port: number;
  /** Every hostname a fixture lives at, for the browsers' name resolution. */
  hosts: string[];
  /** The fixture's real URL, by `<adapter>/<name>`. */
  url(fixture: string): string;
  /** The fixture's page, for tests that render it in place as a single-page app would. */
  html(fixture: string): string;
  /** Response headers every page carries besides its own (a CRM's isolation headers), until taken out. */
  extraHeaders: Record<string, string>;
  close(): Promise<void>;
}

/** The self-signed certificate the fixture server presents at the CRMs' hostnames, made once per clone. */
export function ensureFixtureCertificate(): void {
  mkdirSync(E2E_DIR, { recursive: true });
  if (!existsSync(CERT_FILE) || !existsSync(KEY_FILE))
    makeSelfSignedCertificate(CERT_FILE, KEY_FILE, 'sameroom-fixtures');
}

/**
 * Serves the saved CRM pages over HTTPS at the URLs they were saved from. The browsers resolve those
 * hostnames to this server, so the extension's real match patterns are what decides where it runs.
 */
export async function startFixtureServer(
  port = 0,
  tls: { certFile: string; keyFile: string } = { certFile: CERT_FILE, keyFile: KEY_FILE },
): Promise<FixtureServer> {
  // The bench starts this server without the end-to-end set-up: on a fresh clone there is no certificate.
  if (tls.certFile === CERT_FILE) ensureFixtureCertificate();
  const fixtures = [...loadFixtures(), ...loadFixtures(CUSTOM_SITES_DIR)];
  const byKey = new Map(fixtures.map((f) => [`${f.adapterId}/${f.name}`, f]));
  const byLocation = new Map<string, CrmFixture>();
  for (const fixture of fixtures) {
    const url = new URL(fixture.url);
    byLocation.set(`${url.host}${url.pathname}${url.search}`, fixture);
  }

  const fixture = (key: string) => {
    const found = byKey.get(key);
    if (!found) throw new Error(`no fixture ${key}`);
    return found;
  };

  /** Headers every page answer carries besides its own, until a test takes them out again. */
  const extraHeaders: Record<string, string> = {};
  const server = createServer(
    { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
    (request, response) => {
      const url = new URL(request.url ?? '/', `https://${request.headers.host ?? 'localhost'}`);
      const look = url.pathname.match(DEMO_LOOK_PATH);
      const css = look ? demoLook(look[1]!) : null;
      const zoom = url.pathname.match(ZOOM_SHEET_PATH)?.[1];
      if (zoom) {
        response.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' });
        const name = url.searchParams.get('class');
        response.end(`${name && /^[a-z-]+$/.test(name) ? `.${name}` : 'html'} { zoom: ${zoom} }`);
        return;
      }
      if (css !== null) {
        response.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' });
        response.end(css);
        return;
      }
      const fixture = byLocation.get(`${url.host}${url.pathname}${url.search}`);
      if (!fixture) {
        response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          `<!doctype html><title>Not found</title><h1>No fixture at ${url.host}${url.pathname}</h1>`,
        );
        return;
      }
      const csp = cspFor(url.hostname);
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...(csp ? { 'content-security-policy': csp } : {}),
        ...extraHeaders,
      });
      response.end(withDemoLook(fixture));
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    hosts: [...new Set(fixtures.map((f) => new URL(f.url).host))],
    extraHeaders,
    url: (key) => fixture(key).url,
    html: (key) => fixture(key).html,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
