/**
 * Runs before `npm test`: the end-to-end tests need Debian's Chromium and Firefox ESR, PostgreSQL's
 * server binaries, openssl, strace (one test watches the embedded database's system calls), nginx
 * (one runs the workspace behind it), PgBouncer (one runs it through that) and exFAT's tools (one writes a
 * backup to an exFAT drive). Installs what is missing (apt-get as root, or `sudo -n`), or stops with
 * the exact command to run. Never lets the tests skip for want of a browser or a database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

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

/** How to point the scripts at a browser that is not Debian's package, by that package's name. */
const BROWSER_PATHS: Record<string, string> = {
  chromium: 'SAMEROOM_CHROMIUM=/path/to/chromium',
  'firefox-esr': 'SAMEROOM_FIREFOX=/path/to/firefox',
};

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
    const lacking = installed ? still : needed;
    const names = lacking.map((requirement) => requirement.what).join(', ');
    // A browser installed elsewhere (not Debian's package) is named by its path instead.
    const command = wanted.length > 0 ? 'npm start' : 'npm test';
    const elsewhere = lacking
      .map((requirement) => BROWSER_PATHS[requirement.aptPackage])
      .filter((path) => path !== undefined)
      .map((path) => `${path} ${command}`);
    console.error(
      `\nSameroom needs ${names}, which this machine does not have.\n` +
        `Install them, then run the command again:\n\n    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n` +
        (elsewhere.length > 0
          ? `\nOr, with a build of your own installed elsewhere, say where it is:\n\n${elsewhere.map((line) => `    ${line}`).join('\n')}\n`
          : ''),
    );
    process.exit(1);
  }
}

/**
 * The tests only (all requirements wanted): Firefox cannot be told to reach a host on another port, so
 * its end-to-end tests serve the CRM pages on port 443. A user who may not bind it learnt so some 13
 * minutes into `npm test`, from a bare EACCES in the Firefox lane; it is said here, before anything runs.
 */
if (wanted.length === 0) {
  const problem = await new Promise<string | null>((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
    probe.listen(443, '127.0.0.1', () => probe.close(() => resolve(null)));
  });
  if (problem === 'EACCES') {
    console.error(
      '\nThe Firefox tests serve the saved CRM pages on port 443 of 127.0.0.1, which this user may not bind.\n' +
        'Run the tests as root (as CI does), or let every user bind it, then run the command again:\n\n' +
        '    sudo sysctl net.ipv4.ip_unprivileged_port_start=443\n',
    );
    process.exit(1);
  }
  if (problem === 'EADDRINUSE') {
    console.error(
      '\nPort 443 of 127.0.0.1 is taken by another program; the Firefox tests serve the saved CRM pages there.\n' +
        'Stop it (`sudo ss -ltnp "sport = :443"` names it), then run the command again.\n',
    );
    process.exit(1);
  }
}
