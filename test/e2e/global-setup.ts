import { existsSync, mkdirSync } from 'node:fs';
import { makeSelfSignedCertificate } from '../support/certificate';
import { buildForEndToEnd } from './harness/builds';
import { CERT_FILE, E2E_DIR, KEY_FILE } from './harness/paths';

/**
 * Once per end-to-end run: build both extensions and the dashboard as users get them (unless the caller
 * built them: SAMEROOM_E2E_SKIP_BUILD=1), and make the self-signed certificate the fixture server
 * presents at the CRMs' real hostnames.
 */
export default async function setup(): Promise<void> {
  mkdirSync(E2E_DIR, { recursive: true });
  if (process.env.SAMEROOM_E2E_SKIP_BUILD !== '1') await buildForEndToEnd();
  if (!existsSync(CERT_FILE) || !existsSync(KEY_FILE))
    makeSelfSignedCertificate(CERT_FILE, KEY_FILE, 'sameroom-fixtures');
}
