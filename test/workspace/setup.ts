/**
 * The workspace suite's setup file, run before each of its files. Vitest makes `process.exit` throw in a
 * test worker, but gives the real one back when a worker's first file ends; with isolate: false
 * (vitest.config.ts) a worker runs many files, and a `process.exit` in a later one (the workspace's
 * stopOnFolderLost, when a test's data folder goes while its workspace still runs) ended the worker with
 * no word of why: vitest said only "Worker forks emitted error". Thrown again here, it is reported as an
 * error with its stack, in the test that caused it.
 */
process.exit = ((code?: number | string | null) => {
  throw new Error(`process.exit unexpectedly called with "${code ?? process.exitCode ?? 0}"`);
}) as typeof process.exit;
