/**
 * `npm run chaos [-- --rounds N] [-- --seed S]`: the full chaos suite (test/chaos/run-chaos.ts) on the
 * built extension. Prints the seed first (replay with --seed), a line per round, and the figures, which
 * it writes to bench/chaos-results.json for `npm run bench`. Exits 1 when anything was lost, doubled,
 * kept after Undo, or left in the outbox, when the rollups drifted, or when a network fault met no
 * feedback batch in a round that had verdicts to send.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos } from '../test/chaos/run-chaos';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '100' }, seed: { type: 'string' } },
});
const rounds = Number(values.rounds);
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(seed)) {
  console.error('Usage: npm run chaos -- [--rounds N] [--seed S]');
  process.exit(1);
}
console.log(
  `chaos: ${rounds} rounds, seed ${seed} (replay: npm run chaos -- --rounds ${rounds} --seed ${seed})`,
);
// The code under test is the checkout's as the run starts (a commit made during the half hour is not it).
const commit = headCommit();
const figures = await runChaos({ rounds, seed, log: (line) => console.log(line) });
console.log(JSON.stringify(figures, null, 2));
writeFileSync(
  join(import.meta.dirname, '..', 'bench', 'chaos-results.json'),
  `${JSON.stringify({ ...figures, finishedAt: new Date().toISOString(), commit }, null, 2)}\n`,
);
const clean =
  figures.rounds === rounds &&
  figures.lost === 0 &&
  figures.duplicated === 0 &&
  figures.undoneStored === 0 &&
  figures.rollupMismatches === 0 &&
  figures.outboxLeft === 0 &&
  figures.faultsMissed === 0;
process.exit(clean ? 0 : 1);

/** The commit the run tested (the bench says how far behind the code it reports on it is). */
function headCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
