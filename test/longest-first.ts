import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take a minute or more (each starts servers and CLI commands as processes of their
 * own), started first, so that the short files fill in around them at the end. On a fresh clone vitest
 * has no timings yet and orders by file size: the workspace suite's 72 s of killed processes started
 * with six minutes gone, and the suite then ran on for about a minute after the others had ended.
 */
const LONGEST = [
  'test/workspace/cli.test.ts',
  'test/workspace/data-folder.test.ts',
  'test/workspace/data-folder-backups.test.ts',
  'test/workspace/kills.test.ts',
  'test/workspace/http-limits.test.ts',
  'test/workspace/disk-full.test.ts',
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST.findIndex((name) => file.moduleId.endsWith(`/${name}`));
      return index < 0 ? LONGEST.length : index;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
