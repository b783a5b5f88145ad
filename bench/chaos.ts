import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosFigures } from '../test/chaos/run-chaos';
import type { BenchRow } from './row';

const RESULTS = join(import.meta.dirname, 'chaos-results.json');

/**
 * The last full chaos run's figures (`npm run chaos` writes them; a run takes about half an hour, so the
 * bench reports it rather than repeating it). No results, or a run of fewer than 100 rounds, is over
 * budget: the figure was not measured.
 */
export function chaosRows(): BenchRow[] {
  if (!existsSync(RESULTS))
    return [
      {
        name: 'chaos: no full run recorded (npm run chaos writes it)',
        value: 0,
        unit: 'rounds',
        budget: 100,
        better: 'higher',
      },
    ];
  const figures = JSON.parse(readFileSync(RESULTS, 'utf8')) as Omit<
    ChaosFigures,
    'faultsMet' | 'faultsMissed'
  > &
    Partial<Pick<ChaosFigures, 'faultsMet' | 'faultsMissed'>> & {
      finishedAt: string;
      commit?: string | null;
    };
  const name = (what: string) => `chaos, seed ${figures.seed} (${figures.finishedAt.slice(0, 10)}): ${what}`;
  const behind = commitsSince(figures.commit);
  return [
    {
      // The figures are the code's at that commit: said, so that a run of older code is not read as
      // this one's (the CI's short chaos run, 10 rounds, tests every commit).
      name: name('commits of code since the run'),
      value: behind ?? -1,
      unit: 'commits',
      budget: null,
      better: 'lower',
      note: figures.commit
        ? `run on ${figures.commit.slice(0, 7)}; -1: that commit is not in this checkout's history`
        : 'the run recorded no commit (before 6 December): -1',
    },
    { name: name('rounds'), value: figures.rounds, unit: 'rounds', budget: 100, better: 'higher' },
    {
      name: name('verdicts saved'),
      value: figures.verdicts,
      unit: 'verdicts',
      budget: 100,
      better: 'higher',
    },
    { name: name('lost'), value: figures.lost, unit: 'verdicts', budget: 0, better: 'lower' },
    { name: name('duplicated'), value: figures.duplicated, unit: 'verdicts', budget: 0, better: 'lower' },
    {
      name: name('stored after Undo'),
      value: figures.undoneStored,
      unit: 'verdicts',
      budget: 0,
      better: 'lower',
    },
    {
      name: name('network faults no feedback batch met'),
      // Runs from before the faults waited for a batch did not count them: unmeasured, over budget.
      value: figures.faultsMissed ?? figures.rounds,
      unit: 'faults',
      budget: 0,
      better: 'lower',
      note: `${figures.faultsMet ?? 0} network faults began with a feedback batch`,
    },
    {
      name: name('rollup mismatches'),
      value: figures.rollupMismatches,
      unit: 'rounds',
      budget: 0,
      better: 'lower',
    },
  ];
}

/** How many commits HEAD is past `commit` (null when it cannot be told). */
function commitsSince(commit: string | null | undefined): number | null {
  if (!commit) return null;
  try {
    return Number(
      execFileSync('git', ['rev-list', '--count', `${commit}..HEAD`], { encoding: 'utf8' }).trim(),
    );
  } catch {
    return null;
  }
}
