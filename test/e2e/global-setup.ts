import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { makeSelfSignedCertificate } from '../support/certificate';
import { CERT_FILE, CUSTOM_SITE_MATCH, E2E_DIR, KEY_FILE, ROOT } from './harness/paths';

function build(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
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
    await build(['wxt', 'build'], { ...process.env, SAMEROOM_TEST_HOSTS: CUSTOM_SITE_MATCH });
    await dashboard;
  }
  if (!existsSync(CERT_FILE) || !existsSync(KEY_FILE))
    makeSelfSignedCertificate(CERT_FILE, KEY_FILE, 'sameroom-fixtures');
}
