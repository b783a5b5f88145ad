/** One figure of `npm run bench`, with its budget. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  budget: number;
  /** Whether a figure under the budget ("lower") or over it ("higher") is within budget. */
  better: 'lower' | 'higher';
}

export function withinBudget(row: BenchRow): boolean {
  return row.better === 'lower' ? row.value <= row.budget : row.value >= row.budget;
}
