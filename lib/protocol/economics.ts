import { LIMITS } from './limits';

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

/**
 * The break-even a campaign shows: the one set, else the derived one within `LIMITS.breakEvenDeals`
 * (a brief saved before the derived figure was bounded shows none rather than millions). The Campaigns
 * page and the Insights' payback read it here: Insights said "Behind: 0 of 2,500,000" for a brief whose
 * campaign showed no break-even.
 */
export function shownBreakEvenDeals(economics: {
  budget: number;
  avgDealValue: number;
  grossMarginPct: number;
  breakEvenDeals: number | null;
}): number | null {
  if (economics.breakEvenDeals !== null) return economics.breakEvenDeals;
  const derived = deriveBreakEvenDeals(economics);
  return derived !== null && derived <= LIMITS.breakEvenDeals ? derived : null;
}
