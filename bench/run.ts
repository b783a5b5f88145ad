/**
 * `npm run bench`: builds what it measures, prints a table of figures with their budgets, writes them to
 * bench/results.json, and exits non-zero when a figure is over its budget. `npm run bench -- --browser`
 * takes the browser rows alone (the file is marked incomplete); `npx tsx bench/rest.ts` adds the
 * workspace and insights rows to it later, so each half can run when the machine is quiet.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { bundleSizeRows, dashboardSizeRows } from './bundle-size';
import { chaosRows } from './chaos';
import { insightsRows } from './insights';
import { leadPanelRows } from './lead-panel';
import { type BenchRow, withinBudget } from './row';
import { verdictRows } from './verdicts';
import { workspaceRows } from './workspace';

const ROOT = join(import.meta.dirname, '..');

function build(): void {
  for (const args of [['build'], ['build', '-b', 'firefox']]) {
    execFileSync('npx', ['wxt', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  execFileSync('npx', ['vite', 'build', '--config', 'workspace/dashboard/vite.config.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function printTable(rows: BenchRow[]): void {
  const lines = rows.map((row) => [
    row.name,
    `${row.value} ${row.unit}`,
    row.budget === null ? 'reported' : `${row.better === 'lower' ? '≤' : '≥'} ${row.budget} ${row.unit}`,
    withinBudget(row) ? 'ok' : 'OVER BUDGET',
  ]);
  const header = ['figure', 'measured', 'budget', ''];
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  const notes = rows.filter((row) => row.note);
  if (notes.length > 0) console.log('\nHow they were taken:');
  for (const row of notes) console.log(`- ${row.name}: ${row.note}`);
}

function save(rows: BenchRow[], complete: boolean): void {
  writeFileSync(
    join(ROOT, 'bench', 'results.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), complete, machine: { cpus: cpus().length, node: process.version }, rows }, null, 2)}\n`,
  );
}

build();
const rows: BenchRow[] = [
  ...bundleSizeRows({
    Chrome: join(ROOT, '.output', 'chrome-mv3'),
    Firefox: join(ROOT, '.output', 'firefox-mv3'),
  }),
  ...dashboardSizeRows(join(ROOT, '.output', 'dashboard')),
  ...chaosRows(),
];
// Each group's figures are saved as soon as they are in: a long run stopped halfway keeps what it measured.
const browserOnly = process.argv.includes('--browser');
const groups = browserOnly
  ? [leadPanelRows, verdictRows]
  : [leadPanelRows, verdictRows, workspaceRows, insightsRows];
for (const group of groups) {
  rows.push(...(await group()));
  save(rows, false);
}
save(rows, !browserOnly);
printTable(rows);
process.exit(rows.every(withinBudget) ? 0 : 1);
