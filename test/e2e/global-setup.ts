import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeSelfSignedCertificate } from '../support/certificate';
import { CERT_FILE, CHROME_TEST_BUILD, CUSTOM_SITE_MATCH, E2E_DIR, KEY_FILE, ROOT } from './harness/paths';
import { makeTestBuild } from './harness/test-build';

function build(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npx ${args.join(' ')} failed (exit ${code})`)),
    );
  });
}

/**
 * Once per end-to-end run: build both extensions and the dashboard as users get them, and make the self-signed
 * certificate the fixture server presents at the CRMs' real hostnames.
 */
export default async function setup(): Promise<void> {
  mkdirSync(E2E_DIR, { recursive: true });
  if (process.env.SAMEROOM_E2E_SKIP_BUILD !== '1') {
    // WXT's builds share its .wxt folder, so they take turns; the dashboard's plain Vite build runs beside.
    const dashboard = build(['vite', 'build', '--config', 'workspace/dashboard/vite.config.ts']);
    await build(['wxt', 'build']);
    await build(['wxt', 'build', '-b', 'firefox']);
    // The Chrome test build differs from the release build in its manifest alone (wxt.config.ts's
    // SAMEROOM_TEST_HOSTS): a patched copy of it, not a third build.
    makeTestBuild(join(ROOT, '.output', 'chrome-mv3'), CHROME_TEST_BUILD, [CUSTOM_SITE_MATCH]);
    await dashboard;
  }
  if (!existsSync(CERT_FILE) || !existsSync(KEY_FILE))
    makeSelfSignedCertificate(CERT_FILE, KEY_FILE, 'sameroom-fixtures');
}
