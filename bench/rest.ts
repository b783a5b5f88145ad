/**
 * `npx tsx bench/rest.ts`: the workspace and insights rows alone, added to bench/results.json (for a
 * run whose browser rows are in and whose workspace rows stopped).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insightsRows } from './insights';
import type { BenchRow } from './row';
import { workspaceRows } from './workspace';

const file = join(import.meta.dirname, 'results.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as { rows: BenchRow[]; complete: boolean };
for (const group of [workspaceRows, insightsRows]) {
  results.rows.push(...(await group()));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
results.complete = true;
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
