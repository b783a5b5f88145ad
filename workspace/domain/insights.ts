import {
  type BriefInput,
  type BriefStatus,
  deriveBreakEvenDeals,
  GOOD_FIT_VERDICTS,
  type Insights,
  SMALL_SAMPLE,
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

const GOOD_FIT = `verdict IN (${GOOD_FIT_VERDICTS.map((v) => `'${v}'`).join(', ')})`;
/** Over leads `l` with `n` (how many leads a row stands for: 1 per lead, more in the rollup). */
const COUNTS = `coalesce(sum(n), 0)::int AS leads,
  coalesce(sum(n) FILTER (WHERE ${GOOD_FIT}), 0)::int AS good_fit,
  coalesce(sum(n) FILTER (WHERE verdict = 'won'), 0)::int AS won,
  coalesce(sum(n) FILTER (WHERE verdict = 'tire_kicker'), 0)::int AS tire_kickers`;

function isFiltered(filter: InsightFilter): boolean {
  return Boolean(filter.from || filter.to || filter.region || filter.channel || filter.rep);
}

/** Where an insight reads its leads from: a query with its parameters. */
interface Leads {
  sql: string;
  params: unknown[];
}

/**
 * The leads in the filters, each once, by its latest verdict there: `l(lead_key, campaign_id, verdict,
 * region, member_id, created_at, n = 1)`. Unfiltered it is the rollup ingest keeps, with no scan of
 * feedback. Filtered it is one scan of insight_facts (migration 006), no sort by lead: a verdict is its
 * lead's latest within the filters when it is in them and the lead's next verdict with the same values
 * of the filtered attributes (region, channel, rep: the pointer named after them) came after the
 * period's end, or never.
 */
export function latest(filter: InsightFilter): Leads {
  if (!isFiltered(filter)) {
    return {
      sql: `SELECT lead_key, nullif(campaign_key, '')::uuid AS campaign_id, verdict, nullif(region, '') AS region,
                   member_id, created_at, 1 AS n FROM lead_latest`,
      params: [],
    };
  }
  const conditions = addPeriodFilter(new Conditions(), filter);
  const same = `${filter.region ? 'r' : ''}${filter.channel ? 'c' : ''}${filter.rep ? 'p' : ''}`;
  const next = `f.next_${same || 'any'}`;
  if (filter.to) conditions.add(`(${next} IS NULL OR ${next} >= ?::date + interval '1 day')`, filter.to);
  else conditions.clauses.push(`${next} IS NULL`);
  return {
    sql: `SELECT f.lead_key, f.campaign_id, f.verdict, f.region, f.member_id, f.created_at, 1 AS n
            FROM insight_facts f ${conditions.where()}`,
    params: conditions.params,
  };
}

/**
 * The same leads counted by campaign, region and verdict: `l(campaign_id, region, verdict, n)`.
 * Unfiltered that is the `verdict_counts` rollup, a few hundred rows however much feedback there is.
 */
function counted(filter: InsightFilter): Leads {
  if (isFiltered(filter)) return latest(filter);
  return {
    sql: `SELECT nullif(campaign_key, '')::uuid AS campaign_id, nullif(region, '') AS region, verdict, leads AS n
            FROM verdict_counts WHERE leads > 0`,
    params: [],
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
        AND (status <> 'draft' OR EXISTS (SELECT 1 FROM lead_latest l WHERE l.campaign_key = b.id::text))
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

/** How many leads the filters hold, and how many of them no campaign matched. */
export async function leadTotals(
  sql: Sql,
  filter: InsightFilter,
  leads = counted(filter),
): Promise<{ leads: number; unmatched: number }> {
  const l = leads;
  const [row] = await sql.query<Row>(
    `SELECT coalesce(sum(n), 0)::int AS leads, coalesce(sum(n) FILTER (WHERE campaign_id IS NULL), 0)::int AS unmatched
       FROM (${l.sql}) l`,
    l.params,
  );
  return { leads: int(row?.leads), unmatched: int(row?.unmatched) };
}

/**
 * Channels with their good-fit rate and won deals in the filters, their tire-kicker share (flagged
 * above the threshold), and what a good-fit lead and a won deal cost to date.
 */
export async function channelRanking(
  sql: Sql,
  filter: InsightFilter,
  threshold: number,
  leads = counted(filter),
): Promise<Insights['channels']> {
  const l = leads;
  const rows = await sql.query<Row & { channel: string }>(
    `SELECT b.data->>'channel' AS channel, ${COUNTS}
         FROM (${l.sql}) l JOIN briefs b ON b.id = l.campaign_id
        GROUP BY 1 ORDER BY 1`,
    l.params,
  );
  const campaigns = await loadCampaigns(sql, filter);
  const toDate = await countsToDate(sql);
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
  const needed =
    economics.breakEvenDeals === null ? deriveBreakEvenDeals(economics) : economics.breakEvenDeals;
  const { startsOn, endsOn } = dates;
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  let projected: number | null = null;
  if (startsOn && endsOn && today >= startsOn) {
    // Days counted inclusively: a campaign on its first day has run one day.
    const elapsed = Math.min(day(today), day(endsOn)) - day(startsOn) + 1;
    const total = day(endsOn) - day(startsOn) + 1;
    projected = Math.floor((won / elapsed) * total);
  }
  const base = { needed, won, projected, endsOn };
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
  leads = counted(filter),
): Promise<Insights['payback']> {
  const l = leads;
  const rows = await sql.query<Row & { campaign_id: string }>(
    `SELECT campaign_id, ${COUNTS} FROM (${l.sql}) l WHERE campaign_id IS NOT NULL GROUP BY campaign_id ORDER BY campaign_id`,
    l.params,
  );
  const campaigns = await loadCampaigns(sql, filter);
  const toDate = await countsToDate(sql);
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

/** Campaign × region: leads and good fits in the filters (region null: none given). */
export async function regionHeatMap(
  sql: Sql,
  filter: InsightFilter,
  leads = counted(filter),
): Promise<Insights['heatMap']> {
  const l = leads;
  const rows = await sql.query<Row & { campaign_id: string | null; region: string | null }>(
    `SELECT campaign_id, region, ${COUNTS} FROM (${l.sql}) l GROUP BY campaign_id, region
      ORDER BY campaign_id NULLS LAST, region NULLS LAST`,
    l.params,
  );
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    region: r.region,
    leads: int(r.leads),
    goodFit: int(r.good_fit),
  }));
}

/** Reps × campaign: leads judged, good fits and won deals in the filters; null when sellers go unnamed. */
export async function sellersByCampaign(
  sql: Sql,
  filter: InsightFilter,
  showSellers: boolean,
  leads = latest(filter),
): Promise<Insights['sellers']> {
  if (!showSellers) return null;
  const l = leads;
  const rows = await sql.query<Row & { member_id: string; name: string; campaign_id: string | null }>(
    `SELECT c.member_id, m.name, c.campaign_id, c.leads, c.good_fit, c.won FROM (
       SELECT member_id, campaign_id, ${COUNTS} FROM (${l.sql}) l GROUP BY member_id, campaign_id) c
       JOIN members m ON m.id = c.member_id
      ORDER BY c.won DESC, c.good_fit DESC, m.name, c.member_id, c.campaign_id NULLS LAST`,
    l.params,
  );
  return rows.map((r) => ({
    memberId: r.member_id,
    name: r.name,
    campaignId: r.campaign_id,
    leads: int(r.leads),
    goodFit: int(r.good_fit),
    won: int(r.won),
  }));
}

/**
 * Weekly verdict mix per campaign: the same leads, each in the week (Monday, UTC) of its latest verdict
 * in the filters, so the weeks add up to the totals. Without `from`, the 12 weeks up to `to` or today.
 */
export async function weeklyTrend(
  sql: Sql,
  filter: InsightFilter,
  today: string,
  leads = latest(filter),
): Promise<Insights['trend']> {
  const l = leads;
  const params = [...l.params];
  let since = '';
  if (!filter.from) {
    params.push(filter.to ?? today);
    since = `WHERE l.created_at >= date_trunc('week', $${params.length}::date - 77)::date::timestamptz`;
  }
  const rows = await sql.query<{ campaign_id: string | null; week: string; verdict: Verdict; leads: number }>(
    `SELECT campaign_id, to_char(date_trunc('week', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
            verdict, sum(n)::int AS leads
       FROM (${l.sql}) l ${since}
      GROUP BY 1, 2, 3 ORDER BY 2, 1, 3`,
    params,
  );
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    week: r.week,
    verdict: r.verdict,
    leads: int(r.leads),
  }));
}

