import { computed, signal } from '@preact/signals';
import { formatLocale, verdictLabel } from '../../../lib/i18n';
import { type DashboardKey, td, tdCount } from '../../../lib/i18n/dashboard';
import { formatMoney, formatPercent } from '../../../lib/i18n/formats';
import {
  GOOD_FIT_VERDICTS,
  type Insights as InsightsAnswer,
  LIMITS,
  VERDICTS,
  type Verdict,
} from '../../../lib/protocol';
import { api, figuresFor } from '../api';
import { type Filters, filtersFromSearch, keepAddress, query } from '../filters-model';
import type { Bar, WeekMix } from '../insight-charts';
import { InsightsAnswer as InsightsSchema, WorkspacePatched } from '../schemas';
import { me } from '../state';

export type Insights = InsightsAnswer;
type Payback = Insights['payback'][number];

/** The Insights page: the answer for the filters, or why there is none. */
export function createInsightsModel(search = globalThis.location?.search ?? '') {
  const filters = signal<Filters>(filtersFromSearch(search));
  /** null until the first answer. */
  const answer = signal<Insights | null>(null);
  const problem = signal<string | null>(null);
  const refresh = figuresFor(
    () => query(filters.value),
    (asked) => api('GET', `/api/v1/insights${asked}`, InsightsSchema),
    answer,
    problem,
  );
  /** The CSV export of every chart, or of one. */
  const csv = (insight?: string) => `/api/v1/insights.csv${query(filters.value, insight ? { insight } : {})}`;
  /** The address holds the filters: a reload, Back or a shared link shows the same figures. */
  const followAddress = () =>
    keepAddress(
      '/insights',
      () => query(filters.value),
      (moved) => {
        filters.value = filtersFromSearch(moved);
      },
    );
  return { filters, answer, problem, refresh, csv, followAddress };
}
export type InsightsModel = ReturnType<typeof createInsightsModel>;

/** The tire-kicker threshold: admins set it (in whole percent), marketers see it. */
export function createThresholdModel(threshold: number, onSaved: () => Promise<void>) {
  const value = signal(String(Math.round(threshold * 100)));
  const problem = signal<string | null>(null);
  const canEdit = computed(() => me.value?.member.role === 'admin');
  async function save(): Promise<void> {
    // An empty box is not 0 %: that would flag every campaign with a single tire-kicker.
    const percent = value.value.trim() === '' ? Number.NaN : Number(value.value);
    if (!Number.isFinite(percent)) {
      problem.value = td('thresholdInvalid');
      return;
    }
    const answer = await api('PATCH', '/api/v1/workspace', WorkspacePatched, {
      tireKickerThreshold: percent / 100,
    });
    problem.value = answer.ok ? null : answer.message;
    if (answer.ok) await onSaved();
  }
  return { value, problem, canEdit, save };
}

/** A share (0.25) as a whole percentage, as the reader writes one ("25%", "25 %"); a dash for none. */
export const percent = (rate: number | null) => (rate === null ? '–' : formatPercent(rate));

export function money(amount: number | null, currency: string | null): string {
  if (amount === null || currency === null) return '–';
  return formatMoney(amount, currency);
}

/** The heat-map band of a good-fit rate: 0 (under 20 %) to 4 (80 % and more). */
export const heatBand = (rate: number) => Math.min(4, Math.floor(rate * 5));

/** The verdicts a good fit counts, as a list in the reader's language ("good fit, won and lost"). */
export const goodFitWords = () =>
  new Intl.ListFormat(formatLocale(), { type: 'conjunction' }).format(
    GOOD_FIT_VERDICTS.map((v) => verdictLabel(v).toLowerCase()),
  );

export const nameOf = (data: Insights, id: string | null) =>
  id === null
    ? td('feedbackUnmatched')
    : (data.campaigns.find((c) => c.id === id)?.name ?? td('insightsUnknownCampaign'));

/** A day (`YYYY-MM-DD`) in the reader's language: "30 Nov", "30 nov"; with its year when asked. */
export const dateText = (iso: string | null, withYear = false) =>
  iso
    ? new Date(`${iso}T00:00:00Z`).toLocaleDateString(formatLocale(), {
        day: 'numeric',
        month: 'short',
        ...(withYear ? { year: 'numeric' as const } : {}),
        timeZone: 'UTC',
      })
    : '';

const BREAK_EVEN_LABELS: Record<Payback['breakEven']['status'], DashboardKey> = {
  reached: 'breakEvenReached',
  on_track: 'breakEvenOnTrack',
  behind: 'breakEvenBehind',
  not_started: 'breakEvenNotStarted',
  unknown: 'breakEvenUnknown',
};

/** Break-even in words: never "9 of 2". */
export function breakEvenWords(p: Payback): { label: string; sentence: string } {
  const { status, needed, won, projected, endsOn } = p.breakEven;
  const sales = (n: number) => tdCount(n, 'salesOne', 'salesOther');
  const label = td(BREAK_EVEN_LABELS[status]);
  switch (status) {
    case 'reached':
      return { label, sentence: td('breakEvenReachedSentence', sales(won), needed ?? 0) };
    case 'on_track':
    case 'behind':
      return {
        label,
        sentence: td('breakEvenPaceSentence', won, sales(needed ?? 0), projected ?? won, dateText(endsOn)),
      };
    case 'not_started':
      return { label, sentence: td('breakEvenNotStartedSentence', sales(needed ?? 0)) };
    default:
      return {
        label,
        sentence:
          needed === null
            ? p.breakEven.tooMany
              ? td('breakEvenTooMany', LIMITS.breakEvenDeals.toLocaleString(formatLocale()))
              : td('breakEvenNoFigures')
            : td('breakEvenNoDatesSentence', won, sales(needed)),
      };
  }
}

