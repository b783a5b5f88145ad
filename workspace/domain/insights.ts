import {
  type BriefInput,
  type BriefStatus,
  deriveBreakEvenDeals,
  GOOD_FIT_VERDICTS,
  type Insights,
  SMALL_SAMPLE,
  shownBreakEvenDeals,
  type Verdict,
} from '../../lib/protocol';
import type { Database, Sql } from '../db/database';
import { addPeriodFilter, Conditions, type PeriodFilter } from './feedback-filter';
import { loadWorkspace } from './workspace';

/**
 * The Insights page (issue 15): the questions sales and marketing ask, answered from the verdicts.
 *
 * Every count takes each lead once, by its latest verdict **within the filters**, exactly as the
 * feedback matrix does, so both pages agree on the same filters. "Latest within the period" means the
 * last verdict given between `from` and `to` (inclusive), in that region, on that channel's campaigns,
 * by that rep: a lead judged a good fit in March and won in May counts as a good fit for March alone
 * and as won for the year. Unfiltered, that is the `lead_latest` rollup, read as it is.
 *
 * Money is different: a campaign's spend is only known to date and whole, so costs and break-even use
 * every lead a campaign has had (the rollup), not the filtered counts; the channel filter still picks
 * which campaigns are shown. When no filter is set the two agree.
 */

export type InsightFilter = PeriodFilter;
type Row = Record<string, unknown>;
type Param = (value: unknown) => string;

const GOOD_FIT = `verdict IN (${GOOD_FIT_VERDICTS.map((v) => `'${v}'`).join(', ')})`;
/** Over leads `l` with `n` (how many leads a row stands for: 1 per lead, more in the rollup). */
const COUNTS = `coalesce(sum(n), 0)::int AS leads,
  coalesce(sum(n) FILTER (WHERE ${GOOD_FIT}), 0)::int AS good_fit,
  coalesce(sum(n) FILTER (WHERE verdict = 'won'), 0)::int AS won,
  coalesce(sum(n) FILTER (WHERE verdict = 'tire_kicker'), 0)::int AS tire_kickers`;
/** A verdict's week: its Monday, UTC, as insight_counts keeps it (migration 009). */
const WEEK = "date_trunc('week', f.created_at AT TIME ZONE 'UTC')::date";

function isFiltered(filter: InsightFilter): boolean {
  return Boolean(filter.from || filter.to || filter.region || filter.channel || filter.rep);
}

/**
 * Where an insight reads its leads from: a query with its parameters, giving rows
 * `l(campaign_id, region, member_id, verdict, week, n)`, `n` leads each.
 */
export interface Leads {
  sql: string;
  params: unknown[];
}

/**
 * The leads in the filters, each once, by its latest verdict there: `l(lead_key, campaign_id, verdict,
 * region, member_id, created_at, week, n = 1)`. Unfiltered it is the lead_latest rollup. Filtered it is
 * one scan of insight_facts (migration 006), no sort by lead: a verdict is its lead's latest within the
 * filters when it is in them and the lead's next verdict with the same values of the filtered
 * attributes (region, channel, rep: the pointer named after them) came after the period's end, or never.
 * The page reads counts instead (`countedLeads`); this is the row per lead they are counted from, which
 * test/workspace/insight-facts.test.ts holds to the definition.
 */
export function latest(filter: InsightFilter): Leads {
  if (!isFiltered(filter)) {
    return {
      sql: `SELECT f.lead_key, nullif(f.campaign_key, '')::uuid AS campaign_id, f.verdict, nullif(f.region, '') AS region,
                   f.member_id, f.created_at, ${WEEK} AS week, 1 AS n FROM lead_latest f`,
      params: [],
    };
  }
  const conditions = addPeriodFilter(new Conditions(), filter);
  const next = `f.${pointerOf(filter)}`;
  if (filter.to) conditions.add(`(${next} IS NULL OR ${next} >= ?::date + interval '1 day')`, filter.to);
  else conditions.clauses.push(`${next} IS NULL`);
  return {
    sql: `SELECT f.lead_key, f.campaign_id, f.verdict, f.region, f.member_id, f.created_at, ${WEEK} AS week, 1 AS n
            FROM insight_facts f ${conditions.where()}`,
    params: conditions.params,
  };
}

