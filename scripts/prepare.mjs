/**
 * Runs before `npm start` and `npm test` on any machine, a fresh clone included, so that those two
 * commands are all a new user types: checks Node's version, installs the project's dependencies when
 * node_modules is missing or was installed from another package-lock.json than today's (`npm ci`; see
 * dependenciesStale), then the system packages the command needs
 * (scripts/ensure-system-deps.ts: Debian's packages through apt-get, or the one command to run).
 * Plain JavaScript: it runs before tsx is installed.
 *
 *   node scripts/prepare.mjs start       Chromium and openssl
 *   node scripts/prepare.mjs test        Chromium, Firefox ESR, PostgreSQL and what else the tests use
 *   node scripts/prepare.mjs workspace   the dependencies alone (`npm run workspace` on a fresh clone
 *                                        stopped at Node's "Cannot find package 'tsx'")
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// package.json's `engines`, which npm only warns about: an older Node failed deep inside the scripts
// (`import.meta.dirname` is Node 20.11's) with an error that named no version.
// The range is that of the locked packages (vite and others): ^20.19.0 || >=22.12.0.
const [major, minor] = process.versions.node.split('.').map(Number);
const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
if (!supported) {
  console.error(
    `\nSameroom needs Node 20.19 or newer within 20, or 22.12 or newer; this is Node ${process.versions.node}. ` +
      'Install one of those (https://nodejs.org, or your system’s packages), then run the command again.\n',
  );
  process.exit(1);
}
const purpose = ['start', 'workspace'].includes(process.argv[2]) ? process.argv[2] : 'test';

const STAMP = join(ROOT, 'node_modules', '.sameroom-lock-hash');
const lockHash = () =>
  createHash('sha256')
    .update(readFileSync(join(ROOT, 'package-lock.json')))
    .digest('hex');

/**
 * Notes which package-lock.json node_modules was installed from. A user who may not write node_modules
 * (docs/deployment.md's service user, after the checkout's owner ran `npm ci`) runs on without the
 * note: the next command by its owner writes it. Before, that write's error stopped the service.
 */
function stamp() {
  try {
    writeFileSync(STAMP, lockHash());
  } catch {
    // Not ours to write; the dependencies are there.
  }
}

/**
 * Stale when the packages are missing, or were installed from another package-lock.json than today's
 * (compared by content: `npm run lockfile` rewrites the file without changing what it installs).
 * node_modules installed by hand or by CI's `npm ci` without our stamp counts as installed from it.
 */
function dependenciesStale() {
  if (!existsSync(join(ROOT, 'node_modules', '.bin', 'tsx'))) return true;
  if (!existsSync(STAMP)) {
    stamp();
    return false;
  }
  return readFileSync(STAMP, 'utf8') !== lockHash();
}

if (dependenciesStale()) {
  console.log('Installing the project’s dependencies (npm ci)…');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (ci.status !== 0) {
    console.error('\nnpm ci failed (see above). Fix what it says, then run the command again.\n');
    process.exit(1);
  }
  stamp();
}
if (purpose === 'workspace') process.exit(0);

const deps = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    join(ROOT, 'scripts', 'ensure-system-deps.ts'),
    ...(purpose === 'start' ? ['chromium', 'openssl'] : []),
  ],
  { cwd: ROOT, stdio: 'inherit' },
);
process.exit(deps.status ?? 1);
