import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { verdictLabel } from '../../../lib/i18n';
import { type DashboardKey, td, tdCount } from '../../../lib/i18n/dashboard';
import { CsvLink } from '../csv-link';
import { FilterForm } from '../filters';
import { Bars, Chart, Progress, Swatch, VerdictLegend, WeeklyColumns } from '../insight-charts';
import { Problem } from '../problem';
import { useModel, useRefresh } from '../use-model';
import {
  breakEvenWords,
  channelBars,
  createInsightsModel,
  createThresholdModel,
  dateText,
  goodFitWords,
  heatMap,
  type Insights as InsightsData,
  money,
  nameOf,
  percent,
  sellerTotals,
  tireKickerRows,
  trendWeeks,
} from './insights-model';

export function Insights() {
  const model = useModel(() => createInsightsModel());
  useRefresh(model.filters.value, model.refresh);
  useEffect(() => model.followAddress(), [model]);
  const data = model.answer.value;
  return (
    <main class="page">
      <div class="page__head">
        <h1>{td('insightsTitle')}</h1>
        <CsvLink href={model.csv()} label={td('exportInsightsCsv')} fallbackName="sameroom-insights.csv" />
      </div>
      <FilterForm filters={model.filters} />
      <Problem message={model.problem.value} />
      {data === null ? (
        model.problem.value ? null : (
          <p role="status">{td('insightsLoading')}</p>
        )
      ) : (
        <>
          <p class="muted">
            {tdCount(data.leads, 'insightsIntroLeadsOne', 'insightsIntroLeads')}
            {data.unmatched > 0 && td('insightsIntroUnmatched', data.unmatched)}.{' '}
            {td('insightsIntroRest', goodFitWords(), data.smallSample)}
          </p>
          <Channels data={data} csv={model.csv('channels')} />
          <HeatMap data={data} csv={model.csv('heat_map')} />
          <TireKickers data={data} csv={model.csv('campaigns')} onSaved={model.refresh} />
          <BreakEven data={data} csv={model.csv('campaigns')} />
          <Sellers data={data} csv={model.csv('sellers')} />
          <Trend data={data} csv={model.csv('trend')} />
        </>
      )}
    </main>
  );
}

interface Part {
  data: InsightsData;
  csv: string;
}