/** The one filter attribute set, as insight_counts names its scope ('a' for none); null for several. */
function scopeOf(filter: InsightFilter): 'a' | 'r' | 'c' | 'p' | null {
  const set = [filter.region && 'r', filter.channel && 'c', filter.rep && 'p'].filter((s) => s) as Array<
    'r' | 'c' | 'p'
  >;
  if (set.length > 1) return null;
  return set[0] ?? 'a';
}

/**
 * Whether the period runs to the latest verdict or beyond (no `to`, or `to` on or after the day of the
 * newest verdict): then no verdict has a next one after the period's end, and a verdict is its lead's
 * latest within the filters exactly when its pointer is empty, as insight_counts counts them.
 */
async function runsToLatest(sql: Sql, filter: InsightFilter): Promise<boolean> {
  if (!filter.to) return true;
  const [row] = await sql.query<{ beyond: boolean | null }>(
    "SELECT max(created_at) < $1::date + interval '1 day' AS beyond FROM insight_facts",
    [filter.to],
  );
  return row?.beyond !== false;
}

/** The pointer of insight_facts and insight_days for the filtered attributes (region, channel, rep). */
function pointerOf(filter: InsightFilter): string {
  const same = `${filter.region ? 'r' : ''}${filter.channel ? 'c' : ''}${filter.rep ? 'p' : ''}`;
  return `next_${same || 'any'}`;
}

/**
 * The leads in the filters, counted by day from insight_days (migration 011): the rows of the period's
 * days in the region, channel and rep, whose pointer for the filtered attributes is after the period's
 * last day ('infinity' when there is no next verdict), as `latest` picks the facts. `before` ends the
 * period on the day before a Monday instead, when insight_counts has the weeks from there.
 */
function dailyLeads(filter: InsightFilter, param: Param, before?: string): string {
  const where: string[] = [];
  if (filter.from) where.push(`d.day >= ${param(filter.from)}::date`);
  if (before) where.push(`d.day < ${before}`);
  if (filter.to) where.push(`d.day <= ${param(filter.to)}::date`);
  if (filter.region) where.push(`d.region = ${param(filter.region)}`);
  if (filter.channel)
    where.push(
      `d.campaign_key IN (SELECT b.id::text FROM briefs b WHERE b.data->>'channel' = ${param(filter.channel)})`,
    );
  if (filter.rep) where.push(`d.member_id = ${param(filter.rep)}::uuid`);
  const next = `d.${pointerOf(filter)}`;
  where.push(filter.to ? `${next} > ${param(filter.to)}::date` : `${next} = 'infinity'`);
  return `SELECT nullif(d.campaign_key, '')::uuid AS campaign_id, nullif(d.region, '') AS region, d.member_id, d.verdict,
                 date_trunc('week', d.day::timestamp)::date AS week, d.verdicts AS n
            FROM insight_days d WHERE ${where.join(' AND ')} AND d.verdicts <> 0`;
}

/**
 * The leads in the filters, counted: from insight_counts (migration 009) when the filters name at most
 * one of region, channel and rep and the period runs to the latest verdict, a few thousand rows however
 * much feedback there is (a period's first days up to its first Monday from insight_days, the counts
 * being by week); otherwise from insight_days (migration 011), the period's days.
 */
export async function countedLeads(sql: Sql, filter: InsightFilter): Promise<Leads> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const scope = scopeOf(filter);
  if (scope === null || !(await runsToLatest(sql, filter))) return { sql: dailyLeads(filter, param), params };
  let key = "c.filter_key = ''";
  if (scope === 'r') key = `c.filter_key = ${param(filter.region)}`;
  else if (scope === 'c')
    key = `c.filter_key IN (SELECT b.id::text FROM briefs b WHERE b.data->>'channel' = ${param(filter.channel)})`;
  else if (scope === 'p') key = `c.filter_key = ${param(filter.rep)}::uuid::text`;
  const counts = `SELECT nullif(c.campaign_key, '')::uuid AS campaign_id, nullif(c.region, '') AS region, c.member_id,
                         c.verdict, c.week, c.leads AS n
                    FROM insight_counts c WHERE c.scope = '${scope}' AND ${key} AND c.leads <> 0`;
  if (!filter.from) return { sql: counts, params };
  const from = param(filter.from);
  if (new Date(`${filter.from}T00:00:00Z`).getUTCDay() === 1)
    return { sql: `${counts} AND c.week >= ${from}::date`, params };
  // The counts from the first Monday (UTC) after `from`; the days before it from insight_days.
  const monday = `date_trunc('week', (${from}::date + 6)::timestamp)::date`;
  return {
    sql: `${counts} AND c.week >= ${monday} UNION ALL ${dailyLeads({ ...filter, to: undefined }, param, monday)}`,
    params,
  };
}

