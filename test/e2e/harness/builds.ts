import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CHROME_TEST_BUILD, CUSTOM_SITE_MATCH, ROOT } from './paths';
import { makeTestBuild } from './test-build';

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
 * What the end-to-end tests load, built as users get it: both extensions, the Chrome test build, and the
 * dashboard. The e2e setup runs it (test/e2e/global-setup.ts), or `npm test` once before its runs
 * (scripts/test.ts), which then set SAMEROOM_E2E_SKIP_BUILD=1.
 */
export async function buildForEndToEnd(): Promise<void> {
  // WXT's builds share its .wxt folder, so they take turns; the dashboard's plain Vite build runs beside.
  const dashboard = build(['vite', 'build', '--config', 'workspace/dashboard/vite.config.ts']);
  await build(['wxt', 'build']);
  await build(['wxt', 'build', '-b', 'firefox']);
  // The Chrome test build differs from the release build in its manifest alone (wxt.config.ts's
  // SAMEROOM_TEST_HOSTS): a patched copy of it, not a third build.
  makeTestBuild(join(ROOT, '.output', 'chrome-mv3'), CHROME_TEST_BUILD, [CUSTOM_SITE_MATCH]);
  await dashboard;
}
