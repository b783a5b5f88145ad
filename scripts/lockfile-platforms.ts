/**
 * Completes package-lock.json with the other platforms' optional binaries (@rollup/rollup-darwin-arm64,
 * @esbuild/win32-x64, …). The registry these machines reach lacks many of them, so `npm install` leaves
 * them out of the lockfile, and `npm ci` then refuses the lockfile as out of sync. Listed with their
 * os/cpu/libc, they are what a lockfile made anywhere else holds, and npm skips them on this platform.
 * Run after changing dependencies: `npm run lockfile`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'win32',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];
const CPU_ALIASES: Record<string, string> = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm', i686: 'ia32' };

/** The platform a binary package is for, from its name: `cli-linux-x64-musl`, `rollup-win32-arm64-msvc`. */
function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> | null {
  const parts = name.split('/').pop()!.split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpuPart = parts.find((part) => CPU.includes(part) || part in CPU_ALIASES || part === 'arm');
  if (!os) return null;
  const cpu = cpuPart ? (CPU_ALIASES[cpuPart] ?? cpuPart) : undefined;
  const libc =
    os === 'linux' && parts.includes('musl')
      ? ['musl']
      : os === 'linux' && parts.includes('gnu')
        ? ['glibc']
        : undefined;
  return { os: [os], ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc } : {}) };
}

/** Where node resolution from `location` finds `name`, if the lockfile holds it. */
function resolve(packages: Record<string, LockEntry>, location: string, name: string): string | null {
  let base = location;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

const file = join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, LockEntry> };
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolve(lock.packages, location, name)) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(spec)) continue;
    // Beside the parent when a sibling binary of the parent's sits there, else hoisted to the top.
    const sibling = Object.keys(entry.optionalDependencies ?? {})
      .map((other) => resolve(lock.packages, location, other))
      .find(Boolean);
    const nested = sibling && sibling !== `node_modules/${sibling.split('node_modules/').pop()}`;
    const target = nested ? `${location}/node_modules/${name}` : `node_modules/${name}`;
    lock.packages[target] = {
      version: spec,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
      engines: undefined,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: listed ${added} optional platform binaries this registry does not serve`);
