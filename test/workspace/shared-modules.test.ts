import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every .ts file under test/ that is not a test file itself, nor a setup file vitest.config.ts names. */
function sharedModules(): string[] {
  const setupFiles = [
    ...readFileSync(join(ROOT, 'vitest.config.ts'), 'utf8').matchAll(/setupFiles: \[([^\]]*)\]/g),
  ]
    .flatMap((match) => match[1]!.match(/'[^']+'/g) ?? [])
    .map((quoted) => quoted.slice(1, -1));
  return readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
    .map((path) => join('test', path))
    .filter((path) => /\.tsx?$/.test(path) && !/\.test\.tsx?$/.test(path) && !setupFiles.includes(path));
}

describe("the suites' shared test modules", () => {
  // The unit and workspace suites import a module once per worker for all its files (isolate: false):
  // hooks at a shared module's top are registered in the first file that imports it, and no other.
  // data-folder-support.ts had them, and the files after the first left their workspaces open.
  it('register no hooks at their top; the files using them ask for them', () => {
    const modules = sharedModules();
    expect(modules).toContain(join('test', 'workspace', 'data-folder-support.ts'));
    const withHooks = modules.filter((path) =>
      /^(afterAll|afterEach|beforeAll|beforeEach)\(/m.test(readFileSync(join(ROOT, path), 'utf8')),
    );
    expect(withHooks).toEqual([]);
  });
});
