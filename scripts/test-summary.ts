/**
 * Reads the test runners' JSON reports and prints one line, `N passed, N failed`. Fails when a report
 * is missing, when any test failed or was skipped, or when no test ran at all.
 */
import { existsSync, readFileSync } from 'node:fs';

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

let passed = 0;
let failed = 0;
let skipped = 0;
const problems: string[] = [];

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
}

if (skipped > 0) problems.push(`${skipped} tests were skipped; every test must run`);
for (const problem of problems) console.error(problem);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || problems.length > 0 || passed === 0 ? 1 : 0);