const int = (value: unknown) => Number(value ?? 0);
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const per = (spend: number | null, count: number) =>
  spend === null || count === 0 ? null : Math.round((spend / count) * 100) / 100;

interface CampaignRow {
  id: string;
  status: BriefStatus;
  data: BriefInput;
}

/** Non-draft campaigns (drafts too when they have leads), in the channel filter. */
async function loadCampaigns(sql: Sql, filter: InsightFilter): Promise<CampaignRow[]> {
  return sql.query<CampaignRow>(
    `SELECT id, status, data FROM briefs b
      WHERE ($1::text IS NULL OR data->>'channel' = $1)
        AND (status <> 'draft' OR EXISTS (SELECT 1 FROM verdict_counts v WHERE v.campaign_key = b.id::text AND v.leads > 0))
      ORDER BY data->>'name', id`,
    [filter.channel ?? null],
  );
}

/** Each campaign's leads to date, all regions and reps: what its whole spend bought. */
async function countsToDate(sql: Sql): Promise<Map<string, { goodFit: number; won: number }>> {
  const rows = await sql.query<{ campaign_key: string; good_fit: number; won: number }>(
    `SELECT campaign_key, (sum(leads) FILTER (WHERE ${GOOD_FIT}))::int AS good_fit,
            (sum(leads) FILTER (WHERE verdict = 'won'))::int AS won
       FROM verdict_counts WHERE campaign_key <> '' GROUP BY campaign_key`,
  );
  return new Map(rows.map((r) => [r.campaign_key, { goodFit: int(r.good_fit), won: int(r.won) }]));
}

function countsOf(row: Row | undefined) {
  return {
    leads: int(row?.leads),
    goodFit: int(row?.good_fit),
    won: int(row?.won),
    tireKickers: int(row?.tire_kickers),
  };
}

export async function tireKickerThreshold(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ threshold: number }>(
    'SELECT tire_kicker_threshold::float8 AS threshold FROM workspace LIMIT 1',
  );
  return Number(row?.threshold ?? 0.3);
}

export async function setTireKickerThreshold(sql: Sql, threshold: number): Promise<void> {
  await sql.query('UPDATE workspace SET tire_kicker_threshold = $1', [threshold]);
}

/** One insight's rows as SQL over the counted leads `l`, and the order they come in. */
interface Shape {
  select: string;
  order: string;
}

const TOTALS: Shape = {
  select: `SELECT coalesce(sum(n), 0)::int AS leads,
                  coalesce(sum(n) FILTER (WHERE campaign_id IS NULL), 0)::int AS unmatched FROM l`,
  order: '',
};
const CHANNELS: Shape = {
  select: `SELECT b.data->>'channel' AS channel, ${COUNTS} FROM l JOIN briefs b ON b.id = l.campaign_id GROUP BY 1`,
  order: 'channel',
};
const CAMPAIGNS: Shape = {
  select: `SELECT campaign_id, ${COUNTS} FROM l WHERE campaign_id IS NOT NULL GROUP BY campaign_id`,
  order: 'campaign_id',
};
const HEAT_MAP: Shape = {
  select: `SELECT campaign_id, region, ${COUNTS} FROM l GROUP BY campaign_id, region`,
  order: 'campaign_id NULLS LAST, region NULLS LAST',
};
const SELLERS: Shape = {
  select: `SELECT c.member_id, m.name, m.removed_at IS NOT NULL AS removed, c.campaign_id, c.leads, c.good_fit, c.won FROM (
             SELECT member_id, campaign_id, ${COUNTS} FROM l GROUP BY member_id, campaign_id) c
             JOIN members m ON m.id = c.member_id`,
  order: 'won DESC, good_fit DESC, name, member_id, campaign_id NULLS LAST',
};
/** Without `from`, the 12 weeks up to `to` or today. */
function trendShape(filter: InsightFilter, today: string, param: Param): Shape {
  const since = filter.from
    ? ''
    : `WHERE week >= date_trunc('week', (${param(filter.to ?? today)}::date - 77)::timestamp)::date`;
  return {
    select: `SELECT campaign_id, to_char(week, 'YYYY-MM-DD') AS week, verdict, sum(n)::int AS leads
               FROM l ${since} GROUP BY campaign_id, l.week, verdict`,
    order: 'week, campaign_id, verdict',
  };
}

