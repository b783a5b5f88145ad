import { buildForEndToEnd } from './harness/builds';
import { ensureFixtureCertificate } from './harness/fixture-server';

/**
 * Once per end-to-end run: build both extensions and the dashboard as users get them (unless the caller
 * built them: SAMEROOM_E2E_SKIP_BUILD=1), and make the self-signed certificate the fixture server
 * presents at the CRMs' real hostnames.
 */
export default async function setup(): Promise<void> {
  ensureFixtureCertificate();
  if (process.env.SAMEROOM_E2E_SKIP_BUILD !== '1') await buildForEndToEnd();
}
