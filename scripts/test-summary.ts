/**
 * Reads the test runners' JSON reports and prints one line, `N passed, N failed`. Fails when a report
 * is missing, when any test failed or was skipped, when a file failed outside its tests (a failing
 * `beforeAll` marks the tests under it skipped, not failed), or when no test ran at all. Above that line
 * it names each test that did not pass and each error outside a test (from reports/suite-errors/, which
 * scripts/suite-errors-reporter.ts writes), and each test over 30 s, since CI shows only the output's end.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  testResults?: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{
      fullName: string;
      status: string;
      duration?: number | null;
      failureMessages?: string[];
    }>;
  }>;
}

/** A test this slow is worth a look even when it passes (a 44 s pause once made npm test run long). */
const SLOW_MS = 30_000;
const slow: string[] = [];
let passed = 0;
let failed = 0;
let skipped = 0;
const problems: string[] = [];
/** The first lines of an error, enough to say what it was. */
const firstLines = (text: string) => text.split('\n').slice(0, 6).join('\n    ');

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    problems.push(`${file} is missing: that test run did not finish`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  if (report.numTotalTests === 0) problems.push(`${file} ran no test`);
  for (const result of report.testResults ?? []) {
    const name = relative(process.cwd(), result.name);
    if (result.status === 'failed' && result.assertionResults.every((test) => test.status !== 'failed')) {
      const why = result.message ? `:\n    ${firstLines(result.message)}` : ' (its error is below)';
      problems.push(`${file}: ${name} failed outside its tests${why}`);
    }
    for (const test of result.assertionResults) {
      if ((test.duration ?? 0) > SLOW_MS)
        slow.push(`slow (${Math.round(test.duration! / 1000)} s): ${name} > ${test.fullName}`);
      if (test.status === 'passed') continue;
      const why = test.failureMessages?.[0];
      console.error(`${test.status}: ${name} > ${test.fullName}${why ? `\n    ${firstLines(why)}` : ''}`);
    }
  }
}

// What scripts/suite-errors-reporter.ts wrote: errors of hooks and files, which the JSON leaves out.
const suiteErrors = 'reports/suite-errors';
if (existsSync(suiteErrors)) {
  for (const name of readdirSync(suiteErrors).sort()) {
    problems.push(readFileSync(join(suiteErrors, name), 'utf8').trimEnd());
  }
}

for (const line of slow) console.error(line);
if (skipped > 0) problems.push(`${skipped} tests were skipped; every test must run`);
for (const problem of problems) console.error(problem);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || problems.length > 0 || passed === 0 ? 1 : 0);