/** Parameters after the leads' own, numbered on. */
function paramsAfter(leads: Leads): { params: unknown[]; param: Param } {
  const params = [...leads.params];
  return {
    params,
    param: (value) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

/** One insight's rows: its shape over the leads, in order. */
async function rowsOf<R extends Row>(
  sql: Sql,
  leads: Leads,
  shape: Shape | ((param: Param) => Shape),
): Promise<R[]> {
  const { params, param } = paramsAfter(leads);
  const { select, order } = typeof shape === 'function' ? shape(param) : shape;
  return sql.query<R>(
    `WITH l AS (${leads.sql}) SELECT * FROM (${select}) t ${order ? `ORDER BY ${order}` : ''}`,
    params,
  );
}

function totalsOf(row: Row | undefined): { leads: number; unmatched: number } {
  return { leads: int(row?.leads), unmatched: int(row?.unmatched) };
}

function channelsOf(
  rows: Array<Row & { channel: string }>,
  campaigns: CampaignRow[],
  toDate: Map<string, { goodFit: number; won: number }>,
  threshold: number,
): Insights['channels'] {
  const byChannel = new Map<string, Insights['channels'][number]>();
  const money = new Map<string, { currencies: Set<string>; spend: number; goodFit: number; won: number }>();
  for (const campaign of campaigns) {
    const channel = campaign.data.channel;
    const entry = money.get(channel) ?? { currencies: new Set(), spend: 0, goodFit: 0, won: 0 };
    entry.currencies.add(campaign.data.economics.currency);
    entry.spend += campaign.data.economics.spendToDate;
    entry.goodFit += toDate.get(campaign.id)?.goodFit ?? 0;
    entry.won += toDate.get(campaign.id)?.won ?? 0;
    money.set(channel, entry);
  }
  const channels = new Set([...money.keys(), ...rows.map((r) => r.channel)]);
  for (const channel of channels) {
    const counts = countsOf(rows.find((r) => r.channel === channel));
    const m = money.get(channel);
    const currency = m && m.currencies.size === 1 ? [...m.currencies][0]! : null;
    const spend = currency && m ? m.spend : null;
    const share = rate(counts.tireKickers, counts.leads);
    byChannel.set(channel, {
      channel,
      ...counts,
      goodFitRate: rate(counts.goodFit, counts.leads),
      tireKickerShare: share,
      flagged: share !== null && share > threshold,
      currency,
      spend,
      goodFitToDate: m?.goodFit ?? 0,
      wonToDate: m?.won ?? 0,
      costPerGoodFit: per(spend, m?.goodFit ?? 0),
      costPerWon: per(spend, m?.won ?? 0),
    });
  }
  return [...byChannel.values()].sort(
    (a, b) =>
      (b.goodFitRate ?? -1) - (a.goodFitRate ?? -1) || b.won - a.won || a.channel.localeCompare(b.channel),
  );
}

function paybackOf(
  rows: Array<Row & { campaign_id: string }>,
  campaigns: CampaignRow[],
  toDate: Map<string, { goodFit: number; won: number }>,
  threshold: number,
  today: string,
): Insights['payback'] {
  const byId = new Map(rows.map((r) => [r.campaign_id, r]));
  return campaigns.map((campaign) => {
    const counts = countsOf(byId.get(campaign.id));
    const { economics, startsOn, endsOn } = campaign.data;
    const whole = toDate.get(campaign.id) ?? { goodFit: 0, won: 0 };
    const share = rate(counts.tireKickers, counts.leads);
    return {
      campaignId: campaign.id,
      ...counts,
      goodFitRate: rate(counts.goodFit, counts.leads),
      tireKickerShare: share,
      flagged: share !== null && share > threshold,
      currency: economics.currency,
      spend: economics.spendToDate,
      goodFitToDate: whole.goodFit,
      wonToDate: whole.won,
      costPerGoodFit: per(economics.spendToDate, whole.goodFit),
      costPerWon: per(economics.spendToDate, whole.won),
      breakEven: breakEvenStatus(economics, { startsOn, endsOn }, whole.won, today),
    };
  });
}

function heatMapOf(
  rows: Array<Row & { campaign_id: string | null; region: string | null }>,
): Insights['heatMap'] {
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    region: r.region,
    leads: int(r.leads),
    goodFit: int(r.good_fit),
  }));
}