/**
 * Runs insight queries in one transaction tuned for them: sorts of a few hundred thousand leads in
 * memory rather than on disk, and no JIT compilation, which costs more than it saves on queries this
 * short.
 */
export function withInsightSettings<T>(db: Database, work: (sql: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (sql) => {
    await sql.query("SET LOCAL work_mem = '64MB'");
    await sql.query('SET LOCAL jit = off');
    return work(sql);
  });
}

/**
 * Every insight for the filters, in one answer; `today` (YYYY-MM-DD, UTC) is there for tests. Filtered,
 * the leads are picked once into a temporary table that every insight reads, instead of six times.
 */
export async function insights(
  db: Database,
  filter: InsightFilter,
  today = new Date().toISOString().slice(0, 10),
): Promise<Insights> {
  return withInsightSettings(db, async (sql) => {
    let leads: Leads | undefined;
    if (isFiltered(filter)) {
      const picked = latest(filter);
      await sql.query(
        `CREATE TEMPORARY TABLE insight_leads (lead_key text, campaign_id uuid, verdict text, region text,
                                               member_id uuid, created_at timestamptz, n int) ON COMMIT DROP`,
      );
      await sql.query(`INSERT INTO insight_leads ${picked.sql}`, picked.params);
      leads = { sql: 'SELECT * FROM insight_leads', params: [] };
    }
    // One after another: a transaction's connection answers one query at a time.
    const workspace = await loadWorkspace(sql);
    const threshold = await tireKickerThreshold(sql);
    const campaigns = await loadCampaigns(sql, filter);
    const totals = await leadTotals(sql, filter, leads);
    const channels = await channelRanking(sql, filter, threshold, leads);
    const payback = await campaignPayback(sql, filter, threshold, today, leads);
    const heatMap = await regionHeatMap(sql, filter, leads);
    const sellers = await sellersByCampaign(sql, filter, workspace.showSellers, leads);
    const trend = await weeklyTrend(sql, filter, today, leads);
    const shown = Object.fromEntries(Object.entries(filter).filter(([, value]) => value));
    return {
      filter: shown,
      asOf: new Date().toISOString(),
      smallSample: SMALL_SAMPLE,
      tireKickerThreshold: threshold,
      ...totals,
      campaigns: campaigns.map((c) => ({
        id: c.id,
        name: c.data.name,
        channel: c.data.channel,
        status: c.status,
      })),
      channels,
      payback,
      heatMap,
      sellers,
      trend,
    };
  });
}
