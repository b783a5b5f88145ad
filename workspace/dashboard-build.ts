/**
 * The dashboard is built only to serve it, and only when a source is newer than the build: a one-line
 * CLI command never waits for Vite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_DIR } from './dashboard-assets';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = [join(ROOT, 'workspace', 'dashboard'), join(ROOT, 'lib'), join(ROOT, 'components')];

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function dashboardStale(): boolean {
  const built = join(DASHBOARD_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((dir) => existsSync(dir) && newestIn(dir) > builtAt);
}

/** Builds the dashboard when it is missing or stale; Vite's output is shown only when it fails. */
export function ensureDashboardBuilt(log: (line: string) => void = console.log): void {
  if (!dashboardStale()) return;
  log('Building the dashboard…');
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  const result = spawnSync(
    vite,
    ['build', '--config', join(ROOT, 'workspace', 'dashboard', 'vite.config.ts')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  if (result.status !== 0)
    throw new Error(`The dashboard did not build:\n${`${result.stdout}\n${result.stderr}`.trim()}`);
}
