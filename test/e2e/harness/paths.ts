import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The release build; SAMEROOM_CHROME_BUILD points elsewhere (a build of another checkout). */
export const CHROME_BUILD = process.env.SAMEROOM_CHROME_BUILD ?? join(ROOT, '.output', 'chrome-mv3');
/** The test build (SAMEROOM_TEST_HOSTS): grants the custom-site fixture host at install. */
export const CHROME_TEST_BUILD = join(ROOT, '.output', 'test', 'chrome-mv3');
/** The custom CRM site the tests add in Options; only the test build lists it. */
export const CUSTOM_SITE_MATCH = 'https://twenty.acme-internal.test/*';
export const FIREFOX_BUILD = join(ROOT, '.output', 'firefox-mv3');
/** Scratch space for test runs: certificates, browser profiles. Ignored by git. */
export const E2E_DIR = join(ROOT, '.sameroom', 'e2e');
export const CERT_FILE = join(E2E_DIR, 'cert.pem');
export const KEY_FILE = join(E2E_DIR, 'key.pem');

export const CHROMIUM = process.env.SAMEROOM_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.SAMEROOM_FIREFOX ?? '/usr/bin/firefox-esr';
