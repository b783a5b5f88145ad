/**
 * `npm test`: every suite, each writing its JSON report to reports/ (CI's .ci/run sums them).
 *
 *   1. unit                                                   reports/unit.json
 *   2. the builds the end-to-end tests load (once)
 *   3. the workspace suite, and beside it the 10 chaos rounds  reports/workspace.json, reports/chaos.json
 *   4. the other end-to-end tests, one browser at a time      reports/e2e.json
 *
 * The chaos rounds spend most of their three minutes waiting (each verdict waits out its 10 s Undo
 * window before it is sent; the browser, the workspace and the proxy use about a quarter of one core),
 * so they run beside the workspace suite rather than after it. Every step runs even when one before it
 * failed (the reports say what failed where); the exit code is 1 when any did.
 */
import { spawn } from 'node:child_process';
import { buildForEndToEnd } from '../test/e2e/harness/builds';

const CHAOS = 'test/e2e/chaos.chromium.test.ts';

function vitest(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<boolean> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json'], {
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', (error) => {
      console.error(`${name}: ${error.message}`);
      resolve(false);
    });
    child.on('exit', (code, signal) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(
        `\n${name}: ${code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`,
      );
      resolve(code === 0);
    });
  });
}

const report = (file: string) => `--outputFile.json=reports/${file}`;
const built = { SAMEROOM_E2E_SKIP_BUILD: '1' };
const results: boolean[] = [];

results.push(await vitest('unit', ['--project', 'unit', '--maxWorkers=2', report('unit.json')]));

const buildStarted = Date.now();
const buildsMade = await buildForEndToEnd().then(
  () => true,
  (error: Error) => {
    console.error(`The end-to-end builds failed: ${error.message}`);
    return false;
  },
);
console.log(`\nbuilds for the end-to-end tests: ${Math.round((Date.now() - buildStarted) / 1000)} s\n`);
results.push(buildsMade);

results.push(
  ...(await Promise.all([
    vitest('workspace', ['--project', 'workspace', '--maxWorkers=2', report('workspace.json')]),
    buildsMade
      ? vitest('chaos (10 rounds)', ['--project', 'e2e', CHAOS, report('chaos.json')], built)
      : Promise.resolve(false),
  ])),
);

results.push(
  buildsMade
    ? await vitest('end to end', ['--project', 'e2e', '--exclude', CHAOS, report('e2e.json')], built)
    : false,
);

process.exit(results.every(Boolean) ? 0 : 1);
