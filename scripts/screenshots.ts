/**
 * `npm run screenshots`: the README's pictures, made by `npm start`'s own headless tour. Runs
 * scripts/start.ts without a display on a fresh data folder (.sameroom/screenshots) and a free port,
 * waits until the tour is done, stops it, and copies the chosen screenshots into docs/images/.
 *
 * Flags: --skip-build (use the extension and dashboard as last built), --help.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../test/e2e/harness/paths';

const HELP = `Usage: npm run screenshots [-- --skip-build]

Runs npm start's headless tour on a fresh data folder and copies its screenshots into docs/images/.

Flags:
  --skip-build   use the extension and dashboard as last built
  --help         show this help`;

/** Tour screenshot → the README's picture. */
const CHOSEN = [
  ['tour-1-salesforce-lightning-lead.png', 'panel-on-salesforce.png'],
  ['tour-2-hubspot-contact.png', 'panel-on-hubspot.png'],
  ['tour-verdict-sent.png', 'verdict-sent.png'],
  ['tour-dashboard-insights.png', 'dashboard-insights.png'],
] as const;

/** What a README picture may weigh. */
const MAX_BYTES = 300 * 1024;

const { values } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const data = join(ROOT, '.sameroom', 'screenshots');
const images = join(ROOT, 'docs', 'images');

/** What the tour must have printed for its pictures to show what the README says they show. */
const SHOWN = [
  'Salesforce Lightning lead: the panel shows “Hannover Messe 2026”',
  'HubSpot contact: the panel shows “Retrofit search — Q4”',
  '…then “Sent to the workspace.”',
  'The dashboard, signed in as',
];

/**
 * The tour, as on a server without a display, on a fresh data folder; resolves with what it printed
 * once it is done and npm start has stopped.
 */
function runTour(): Promise<string> {
  rmSync(data, { recursive: true, force: true });
  const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...env } = process.env;
  const args = ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--data', data];
  if (values['skip-build']) args.push('--skip-build');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
      if (output.includes('Press Ctrl+C to stop.')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (output.includes('Press Ctrl+C to stop.')) resolve(output);
      else reject(new Error(`npm start did not finish its tour (exit code ${code}); see above.`));
    });
  });
}

try {
  // A busy machine can make one stop miss its moment; a second tour on a fresh folder settles it.
  for (let attempt = 1; ; attempt++) {
    const output = await runTour();
    const missing = SHOWN.filter((line) => !output.includes(line));
    if (missing.length === 0) break;
    if (attempt === 2)
      throw new Error(`The tour did not show what the pictures need:\n  ${missing.join('\n  ')}`);
    console.log(`\nThe tour did not show: ${missing.join('; ')}. Taking it again.\n`);
  }
  mkdirSync(images, { recursive: true });
  console.log('\nREADME pictures:');
  for (const [from, to] of CHOSEN) {
    const target = join(images, to);
    copyFileSync(join(data, 'tour', from), target);
    const bytes = statSync(target).size;
    console.log(`  docs/images/${to}  ${Math.round(bytes / 1024)} KB`);
    if (bytes > MAX_BYTES) throw new Error(`docs/images/${to} is over ${MAX_BYTES / 1024} KB.`);
  }
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
