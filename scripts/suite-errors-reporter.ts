/**
 * A vitest reporter for `npm test`'s runs: writes the errors that belong to no single test (a failing
 * `beforeAll` or `afterAll`, a file that failed to load, an unhandled error) to
 * reports/suite-errors/<project>-<pid>.txt. Vitest's JSON report counts the tests under a failed
 * `beforeAll` as skipped and leaves the error out; scripts/test-summary.ts prints these files, so the
 * cause is in the last lines CI shows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

const describe = (error: SerializedError): string =>
  [
    error.message,
    // Vitest's "[vitest-pool]: Worker forks emitted error." says what happened only in its cause.
    ...(error.cause ? [`cause: ${describe(error.cause)}`] : []),
    ...(error.stack ?? '')
      .split('\n')
      .filter((line) => line.includes('/test/'))
      .slice(0, 3),
  ]
    .join('\n    ')
    .trim();

export default class SuiteErrorsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>) {
    const lines: string[] = [];
    let project = 'vitest';
    for (const module of testModules) {
      project = module.project.name || project;
      const file = relative(process.cwd(), module.moduleId);
      for (const error of module.errors()) lines.push(`${file}: ${describe(error)}`);
      for (const suite of module.children.allSuites()) {
        for (const error of suite.errors()) lines.push(`${file} > ${suite.fullName}: ${describe(error)}`);
      }
    }
    for (const error of unhandledErrors) lines.push(`unhandled (${project}): ${describe(error)}`);
    if (lines.length === 0) return;
    mkdirSync('reports/suite-errors', { recursive: true });
    writeFileSync(`reports/suite-errors/${project}-${process.pid}.txt`, `${lines.join('\n')}\n`);
  }
}