/** The channels chart: good-fit rate per channel (as ranked), and won deals, most first. */
export function channelBars(data: Insights): { rate: Bar[]; won: Bar[]; maxWon: number } {
  const small = (n: number) => n < data.smallSample;
  const byWon = [...data.channels].sort((a, b) => b.won - a.won || a.channel.localeCompare(b.channel));
  return {
    rate: data.channels.map((c) => ({
      key: c.channel,
      label: c.channel,
      value: c.goodFitRate ?? 0,
      text: td('insightsRateBar', percent(c.goodFitRate), c.goodFit, c.leads),
      small: small(c.leads),
    })),
    won: byWon.map((c) => ({
      key: c.channel,
      label: c.channel,
      value: c.won,
      text: td('insightsWonBar', c.won, money(c.costPerWon, c.currency)),
      small: small(c.leads),
    })),
    maxWon: Math.max(1, ...data.channels.map((c) => c.won)),
  };
}

export interface HeatCell {
  region: string | null;
  /** Absent: no lead of this campaign in this region. */
  rate: number | null;
  goodFit: number;
  leads: number;
  band: number;
  small: boolean;
}

/** The heat map: regions as columns (no region last), one row per campaign. */
export function heatMap(data: Insights): {
  regions: Array<string | null>;
  rows: Array<{ campaignId: string | null; name: string; cells: HeatCell[] }>;
} {
  const regions = [...new Set(data.heatMap.map((c) => c.region))].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a.localeCompare(b),
  );
  const campaigns = [...new Set(data.heatMap.map((c) => c.campaignId))];
  return {
    regions,
    rows: campaigns.map((campaignId) => ({
      campaignId,
      name: nameOf(data, campaignId),
      cells: regions.map((region) => {
        const c = data.heatMap.find((h) => h.campaignId === campaignId && h.region === region);
        const rate = c && c.leads > 0 ? c.goodFit / c.leads : null;
        return {
          region,
          rate,
          goodFit: c?.goodFit ?? 0,
          leads: c?.leads ?? 0,
          band: rate === null ? 0 : heatBand(rate),
          small: Boolean(c) && (c?.leads ?? 0) < data.smallSample,
        };
      }),
    })),
  };
}

export interface TireKickerRow {
  key: string;
  name: string;
  tireKickers: number;
  leads: number;
  share: number | null;
  flagged: boolean;
  small: boolean;
}

/** Campaigns with leads, then channels: their tire-kicker share, flagged above the threshold. */
export function tireKickerRows(data: Insights): { rows: TireKickerRow[]; max: number } {
  const rows = [
    ...data.payback
      .filter((p) => p.leads > 0)
      .map((p) => ({ key: p.campaignId, name: nameOf(data, p.campaignId), ...p })),
    ...data.channels.map((c) => ({
      key: `channel:${c.channel}`,
      name: td('insightsChannelSuffix', c.channel),
      ...c,
    })),
  ].map((row) => ({
    key: row.key,
    name: row.name,
    tireKickers: row.tireKickers,
    leads: row.leads,
    share: row.tireKickerShare,
    flagged: row.flagged,
    small: row.leads < data.smallSample,
  }));
  const max = Math.max(data.tireKickerThreshold, ...rows.map((r) => r.share ?? 0), 0.1);
  return { rows, max };
}

/** Won deals per rep over every campaign in the filters, most first. */
type SellerTotal = {
  memberId: string;
  name: string;
  removed?: true;
  leads: number;
  goodFit: number;
  won: number;
};

export function sellerTotals(data: Insights): SellerTotal[] {
  const reps = new Map<string, SellerTotal>();
  for (const s of data.sellers ?? []) {
    const rep = reps.get(s.memberId) ?? {
      memberId: s.memberId,
      name: s.name,
      ...(s.removed ? { removed: true as const } : {}),
      leads: 0,
      goodFit: 0,
      won: 0,
    };
    rep.leads += s.leads;
    rep.goodFit += s.goodFit;
    rep.won += s.won;
    reps.set(s.memberId, rep);
  }
  return [...reps.values()].sort((a, b) => b.won - a.won || a.name.localeCompare(b.name));
}

/** The weekly verdict mix of one campaign ('' for all, 'unmatched' for none), oldest week first. */
export function trendWeeks(
  data: Insights,
  campaign: string,
): { weeks: WeekMix[]; present: Verdict[]; options: Array<{ id: string; name: string }> } {
  const weeks: WeekMix[] = [];
  for (const t of data.trend) {
    if (campaign && (t.campaignId ?? 'unmatched') !== campaign) continue;
    let week = weeks.find((w) => w.week === t.week);
    if (!week) {
      week = { week: t.week, counts: {} };
      weeks.push(week);
    }
    week.counts[t.verdict] = (week.counts[t.verdict] ?? 0) + t.leads;
  }
  weeks.sort((a, b) => a.week.localeCompare(b.week));
  const present = VERDICTS.filter((v) => weeks.some((w) => w.counts[v]));
  const options = [...new Set(data.trend.map((t) => t.campaignId ?? 'unmatched'))].map((id) => ({
    id,
    name: nameOf(data, id === 'unmatched' ? null : id),
  }));
  return { weeks, present, options };
}