/** A table's head: one column header for each dashboard text, in order. */
function ColumnHeads({ keys }: { keys: DashboardKey[] }) {
  return (
    <thead>
      <tr>
        {keys.map((key) => (
          <th scope="col" key={key}>
            {td(key)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

const smallMark = (leads: number, data: InsightsData) =>
  leads < data.smallSample ? ` (${td('smallSample')})` : '';

function Channels({ data, csv }: Part) {
  const bars = channelBars(data);
  const table = (
    <table class="table">
      <caption>{td('channelsCaption')}</caption>
      <ColumnHeads
        keys={['colChannel', 'colLeads', 'colGoodFit', 'colWon', 'colSpend', 'colPerGoodFit', 'colPerWon']}
      />
      <tbody>
        {data.channels.map((c) => (
          <tr key={c.channel}>
            <th scope="row">{c.channel}</th>
            <td>
              {c.leads}
              {smallMark(c.leads, data)}
            </td>
            <td>
              {c.goodFit} ({percent(c.goodFitRate)})
            </td>
            <td>{c.won}</td>
            <td>{c.currency ? money(c.spend, c.currency) : td('mixedCurrencies')}</td>
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
      title={td('channelsTitle')}
      csv={csv}
      table={table}
      legend={
        <>
          <Swatch class="bar">{td('channelsLegend')}</Swatch>
          <Swatch class="bar bar--small">{td('legendSmallSampleUnder', data.smallSample)}</Swatch>
        </>
      }
      empty={data.channels.length === 0 ? td('channelsEmpty') : null}
    >
      <div class="chart__pair">
        <Bars max={1} bars={bars.rate} />
        <Bars max={bars.maxWon} bars={bars.won} />
      </div>
    </Chart>
  );
}

/** The heat map's bands (heatBand), as the reader writes a range of percentages. */
const heatBands = () =>
  [
    [0, 0.19],
    [0.2, 0.39],
    [0.4, 0.59],
    [0.6, 0.79],
    [0.8, 1],
  ].map(([from, to]) => `${percent(from!)}–${percent(to!)}`);

function HeatMap({ data, csv }: Part) {
  const map = heatMap(data);
  return (
    <section class="chart" aria-labelledby="heat-title">
      <div class="chart__head">
        <h2 id="heat-title">{td('heatTitle')}</h2>
        <CsvLink href={csv} label={td('csv')} fallbackName="sameroom-insights.csv" />
      </div>
      <div class="legend">
        {heatBands().map((band, index) => (
          <Swatch key={band} class={`heat--${index}`}>
            {td('heatBand', band)}
          </Swatch>
        ))}
        <Swatch class="heat--small">* {td('smallSample')}</Swatch>
      </div>
      {map.rows.length === 0 ? (
        <p>{td('heatEmpty')}</p>
      ) : (
        <div class="scroll">
          <table class="table heat">
            <caption>{td('heatCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{td('colCampaign')}</th>
                {map.regions.map((r) => (
                  <th scope="col" key={r ?? ''}>
                    {r ?? td('noRegionTitle')}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {map.rows.map((row) => (
                <tr key={row.campaignId ?? ''}>
                  <th scope="row">{row.name}</th>
                  {row.cells.map((c) =>
                    c.rate === null ? (
                      <td key={c.region ?? ''} class="muted">
                        –
                      </td>
                    ) : (
                      <td key={c.region ?? ''} class={`heat--${c.band}${c.small ? ' heat--small' : ''}`}>
                        {percent(c.rate)}{' '}
                        <span class="heat__count">
                          {c.goodFit}/{c.leads}
                          {c.small && <abbr title={td('smallSample')}>*</abbr>}
                        </span>
                      </td>
                    ),
                  )}
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
  const { rows, max } = tireKickerRows(data);
  const table = (
    <table class="table">
      <caption>{td('tireCaption', percent(data.tireKickerThreshold))}</caption>
      <ColumnHeads keys={['colCampaignOrChannel', 'colTireKickers', 'colLeads', 'colShare', 'colFlag']} />
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.name}</th>
            <td>{row.tireKickers}</td>
            <td>
              {row.leads}
              {smallMark(row.leads, data)}
            </td>
            <td>{percent(row.share)}</td>
            <td>{row.flagged ? td('tireAbove') : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Chart
      id="tire-kickers"
      title={td('tireTitle')}
      csv={csv}
      table={table}
      legend={
        <>
          <Swatch class="bar">{td('tireLegendShare')}</Swatch>
          <Swatch class="bar bar--flagged">{td('tireLegendAbove')}</Swatch>
          <Swatch class="bar bar--small">{td('smallSample')}</Swatch>
          <ThresholdSetting
            // Not keyed on the threshold: a save then remounted it, and the keyboard's focus fell to the page.
            threshold={data.tireKickerThreshold}
            onSaved={onSaved}
          />
        </>
      }
    >
      <Bars
        max={max}
        threshold={data.tireKickerThreshold}
        bars={rows.map((row) => ({
          key: row.key,
          label: row.name,
          value: row.share ?? 0,
          text: td('insightsRateBar', percent(row.share), row.tireKickers, row.leads),
          small: row.small,
          flagged: row.flagged,
        }))}
      />
    </Chart>
  );
}

/** A rep's name, said to be a removed member's where it is (the name may since be a current member's). */
const sellerName = (seller: { name: string; removed?: true }) =>
  seller.removed ? td('repRemoved', seller.name) : seller.name;

/** Admins set the threshold; marketers see it. */
function ThresholdSetting(props: { threshold: number; onSaved: () => Promise<void> }) {
  const model = useModel(() => createThresholdModel(props.threshold, props.onSaved));
  if (!model.canEdit.value)
    return <span class="legend__item">{td('thresholdShown', percent(props.threshold))}</span>;
  return (
    <form
      class="legend__item threshold-form"
      onSubmit={(event) => {
        event.preventDefault();
        void model.save();
      }}
    >
      <label>
        {td('thresholdFlagAbove')}{' '}
        <input
          type="number"
          min={0}
          max={100}
          step={1}
          value={model.value.value}
          onInput={(e) => {
            model.value.value = (e.currentTarget as HTMLInputElement).value;
          }}
        />{' '}
        %
      </label>
      <button type="submit" class="button button--secondary">
        {td('save')}
      </button>
      <Problem inline message={model.problem.value} />
    </form>
  );
}

function BreakEven({ data, csv }: Part) {
  return (
    <section class="chart" aria-labelledby="payback-title">
      <div class="chart__head">
        <h2 id="payback-title">{td('paybackTitle')}</h2>
        <CsvLink href={csv} label={td('csv')} fallbackName="sameroom-insights.csv" />
      </div>
      <div class="legend">
        <Swatch class="progress--reached">{td('paybackLegendReached')}</Swatch>
        <Swatch class="progress--on_track">{td('paybackLegendOnTrack')}</Swatch>
        <Swatch class="progress--behind">{td('paybackLegendBehind')}</Swatch>
        <Swatch class="progress__projected">{td('paybackLegendProjected')}</Swatch>
        <Swatch class="progress__needed-swatch">{td('paybackLegendNeeded')}</Swatch>
      </div>
      <div class="scroll">
        <table class="table">
          <caption>{td('paybackCaption')}</caption>
          <ColumnHeads
            keys={['colCampaign', 'colBreakEven', 'colProgress', 'colSpend', 'colPerGoodFit', 'colPerWon']}
          />
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
                    <span class="muted">({td('paybackGoodFitToDate', p.goodFitToDate)})</span>
                  </td>
                  <td>
                    {money(p.costPerWon, p.currency)}{' '}
                    <span class="muted">({td('paybackWonToDate', p.wonToDate)})</span>
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
        <h2 id="sellers-title">{td('sellersTitle')}</h2>
        <p>{td('sellersHidden')}</p>
      </section>
    );
  }
  const totals = sellerTotals(data);
  const table = (
    <table class="table">
      <caption>{td('sellersCaption')}</caption>
      <ColumnHeads keys={['colRep', 'colCampaign', 'colLeadsJudged', 'colGoodFit', 'colWon']} />
      <tbody>
        {data.sellers.map((s) => (
          <tr key={`${s.memberId}:${s.campaignId}`}>
            <th scope="row">{sellerName(s)}</th>
            <td>{nameOf(data, s.campaignId)}</td>
            <td>
              {s.leads}
              {smallMark(s.leads, data)}
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
      title={td('sellersTitle')}
      csv={csv}
      table={table}
      legend={
        <>
          <Swatch class="bar">{td('sellersLegend')}</Swatch>
          <Swatch class="bar bar--small">{td('smallSample')}</Swatch>
        </>
      }
    >
      <Bars
        max={Math.max(1, ...totals.map((r) => r.won))}
        bars={totals.map((r) => ({
          key: r.memberId,
          label: sellerName(r),
          value: r.won,
          text: td('sellersBar', r.won, r.goodFit, r.leads),
          small: r.leads < data.smallSample,
        }))}
      />
    </Chart>
  );
}

function Trend({ data, csv }: Part) {
  const campaign = useSignal('');
  const { weeks, present, options } = trendWeeks(data, campaign.value);
  // Weeks of more than one year (a From filter a year back): each with its year, or two are "6 Jan".
  const years = new Set(weeks.map((w) => w.week.slice(0, 4))).size > 1;
  const table = (
    <table class="table">
      <caption>{td('trendCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{td('colWeekOf')}</th>
          {present.map((v) => (
            <th scope="col" key={v}>
              {verdictLabel(v)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((w) => (
          <tr key={w.week}>
            <th scope="row">{dateText(w.week, years)}</th>
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
      title={td('trendTitle')}
      csv={csv}
      table={table}
      legend={
        <>
          <label class="legend__item">
            {td('colCampaign')}{' '}
            <select
              value={campaign.value}
              onChange={(e) => {
                campaign.value = (e.currentTarget as HTMLSelectElement).value;
              }}
            >
              <option value="">{td('trendAllCampaigns')}</option>
              {options.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          </label>
          <VerdictLegend verdicts={present} />
          {!data.filter.from && (
            <span class="legend__item muted">
              {td('trendWeeksTo', data.filter.to ? dateText(data.filter.to) : td('trendToday'))}
            </span>
          )}
        </>
      }
      empty={weeks.length === 0 ? td('trendEmpty') : null}
    >
      <WeeklyColumns weeks={weeks} />
    </Chart>
  );
}
