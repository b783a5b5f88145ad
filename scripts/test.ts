/**
 * `npm test`: every suite, each writing its JSON report to reports/ (CI's .ci/run sums them).
 *
 *   1. unit                                                   reports/unit.json
 *   2. the workspace suite, beside the builds the end-to-end    reports/workspace.json
 *      tests load (once), and once they are made, beside it:
 *               the 10 chaos rounds                           reports/chaos.json
 *               the BESIDE files (Chromium's, and no browser)  reports/e2e-beside.json
 *   3. the other end-to-end tests, one browser at a time        reports/e2e.json
 *
 * The chaos rounds and the BESIDE files spend most of their four and four and a half minutes waiting
 * (each verdict waits out its 10 s Undo window before it is sent; a browser, the workspace and the
 * proxy use about a quarter of one core), so each runs in a Chromium of its own beside the workspace
 * suite, which keeps the two cores busy: together they end about when the workspace suite does.
 * They are Chromium's, which binds no fixed port (Firefox's fixture server takes port 443), and no test
 * in them times the browser. Every step runs even when one before it failed (the reports say what
 * failed where); the exit code is 1 when any did. SIGINT or SIGTERM (a process manager's or CI's stop,
 * which npm passes on) goes to the running suites, which stop their browsers and servers; nothing more
 * is started, and the run ends failed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { buildForEndToEnd } from '../test/e2e/harness/builds';
import { ensureFixtureCertificate } from '../test/e2e/harness/fixture-server';

const CHAOS = 'test/e2e/chaos.chromium.test.ts';
/**
 * End-to-end files that run beside the workspace suite and the chaos rounds: Chromium's, and those
 * with no browser, none timing anything. The verdict, full-disk and Options tests (four and a half
 * minutes, mostly waiting out Undo windows), then the short ones, which end about when the chaos
 * rounds do, well before the workspace suite. The accessibility audit, busy on the CPU for its 20 s,
 * slowed the workspace suite beside it and runs after instead.
 */
const BESIDE = [
  'test/e2e/verdicts.chromium.test.ts',
  'test/e2e/full-disk.chromium.test.ts',
  'test/e2e/options.chromium.test.ts',
  'test/e2e/crms.chromium.test.ts',
  'test/e2e/smoke.chromium.test.ts',
  'test/e2e/private-window.chromium.test.ts',
  'test/e2e/hostile-page.chromium.test.ts',
  'test/e2e/dashboard.test.ts',
  'test/e2e/manifest.test.ts',
  'test/e2e/bundle-size.test.ts',
  'test/e2e/addons-linter.test.ts',
];

/** The suites running now: a signal to this process (npm test's, from npm) is passed on to them. */
const running = new Set<ChildProcess>();
/** Set by a signal: nothing more is started. */
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    stopping = true;
    for (const child of running) child.kill(signal);
    // Each suite stops its browsers and servers on the signal; the run then ends, failed.
    void Promise.all([...running].map((child) => new Promise((done) => child.once('exit', done)))).then(() =>
      process.exit(1),
    );
  });

/**
 * What a test worker says as it dies (V8's fatal errors, a signal, the system's out-of-memory killer):
 * vitest then reports only "Worker forks emitted error", and CI shows only the output's last lines.
 */
const DYING =
  /FATAL ERROR|Fatal JavaScript|Segmentation fault|SIGSEGV|SIGABRT|SIGKILL|core dumped|JavaScript heap out of memory|Reached heap limit|Worker exited unexpectedly|Worker forks emitted error/;

/**
 * Those lines of a failed suite's stderr, kept in reports/suite-errors/ for scripts/test-summary.ts,
 * with the line before each (a fatal error's first line often names the place).
 */
function keepDyingWords(name: string, stderr: string[]): void {
  const kept = stderr.flatMap((line, index) => (DYING.test(line) ? [stderr[index - 1] ?? '', line] : []));
  if (kept.length === 0) return;
  mkdirSync('reports/suite-errors', { recursive: true });
  const file = `reports/suite-errors/${name.replace(/\W+/g, '-')}-stderr.txt`;
  writeFileSync(file, `${name}, its stderr:\n    ${kept.slice(-20).join('\n    ')}\n`);
}

/** Runs `command args` with its output shown; true when it passed. */
function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<boolean> {
  const started = Date.now();
  if (stopping) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['inherit', 'inherit', 'pipe'],
      // Its stderr is a pipe now: coloured still where ours is a terminal.
      env: { ...(process.stderr.isTTY ? { FORCE_COLOR: '1' } : {}), ...process.env, ...env },
    });
    // Shown as it comes, and its last lines kept (the colourless text) for keepDyingWords.
    const stderr: string[] = [];
    let partial = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      const lines = stripVTControlCharacters(partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      stderr.push(...lines);
      if (stderr.length > 4000) stderr.splice(0, stderr.length - 2000);
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    child.on('error', (error) => {
      console.error(`${name}: ${error.message}`);
      resolve(false);
    });
    child.on('exit', (code, signal) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(
        `\n${name}: ${code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`,
      );
      if (code !== 0) keepDyingWords(name, [...stderr, partial, `exit ${code ?? signal}`]);
      resolve(code === 0);
    });
  });
}

/** The unit and workspace suites as their own npm scripts run them (one place for their flags). */
const script = (name: string) => run(name, 'npm', ['run', `test:${name}`]);
/** End-to-end files on the builds made above, with their own report. */
const endToEnd = (name: string, args: string[], file: string) =>
  run(
    name,
    // vitest's own script, not npx (whose shell would take a signal meant for vitest).
    join('node_modules', '.bin', 'vitest'),
    [
      'run',
      '--project',
      'e2e',
      ...args,
      '--reporter=default',
      '--reporter=./scripts/suite-errors-reporter.ts',
      '--reporter=json',
      `--outputFile.json=reports/${file}`,
    ],
    { SAMEROOM_E2E_SKIP_BUILD: '1' },
  );

// Errors outside tests from an earlier run would be read as this run's (scripts/test-summary.ts).
rmSync('reports/suite-errors', { recursive: true, force: true });

const results: boolean[] = [];

results.push(await script('unit'));

// The workspace suite needs no build: it starts now, beside the builds.
const workspace = script('workspace');

const buildStarted = Date.now();
const buildsMade = await (stopping ? Promise.reject(new Error('stopped')) : buildForEndToEnd()).then(
  () => true,
  (error: Error) => {
    if (!stopping) console.error(`The end-to-end builds failed: ${error.message}`);
    return false;
  },
);
console.log(`\nbuilds for the end-to-end tests: ${Math.round((Date.now() - buildStarted) / 1000)} s\n`);
results.push(buildsMade);

// Made once here: the two end-to-end runs below would each make it at once on a fresh clone.
if (buildsMade) ensureFixtureCertificate();
results.push(
  ...(await Promise.all([
    workspace,
    buildsMade ? endToEnd('chaos (10 rounds)', [CHAOS], 'chaos.json') : false,
    buildsMade ? endToEnd('end to end (beside the workspace suite)', BESIDE, 'e2e-beside.json') : false,
  ])),
);

results.push(
  buildsMade
    ? await endToEnd(
        'end to end',
        [CHAOS, ...BESIDE].flatMap((file) => ['--exclude', file]),
        'e2e.json',
      )
    : false,
);

process.exit(results.every(Boolean) ? 0 : 1);
