import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../workspace/db/database';
import { migrate, migrationFiles, migrationText } from '../../workspace/db/migrate';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Once per run of the workspace tests: a PGlite database with every migration applied, which each test's
 * fresh embedded workspace starts from as a copy (test/workspace/harness.ts). Opening a new PGlite folder
 * runs initdb, and a fresh workspace migrates it: about 5.6 s on this machine against 1.3 s
 * from a copy, for each of the suite's embedded workspaces. Kept per set of migrations (by their hash),
 * so a changed migration makes a new one; the tests of a first start give their own data folder.
 */
export default async function setup(project: TestProject): Promise<void> {
  const hash = createHash('sha256');
  for (const file of migrationFiles()) hash.update(file).update(migrationText(file));
  const template = join(ROOT, '.sameroom', 'test-templates', hash.digest('hex').slice(0, 16), 'db');
  if (!existsSync(template)) {
    const building = `${template}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(join(building, '..'), { recursive: true });
    const db = await openDatabase({ dataDir: building });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    // Whole or not at all: a run stopped halfway leaves no template behind under its name. Two runs may
    // build it at once (npm test runs the chaos rounds, an e2e file, beside the workspace suite): the
    // first one's stays, and the other throws its copy away.
    try {
      renameSync(building, template);
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (!existsSync(template) || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
    }
  }
  project.provide('pgliteTemplate', template);
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
