import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { makeSelfSignedCertificate } from '../support/certificate';
import { CERT_FILE, CUSTOM_SITE_MATCH, E2E_DIR, KEY_FILE, ROOT } from './harness/paths';

/**
 * Once per end-to-end run: build both extensions and the dashboard as users get them, and make the self-signed
 * certificate the fixture server presents at the CRMs' real hostnames.
 */
export default function setup(): void {
  mkdirSync(E2E_DIR, { recursive: true });
  if (process.env.SAMEROOM_E2E_SKIP_BUILD !== '1') {
    for (const args of [
      ['wxt', 'build'],
      ['wxt', 'build', '-b', 'firefox'],
      ['vite', 'build', '--config', 'workspace/dashboard/vite.config.ts'],
    ]) {
      execFileSync('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    execFileSync('npx', ['wxt', 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, SAMEROOM_TEST_HOSTS: CUSTOM_SITE_MATCH },
    });
  }
  if (!existsSync(CERT_FILE) || !existsSync(KEY_FILE))
    makeSelfSignedCertificate(CERT_FILE, KEY_FILE, 'sameroom-fixtures');
}
