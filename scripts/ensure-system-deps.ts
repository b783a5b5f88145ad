/**
 * Runs before `npm test`: the end-to-end tests need Debian's Chromium and Firefox ESR, PostgreSQL's
 * server binaries, openssl, strace (one test watches the embedded database's system calls), nginx
 * (one runs the workspace behind it), PgBouncer (one runs it through that) and exFAT's tools (one writes a
 * backup to an exFAT drive). Installs what is missing (apt-get as root, or `sudo -n`), or stops with
 * the exact command to run. Never lets the tests skip for want of a browser or a database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

interface Requirement {
  what: string;
  aptPackage: string;
  present(): boolean;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function postgresBinaries(): boolean {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return false;
  return readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/initdb`));
}

const REQUIREMENTS: Requirement[] = [
  {
    what: 'Chromium',
    aptPackage: 'chromium',
    present: () => existsSync(process.env.SAMEROOM_CHROMIUM ?? '/usr/bin/chromium'),
  },
  {
    what: 'Firefox ESR',
    aptPackage: 'firefox-esr',
    present: () => existsSync(process.env.SAMEROOM_FIREFOX ?? '/usr/bin/firefox-esr'),
  },
  { what: 'PostgreSQL', aptPackage: 'postgresql', present: postgresBinaries },
  { what: 'openssl', aptPackage: 'openssl', present: () => onPath('openssl') },
  // The tests only: test/workspace/fsync.test.ts watches the embedded database's system calls.
  { what: 'strace', aptPackage: 'strace', present: () => onPath('strace') },
  // The tests only: test/workspace/reverse-proxy.test.ts runs the workspace behind docs/deployment.md's
  // nginx. Debian puts it in /usr/sbin, which is not on an ordinary user's PATH.
  { what: 'nginx', aptPackage: 'nginx', present: () => onPath('nginx') || existsSync('/usr/sbin/nginx') },
  // The tests only: test/workspace/pgbouncer.test.ts runs the workspace through it. In /usr/sbin too.
  {
    what: 'PgBouncer',
    aptPackage: 'pgbouncer',
    present: () => onPath('pgbouncer') || existsSync('/usr/sbin/pgbouncer'),
  },
  // The tests only: test/workspace/backup-exfat.test.ts writes a backup to an exFAT drive (no hard links).
  { what: 'exFAT tools', aptPackage: 'exfatprogs', present: () => existsSync('/usr/sbin/mkfs.exfat') },
  {
    what: 'exFAT through FUSE',
    aptPackage: 'exfat-fuse',
    present: () => existsSync('/usr/sbin/mount.exfat-fuse') || onPath('mount.exfat-fuse'),
  },
];

// `npm start` needs only some of them: their apt package names as arguments (none: all of them).
const wanted = process.argv.slice(2);
const NEEDED = REQUIREMENTS.filter(
  (requirement) => wanted.length === 0 || wanted.includes(requirement.aptPackage),
);

function missing(): Requirement[] {
  return NEEDED.filter((requirement) => !requirement.present());
}

function install(packages: string[]): boolean {
  const isRoot = process.getuid?.() === 0;
  const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!onPath('apt-get') || (!isRoot && !canSudo)) return false;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const run = (args: string[]) => {
    const [command, ...rest] = [...prefix, ...args];
    execFileSync(command!, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  console.log(`Installing ${packages.join(', ')} with apt-get…`);
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
  return true;
}

const needed = missing();
if (needed.length > 0) {
  const packages = needed.map((requirement) => requirement.aptPackage);
  let installed = false;
  try {
    installed = install(packages);
  } catch (error) {
    console.error(`apt-get failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const still = missing();
  if (!installed || still.length > 0) {
    const names = (installed ? still : needed).map((requirement) => requirement.what).join(', ');
    console.error(
      `\nSameroom needs ${names}, which this machine does not have.\n` +
        `Install them, then run the command again:\n\n    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`,
    );
    process.exit(1);
  }
}
