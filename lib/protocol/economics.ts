/**
 * How many sales a campaign needs to pay for itself: its budget over the margin one sale brings.
 * Null when that cannot be said (no deal value or no margin).
 */
export function deriveBreakEvenDeals(economics: {
  budget: number;
  avgDealValue: number;
  grossMarginPct: number;
}): number | null {
  const marginPerDeal = economics.avgDealValue * (economics.grossMarginPct / 100);
  if (!(marginPerDeal > 0)) return null;
  // Rounding first keeps 0.1 + 0.2-style float noise from asking for one more sale than needed.
  return Math.ceil(Number((economics.budget / marginPerDeal).toFixed(9)));
}
