import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const CHROME_BUILD = join(ROOT, '.output', 'chrome-mv3');
export const FIREFOX_BUILD = join(ROOT, '.output', 'firefox-mv3');
/** Scratch space for test runs: certificates, browser profiles. Ignored by git. */
export const E2E_DIR = join(ROOT, '.sameroom', 'e2e');
export const CERT_FILE = join(E2E_DIR, 'cert.pem');
export const KEY_FILE = join(E2E_DIR, 'key.pem');

export const CHROMIUM = process.env.SAMEROOM_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.SAMEROOM_FIREFOX ?? '/usr/bin/firefox-esr';
