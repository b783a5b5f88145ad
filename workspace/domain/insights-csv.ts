import type { Insights } from '../../lib/protocol';
import { type CsvDialect, csvCell, csvSeparator } from './csv';

export const INSIGHT_NAMES = ['channels', 'campaigns', 'heat_map', 'sellers', 'trend'] as const;
export type InsightName = (typeof INSIGHT_NAMES)[number];

const COLUMNS = [
  'insight',
  'campaign',
  'channel',
  'region',
  'rep',
  'week',
  'verdict',
  'leads',
  'good_fit',
  'good_fit_rate',
  'won',
  'tire_kickers',
  'tire_kicker_share',
  'flagged',
  'small_sample',
  'currency',
  'spend_to_date',
  'good_fit_to_date',
  'won_to_date',
  'cost_per_good_fit',
  'cost_per_won',
  'break_even',
  'break_even_needed',
  'break_even_projected',
  'ends_on',
] as const;
type Line = Partial<Record<(typeof COLUMNS)[number], string | number | boolean | null>>;

/** A rate or share to three decimals, as a number (written with the dialect's decimal mark). */
const share = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/**
 * What the Insights page shows as one spreadsheet table: one row per bar, cell or point, the
 * `insight` column saying which chart it belongs to, names instead of ids. `only` keeps one chart.
 */
/** The columns a channel and a campaign share: counts beside rates, and what a result cost. */
function outcomeColumns(
  c: {
    leads: number;
    goodFit: number;
    goodFitRate: number | null;
    won: number;
    tireKickers: number;
    tireKickerShare: number | null;
    flagged: boolean;
    currency: string | null;
    spend: number | null;
    goodFitToDate: number;
    wonToDate: number;
    costPerGoodFit: number | null;
    costPerWon: number | null;
  },
  smallSample: number,
) {
  return {
    leads: c.leads,
    good_fit: c.goodFit,
    good_fit_rate: share(c.goodFitRate),
    won: c.won,
    tire_kickers: c.tireKickers,
    tire_kicker_share: share(c.tireKickerShare),
    flagged: c.flagged,
    small_sample: c.leads < smallSample,
    currency: c.currency,
    spend_to_date: c.spend,
    good_fit_to_date: c.goodFitToDate,
    won_to_date: c.wonToDate,
    cost_per_good_fit: c.costPerGoodFit,
    cost_per_won: c.costPerWon,
  };
}

export function insightsCsv(insights: Insights, only?: InsightName, dialect: CsvDialect = 'comma'): string {
  const name = new Map(insights.campaigns.map((c) => [c.id, c.name]));
  const campaign = (id: string | null) => (id === null ? 'Unmatched' : (name.get(id) ?? id));
  const small = (leads: number) => leads < insights.smallSample;
  const lines: Line[] = [];
  const want = (insight: InsightName) => !only || only === insight;
  if (want('channels')) {
    for (const c of insights.channels) {
      lines.push({
        insight: 'channels',
        channel: c.channel,
        ...outcomeColumns(c, insights.smallSample),
      });
    }
  }
  if (want('campaigns')) {
    for (const c of insights.payback) {
      lines.push({
        insight: 'campaigns',
        campaign: campaign(c.campaignId),
        channel: insights.campaigns.find((x) => x.id === c.campaignId)?.channel ?? null,
        ...outcomeColumns(c, insights.smallSample),
        break_even: c.breakEven.status,
        break_even_needed: c.breakEven.needed,
        break_even_projected: c.breakEven.projected,
        ends_on: c.breakEven.endsOn,
      });
    }
  }
  if (want('heat_map')) {
    for (const c of insights.heatMap) {
      lines.push({
        insight: 'heat_map',
        campaign: campaign(c.campaignId),
        region: c.region ?? 'No region',
        leads: c.leads,
        good_fit: c.goodFit,
        good_fit_rate: share(c.leads ? c.goodFit / c.leads : null),
        small_sample: small(c.leads),
      });
    }
  }
  if (want('sellers')) {
    for (const s of insights.sellers ?? []) {
      lines.push({
        insight: 'sellers',
        campaign: campaign(s.campaignId),
        // A removed rep's name may since be a current member's: told apart.
        rep: s.removed ? `${s.name} (removed)` : s.name,
        leads: s.leads,
        good_fit: s.goodFit,
        won: s.won,
        small_sample: small(s.leads),
      });
    }
  }
  if (want('trend')) {
    for (const t of insights.trend) {
      lines.push({
        insight: 'trend',
        campaign: campaign(t.campaignId),
        week: t.week,
        verdict: t.verdict,
        leads: t.leads,
      });
    }
  }
  const separator = csvSeparator(dialect);
  const rows = [COLUMNS.join(separator)];
  for (const line of lines) {
    rows.push(
      COLUMNS.map((column) => {
        const value = line[column];
        return csvCell(typeof value === 'boolean' ? (value ? 'yes' : 'no') : value, dialect);
      }).join(separator),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}
