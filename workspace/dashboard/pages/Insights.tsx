import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import {
  GOOD_FIT_VERDICTS,
  type Insights as InsightsAnswer,
  responses,
  VERDICTS,
  type Verdict,
} from '../../../lib/protocol';
import { api } from '../api';
import { VERDICT_LABELS } from '../charts';
import { FilterForm, type Filters, NO_FILTERS, query } from '../filters';
import {
  Bars,
  Chart,
  heatBand,
  money,
  Progress,
  percent,
  Swatch,
  VerdictLegend,
  WeeklyColumns,
  type WeekMix,
} from '../insight-charts';
import { me } from '../state';

type Payback = InsightsAnswer['payback'][number];

const GOOD_FIT_WORDS = GOOD_FIT_VERDICTS.map((v) => VERDICT_LABELS[v].toLowerCase()).join(', ');
const dateText = (iso: string | null) =>
  iso
    ? new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, {
        day: 'numeric',
        month: 'short',
        timeZone: 'UTC',
      })
    : '';

/** Break-even in words: never "9 of 2". */
function breakEvenWords(p: Payback): { label: string; sentence: string } {
  const { status, needed, won, projected, endsOn } = p.breakEven;
  const sales = (n: number) => `${n} ${n === 1 ? 'sale' : 'sales'}`;
  switch (status) {
    case 'reached':
      return { label: 'Reached', sentence: `${sales(won)} won; ${needed} needed to pay for itself.` };
    case 'on_track':
      return {
        label: 'On track',
        sentence: `${won} of ${sales(needed ?? 0)} needed; at this pace ${projected} by ${dateText(endsOn)}.`,
      };
    case 'behind':
      return {
        label: 'Behind',
        sentence: `${won} of ${sales(needed ?? 0)} needed; at this pace ${projected ?? won} by ${dateText(endsOn)}.`,
      };
    case 'not_started':
      return { label: 'Not started', sentence: `${sales(needed ?? 0)} needed; no pace yet.` };
    default:
      return {
        label: 'Unknown',
        sentence:
          needed === null
            ? 'No deal value or margin in the brief: break-even cannot be said.'
            : `${won} of ${sales(needed)} needed; no start and end dates to project a pace.`,
      };
  }
}

export function Insights() {
  const filters = useSignal<Filters>(NO_FILTERS);
  const answer = useSignal<InsightsAnswer | null>(null);
  const problem = useSignal<string | null>(null);

  async function refresh() {
    const got = await api('GET', `/api/v1/insights${query(filters.value)}`);
    if (!got.ok) {
      problem.value = got.message;
      return;
    }
    const read = responses.Insights.safeParse(got.data);
    if (read.success) {
      answer.value = read.data;
      problem.value = null;
    } else problem.value = 'The workspace sent insights this dashboard cannot read.';
  }
  useEffect(() => {
    void refresh();
  }, [filters.value]);

  const csv = (insight?: string) => `/api/v1/insights.csv${query(filters.value, insight ? { insight } : {})}`;
  const data = answer.value;
  return (
    <main class="page">
      <div class="page__head">
        <h1>Insights</h1>
        <a class="button button--secondary" href={csv()} download>
          Export CSV
        </a>
      </div>
      <FilterForm filters={filters} />
      {problem.value && (
        <p role="alert" class="error">
          {problem.value}
        </p>
      )}
      {data === null ? (
        <p role="status">Loading insights…</p>
      ) : (
        <>
          <p class="muted">
            {data.leads} leads, each counted once by its latest verdict in these filters
            {data.unmatched > 0 && ` (${data.unmatched} matched no campaign)`}. Good fit: {GOOD_FIT_WORDS}.
            Rates over fewer than {data.smallSample} leads are marked small sample. Costs and break-even use
            each campaign's whole spend and every sale to date, whatever the filters.
          </p>
          <Channels data={data} csv={csv('channels')} />
          <HeatMap data={data} csv={csv('heat_map')} />
          <TireKickers data={data} csv={csv('campaigns')} onSaved={refresh} />
          <BreakEven data={data} csv={csv('campaigns')} />
          <Sellers data={data} csv={csv('sellers')} />
          <Trend data={data} csv={csv('trend')} />
        </>
      )}
    </main>
  );
}

interface Part {
  data: InsightsAnswer;
  csv: string;
}

const nameOf = (data: InsightsAnswer, id: string | null) =>
  id === null ? 'Unmatched' : (data.campaigns.find((c) => c.id === id)?.name ?? 'Unknown campaign');