function sellersOf(
  rows: Array<Row & { member_id: string; name: string; removed?: boolean; campaign_id: string | null }>,
) {
  return rows.map((r) => ({
    memberId: r.member_id,
    name: r.name,
    ...(r.removed ? { removed: true as const } : {}),
    campaignId: r.campaign_id,
    leads: int(r.leads),
    goodFit: int(r.good_fit),
    won: int(r.won),
  }));
}

function trendOf(rows: Array<Row & { campaign_id: string | null; week: string; verdict: Verdict }>) {
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    week: r.week,
    verdict: r.verdict,
    leads: int(r.leads),
  }));
}

/** How many leads the filters hold, and how many of them no campaign matched. */
export async function leadTotals(
  sql: Sql,
  filter: InsightFilter,
  leads?: Leads,
): Promise<{ leads: number; unmatched: number }> {
  const [row] = await rowsOf(sql, leads ?? (await countedLeads(sql, filter)), TOTALS);
  return totalsOf(row);
}

/**
 * Channels with their good-fit rate and won deals in the filters, their tire-kicker share (flagged
 * above the threshold), and what a good-fit lead and a won deal cost to date.
 */
export async function channelRanking(
  sql: Sql,
  filter: InsightFilter,
  threshold: number,
  leads?: Leads,
): Promise<Insights['channels']> {
  const rows = await rowsOf<Row & { channel: string }>(
    sql,
    leads ?? (await countedLeads(sql, filter)),
    CHANNELS,
  );
  return channelsOf(rows, await loadCampaigns(sql, filter), await countsToDate(sql), threshold);
}

/**
 * Whether a campaign has paid for itself: reached when its won deals reach break-even; on track when
 * the pace so far (won ÷ days since it started) projects to reach it by its end date; behind when it
 * does not, or it ended short; not started before its start date; unknown without a break-even.
 */
export function breakEvenStatus(
  economics: BriefInput['economics'],
  dates: { startsOn: string | null; endsOn: string | null },
  won: number,
  today: string,
): Insights['payback'][number]['breakEven'] {
  const needed = shownBreakEvenDeals(economics);
  const { startsOn, endsOn } = dates;
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  let projected: number | null = null;
  if (startsOn && endsOn && today >= startsOn) {
    // Days counted inclusively: a campaign on its first day has run one day.
    const elapsed = Math.min(day(today), day(endsOn)) - day(startsOn) + 1;
    const total = day(endsOn) - day(startsOn) + 1;
    projected = Math.floor((won / elapsed) * total);
  }
  // None shown for figures that derive too many sales: said so, not as figures missing from the brief.
  const tooMany =
    needed === null && economics.breakEvenDeals === null && deriveBreakEvenDeals(economics) !== null;
  const base = { needed, won, projected, endsOn, ...(tooMany ? { tooMany: true as const } : {}) };
  if (needed === null) return { status: 'unknown', ...base };
  if (won >= needed) return { status: 'reached', ...base };
  if (startsOn && today < startsOn) return { status: 'not_started', ...base };
  if (projected === null) return { status: 'unknown', ...base };
  if (endsOn && today <= endsOn && projected >= needed) return { status: 'on_track', ...base };
  return { status: 'behind', ...base };
}

/**
 * Each campaign: its counts in the filters and tire-kicker share (flagged above the threshold), what a
 * good-fit lead and a won deal cost it to date, and its break-even status.
 */
export async function campaignPayback(
  sql: Sql,
  filter: InsightFilter,
  threshold: number,
  today: string,
  leads?: Leads,
): Promise<Insights['payback']> {
  const rows = await rowsOf<Row & { campaign_id: string }>(
    sql,
    leads ?? (await countedLeads(sql, filter)),
    CAMPAIGNS,
  );
  return paybackOf(rows, await loadCampaigns(sql, filter), await countsToDate(sql), threshold, today);
}

/** Campaign × region: leads and good fits in the filters (region null: none given). */
export async function regionHeatMap(
  sql: Sql,
  filter: InsightFilter,
  leads?: Leads,
): Promise<Insights['heatMap']> {
  return heatMapOf(await rowsOf(sql, leads ?? (await countedLeads(sql, filter)), HEAT_MAP));
}

