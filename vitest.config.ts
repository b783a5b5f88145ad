import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import LongestFirst from './test/longest-first';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['test/unit/setup.ts'],
          // Two worker threads that each run their share of the files one after another, sharing their
          // modules and DOM (test/unit/setup.ts clears what one file leaves behind): the suite takes 13 s
          // instead of 58 on two cores, where a fresh thread and DOM per file spent most of it starting up.
          pool: 'threads',
          isolate: false,
        },
      },
      {
        test: {
          name: 'workspace',
          include: ['test/workspace/**/*.test.ts'],
          sequence: { sequencer: LongestFirst },
          environment: 'node',
          // Each of the two worker processes runs its share of the files one after another on modules
          // it imported once: 350 s instead of 450 on two cores, where a process per file spent 80 s
          // of CPU importing the workspace's modules again (and PGlite's) beside the running tests.
          isolate: false,
          setupFiles: ['test/workspace/setup.ts'],
          globalSetup: ['test/workspace/postgres-setup.ts', 'test/workspace/pglite-template.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // The fresh embedded workspaces start from a copy of the migrated PGlite template, as in the
          // workspace suite: 1.3 s each instead of 5.6 s for initdb and every migration.
          globalSetup: ['test/e2e/global-setup.ts', 'test/workspace/pglite-template.ts'],
          // One browser at a time: Firefox's fixture server binds port 443 and the machine has two cores
          // (npm test runs the chaos rounds, which mostly wait, beside the workspace suite: scripts/test.ts).
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // expect.poll waits 1 s by default: a real browser on a loaded 2-core machine can take longer
          // to show what a step asked for (the first page after launch, a cold service worker).
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
