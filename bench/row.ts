/** One figure of `npm run bench`, with its budget. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** null: the figure is reported, with no budget to meet. */
  budget: number | null;
  /** Whether a figure under the budget ("lower") or over it ("higher") is within budget. */
  better: 'lower' | 'higher';
  /** How the figure was taken, when the name cannot say it all (baseline, granularity, samples). */
  note?: string;
}

export function withinBudget(row: BenchRow): boolean {
  if (row.budget === null) return true;
  return row.better === 'lower' ? row.value <= row.budget : row.value >= row.budget;
}