/** Reps × campaign: leads judged, good fits and won deals in the filters; null when sellers go unnamed. */
export async function sellersByCampaign(
  sql: Sql,
  filter: InsightFilter,
  showSellers: boolean,
  leads?: Leads,
): Promise<Insights['sellers']> {
  if (!showSellers) return null;
  return sellersOf(await rowsOf(sql, leads ?? (await countedLeads(sql, filter)), SELLERS));
}

/**
 * Weekly verdict mix per campaign: the same leads, each in the week (Monday, UTC) of its latest verdict
 * in the filters, so the weeks add up to the totals. Without `from`, the 12 weeks up to `to` or today.
 */
export async function weeklyTrend(
  sql: Sql,
  filter: InsightFilter,
  today: string,
  leads?: Leads,
): Promise<Insights['trend']> {
  return trendOf(
    await rowsOf(sql, leads ?? (await countedLeads(sql, filter)), (param) =>
      trendShape(filter, today, param),
    ),
  );
}

/**
 * Runs insight queries in one transaction tuned for them: one snapshot for all of them (repeatable
 * read: whether the period runs to the latest verdict is decided in the snapshot the counts are read
 * in), hashes of a few hundred thousand leads in memory rather than on disk, and no JIT compilation,
 * which costs more than it saves on queries this short.
 */
export function withInsightSettings<T>(db: Database, work: (sql: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (sql) => {
    await sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await sql.query("SET LOCAL work_mem = '64MB'");
    await sql.query('SET LOCAL jit = off');
    await sql.query('SET LOCAL max_parallel_workers_per_gather = 0');
    return work(sql);
  });
}

/** json columns: parsed by node-postgres and PGlite alike, but a string is parsed here to be sure. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * Every insight for the filters, in one answer; `today` (YYYY-MM-DD, UTC) is there for tests. The
 * leads are read once, grouped by campaign, region, rep, verdict and week, and every insight's rows are
 * made from that in the same statement.
 */
export async function insights(
  db: Database,
  filter: InsightFilter,
  today = new Date().toISOString().slice(0, 10),
): Promise<Insights> {
  return withInsightSettings(db, async (sql) => {
    const leads = await countedLeads(sql, filter);
    const { params, param } = paramsAfter(leads);
    const list = ({ select, order }: Shape) =>
      `(SELECT coalesce(json_agg(t ORDER BY ${order}), '[]') FROM (${select}) t)`;
    const [rows] = await sql.query<
      Record<'totals' | 'channels' | 'payback' | 'heat_map' | 'sellers' | 'trend', unknown>
    >(
      `WITH l AS MATERIALIZED (
         SELECT campaign_id, region, member_id, verdict, week, sum(n)::int AS n FROM (${leads.sql}) s
          GROUP BY campaign_id, region, member_id, verdict, week)
       SELECT (SELECT row_to_json(t) FROM (${TOTALS.select}) t) AS totals, ${list(CHANNELS)} AS channels,
              ${list(CAMPAIGNS)} AS payback, ${list(HEAT_MAP)} AS heat_map, ${list(SELLERS)} AS sellers,
              ${list(trendShape(filter, today, param))} AS trend`,
      params,
    );
    const workspace = await loadWorkspace(sql);
    const threshold = await tireKickerThreshold(sql);
    const campaigns = await loadCampaigns(sql, filter);
    const toDate = await countsToDate(sql);
    const shown = Object.fromEntries(Object.entries(filter).filter(([, value]) => value));
    return {
      filter: shown,
      asOf: new Date().toISOString(),
      smallSample: SMALL_SAMPLE,
      tireKickerThreshold: threshold,
      ...totalsOf(json(rows?.totals)),
      campaigns: campaigns.map((c) => ({
        id: c.id,
        name: c.data.name,
        channel: c.data.channel,
        status: c.status,
      })),
      channels: channelsOf(json(rows?.channels), campaigns, toDate, threshold),
      payback: paybackOf(json(rows?.payback), campaigns, toDate, threshold, today),
      heatMap: heatMapOf(json(rows?.heat_map)),
      sellers: workspace.showSellers ? sellersOf(json(rows?.sellers)) : null,
      trend: trendOf(json(rows?.trend)),
    };
  });
}