function Channels({ data, csv }: Part) {
  const small = (n: number) => n < data.smallSample;
  const byWon = [...data.channels].sort((a, b) => b.won - a.won || a.channel.localeCompare(b.channel));
  const maxWon = Math.max(1, ...data.channels.map((c) => c.won));
  const table = (
    <table class="table">
      <caption>Channels, ranked by good-fit rate</caption>
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col">Leads</th>
          <th scope="col">Good fit</th>
          <th scope="col">Won</th>
          <th scope="col">Spend to date</th>
          <th scope="col">Per good-fit lead</th>
          <th scope="col">Per won deal</th>
        </tr>
      </thead>
      <tbody>
        {data.channels.map((c) => (
          <tr key={c.channel}>
            <th scope="row">{c.channel}</th>
            <td>
              {c.leads}
              {small(c.leads) && ' (small sample)'}
            </td>
            <td>
              {c.goodFit} ({percent(c.goodFitRate)})
            </td>
            <td>{c.won}</td>
            <td>{c.currency ? money(c.spend, c.currency) : 'mixed currencies'}</td>
            <td>{money(c.costPerGoodFit, c.currency)}</td>
            <td>{money(c.costPerWon, c.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Chart
      id="channels"
      title="Which channel brings our kind of people"
      csv={csv}
      table={table}
      legend={
        <>
          <Swatch class="bar">good-fit rate (left) · won deals (right)</Swatch>
          <Swatch class="bar bar--small">fewer than {data.smallSample} leads: small sample</Swatch>
        </>
      }
    >
      {data.channels.length === 0 ? (
        <p>No campaigns in these filters.</p>
      ) : (
        <div class="chart__pair">
          <Bars
            max={1}
            bars={data.channels.map((c) => ({
              key: c.channel,
              label: c.channel,
              value: c.goodFitRate ?? 0,
              text: `${percent(c.goodFitRate)} · ${c.goodFit} of ${c.leads}`,
              small: small(c.leads),
            }))}
          />
          <Bars
            max={maxWon}
            bars={byWon.map((c) => ({
              key: c.channel,
              label: c.channel,
              value: c.won,
              text: `${c.won} won · ${money(c.costPerWon, c.currency)} each`,
              small: small(c.leads),
            }))}
          />
        </div>
      )}
    </Chart>
  );
}

function HeatMap({ data, csv }: Part) {
  const regions = [...new Set(data.heatMap.map((c) => c.region))].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a.localeCompare(b),
  );
  const campaigns = [...new Set(data.heatMap.map((c) => c.campaignId))];
  const cell = (campaign: string | null, region: string | null) =>
    data.heatMap.find((c) => c.campaignId === campaign && c.region === region);
  return (
    <section class="chart" aria-labelledby="heat-title">
      <div class="chart__head">
        <h2 id="heat-title">Which campaign worked in which region</h2>
        <a class="button button--secondary" href={csv} download>
          CSV
        </a>
      </div>
      <div class="legend">
        {['0–19 %', '20–39 %', '40–59 %', '60–79 %', '80–100 %'].map((label, band) => (
          <Swatch key={label} class={`heat--${band}`}>
            {label} good fit
          </Swatch>
        ))}
        <Swatch class="heat--small">* small sample</Swatch>
      </div>
      {campaigns.length === 0 ? (
        <p>No leads in these filters.</p>
      ) : (
        <div class="scroll">
          <table class="table heat">
            <caption>Good-fit rate by campaign and region, with good fits of leads judged</caption>
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                {regions.map((r) => (
                  <th scope="col" key={r ?? ''}>
                    {r ?? 'No region'}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {campaigns.map((campaign) => (
                <tr key={campaign ?? ''}>
                  <th scope="row">{nameOf(data, campaign)}</th>
                  {regions.map((region) => {
                    const c = cell(campaign, region);
                    if (!c)
                      return (
                        <td key={region ?? ''} class="muted">
                          –
                        </td>
                      );
                    const small = c.leads < data.smallSample;
                    return (
                      <td
                        key={region ?? ''}
                        class={`heat--${heatBand(c.goodFit / c.leads)}${small ? ' heat--small' : ''}`}
                      >
                        {percent(c.goodFit / c.leads)}{' '}
                        <span class="heat__count">
                          {c.goodFit}/{c.leads}
                          {small && <abbr title="small sample">*</abbr>}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TireKickers({ data, csv, onSaved }: Part & { onSaved: () => Promise<void> }) {
  const small = (n: number) => n < data.smallSample;
  const shown = data.payback.filter((p) => p.leads > 0);
  const max = Math.max(data.tireKickerThreshold, ...shown.map((p) => p.tireKickerShare ?? 0), 0.1);
  const table = (
    <table class="table">
      <caption>Tire-kicker share, flagged above {percent(data.tireKickerThreshold)}</caption>
      <thead>
        <tr>
          <th scope="col">Campaign or channel</th>
          <th scope="col">Tire-kickers</th>
          <th scope="col">Leads</th>
          <th scope="col">Share</th>
          <th scope="col">Flag</th>
        </tr>
      </thead>
      <tbody>
        {[
          ...shown.map((p) => ({ key: p.campaignId, name: nameOf(data, p.campaignId), ...p })),
          ...data.channels.map((c) => ({
            key: `channel:${c.channel}`,
            name: `${c.channel} (channel)`,
            ...c,
          })),
        ].map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.name}</th>
            <td>{row.tireKickers}</td>
            <td>
              {row.leads}
              {small(row.leads) && ' (small sample)'}
            </td>
            <td>{percent(row.tireKickerShare)}</td>
            <td>{row.flagged ? 'Above threshold' : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Chart
      id="tire-kickers"
      title="Where the tire-kickers come from"
      csv={csv}
      table={table}
      legend={
        <>
          <Swatch class="bar">share of leads judged tire-kickers</Swatch>
          <Swatch class="bar bar--flagged">above the threshold</Swatch>
          <Swatch class="bar bar--small">small sample</Swatch>
          <ThresholdSetting threshold={data.tireKickerThreshold} onSaved={onSaved} />
        </>
      }
    >
      <Bars
        max={max}
        threshold={data.tireKickerThreshold}
        bars={[
          ...shown.map((p) => ({ key: p.campaignId, label: nameOf(data, p.campaignId), ...p })),
          ...data.channels.map((c) => ({
            key: `channel:${c.channel}`,
            label: `${c.channel} (channel)`,
            ...c,
          })),
        ].map((row) => ({
          key: row.key,
          label: row.label,
          value: row.tireKickerShare ?? 0,
          text: `${percent(row.tireKickerShare)} · ${row.tireKickers} of ${row.leads}`,
          small: small(row.leads),
          flagged: row.flagged,
        }))}
      />
    </Chart>
  );
}

/** Admins set the threshold; marketers see it. */
function ThresholdSetting(props: { threshold: number; onSaved: () => Promise<void> }) {
  const value = useSignal(String(Math.round(props.threshold * 100)));
  const problem = useSignal<string | null>(null);
  if (me.value?.member.role !== 'admin')
    return <span class="legend__item">Threshold: {percent(props.threshold)}</span>;
  async function save(event: Event) {
    event.preventDefault();
    const answer = await api('PATCH', '/api/v1/workspace', {
      tireKickerThreshold: Number(value.value) / 100,
    });
    problem.value = answer.ok ? null : answer.message;
    if (answer.ok) await props.onSaved();
  }
  return (
    <form class="legend__item threshold-form" onSubmit={save}>
      <label>
        Flag above{' '}
        <input
          type="number"
          min={0}
          max={100}
          step={1}
          value={value.value}
          onInput={(e) => {
            value.value = (e.currentTarget as HTMLInputElement).value;
          }}
        />{' '}
        %
      </label>
      <button type="submit" class="button button--secondary">
        Save
      </button>
      {problem.value && (
        <span role="alert" class="error">
          {problem.value}
        </span>
      )}
    </form>
  );
}

function BreakEven({ data, csv }: Part) {
  return (
    <section class="chart" aria-labelledby="payback-title">
      <div class="chart__head">
        <h2 id="payback-title">Which campaigns have paid for themselves</h2>
        <a class="button button--secondary" href={csv} download>
          CSV
        </a>
      </div>
      <div class="legend">
        <Swatch class="progress--reached">reached</Swatch>
        <Swatch class="progress--on_track">on track</Swatch>
        <Swatch class="progress--behind">behind</Swatch>
        <Swatch class="progress__projected">projected by the end date at this pace</Swatch>
        <Swatch class="progress__needed-swatch">sales needed</Swatch>
      </div>
      <div class="scroll">
        <table class="table">
          <caption>
            Break-even per campaign: sales won to date against sales needed, and costs to date
          </caption>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Break-even</th>
              <th scope="col">Progress</th>
              <th scope="col">Spend to date</th>
              <th scope="col">Per good-fit lead</th>
              <th scope="col">Per won deal</th>
            </tr>
          </thead>
          <tbody>
            {data.payback.map((p) => {
              const words = breakEvenWords(p);
              return (
                <tr key={p.campaignId}>
                  <th scope="row">{nameOf(data, p.campaignId)}</th>
                  <td>
                    <strong class={`status status--${p.breakEven.status}`}>{words.label}</strong>{' '}
                    {words.sentence}
                  </td>
                  <td>
                    <Progress {...p.breakEven} />
                  </td>
                  <td>{money(p.spend, p.currency)}</td>
                  <td>
                    {money(p.costPerGoodFit, p.currency)}{' '}
                    <span class="muted">({p.goodFitToDate} good fit)</span>
                  </td>
                  <td>
                    {money(p.costPerWon, p.currency)} <span class="muted">({p.wonToDate} won)</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Sellers({ data, csv }: Part) {
  if (data.sellers === null) {
    return (
      <section class="chart" aria-labelledby="sellers-title">
        <h2 id="sellers-title">Who sells each campaign well</h2>
        <p>This workspace does not name sellers. An admin can turn naming on in the workspace settings.</p>
      </section>
    );
  }
  const reps = new Map<string, { name: string; leads: number; goodFit: number; won: number }>();
  for (const s of data.sellers) {
    const rep = reps.get(s.memberId) ?? { name: s.name, leads: 0, goodFit: 0, won: 0 };
    rep.leads += s.leads;
    rep.goodFit += s.goodFit;
    rep.won += s.won;
    reps.set(s.memberId, rep);
  }
  const totals = [...reps.entries()].sort(([, a], [, b]) => b.won - a.won || a.name.localeCompare(b.name));
  const table = (
    <table class="table">
      <caption>Reps × campaign: leads judged, good fit, won</caption>
      <thead>
        <tr>
          <th scope="col">Rep</th>
          <th scope="col">Campaign</th>
          <th scope="col">Leads judged</th>
          <th scope="col">Good fit</th>
          <th scope="col">Won</th>
        </tr>
      </thead>
      <tbody>
        {data.sellers.map((s) => (
          <tr key={`${s.memberId}:${s.campaignId}`}>
            <th scope="row">{s.name}</th>
            <td>{nameOf(data, s.campaignId)}</td>
            <td>
              {s.leads}
              {s.leads < data.smallSample && ' (small sample)'}
            </td>
            <td>
              {s.goodFit} ({percent(s.leads ? s.goodFit / s.leads : null)})
            </td>
            <td>{s.won}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Chart
      id="sellers"
      title="Who sells each campaign well"
      csv={csv}
      table={table}
      legend={
        <>
          <Swatch class="bar">
            won deals per rep, all campaigns in the filters (the table splits them by campaign)
          </Swatch>
          <Swatch class="bar bar--small">small sample</Swatch>
        </>
      }
    >
      <Bars
        max={Math.max(1, ...totals.map(([, r]) => r.won))}
        bars={totals.map(([id, r]) => ({
          key: id,
          label: r.name,
          value: r.won,
          text: `${r.won} won · ${r.goodFit} good fit of ${r.leads}`,
          small: r.leads < data.smallSample,
        }))}
      />
    </Chart>
  );
}

function Trend({ data, csv }: Part) {
  const campaign = useSignal('');
  const picked = data.trend.filter(
    (t) => !campaign.value || (t.campaignId ?? 'unmatched') === campaign.value,
  );
  const weeks: WeekMix[] = [];
  for (const t of picked) {
    let week = weeks.find((w) => w.week === t.week);
    if (!week) {
      week = { week: t.week, counts: {} };
      weeks.push(week);
    }
    week.counts[t.verdict] = (week.counts[t.verdict] ?? 0) + t.leads;
  }
  weeks.sort((a, b) => a.week.localeCompare(b.week));
  const present: Verdict[] = VERDICTS.filter((v) => weeks.some((w) => w.counts[v]));
  const options = [...new Set(data.trend.map((t) => t.campaignId ?? 'unmatched'))];
  const table = (
    <table class="table">
      <caption>Leads by the week of their latest verdict (weeks start on Monday)</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          {present.map((v) => (
            <th scope="col" key={v}>
              {VERDICT_LABELS[v]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((w) => (
          <tr key={w.week}>
            <th scope="row">{w.week}</th>
            {present.map((v) => (
              <td key={v}>{w.counts[v] ?? 0}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Chart
      id="trend"
      title="Weekly verdict mix"
      csv={csv}
      table={table}
      legend={
        <>
          <label class="legend__item">
            Campaign{' '}
            <select
              value={campaign.value}
              onChange={(e) => {
                campaign.value = (e.currentTarget as HTMLSelectElement).value;
              }}
            >
              <option value="">All campaigns</option>
              {options.map((id) => (
                <option key={id} value={id}>
                  {nameOf(data, id === 'unmatched' ? null : id)}
                </option>
              ))}
            </select>
          </label>
          <VerdictLegend verdicts={present} />
          {!data.filter.from && (
            <span class="legend__item muted">the 12 weeks to {data.filter.to ?? 'today'}</span>
          )}
        </>
      }
    >
      {weeks.length === 0 ? <p>No verdicts in these weeks.</p> : <WeeklyColumns weeks={weeks} />}
    </Chart>
  );
}
