import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { verdictLabel } from '../../lib/i18n';
import { td } from '../../lib/i18n/dashboard';
import { VERDICTS, type Verdict } from '../../lib/protocol';
import { CsvLink } from './csv-link';
import { percent } from './pages/insights-model';

/*
 * Small SVG charts for Insights (issue 15), written here rather than taken from a charting library:
 * they need bars, a grid and stacked columns, and each comes with its own table; a library would
 * weigh more than the whole dashboard and set inline styles. Colours come from dashboard.css classes.
 */

const clip = (text: string, max = 26) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A chart, its legend, the table behind it (always there for screen readers; shown on request), a CSV. */
export function Chart(props: {
  id: string;
  title: string;
  legend: ComponentChildren;
  csv?: string;
  table: ComponentChildren;
  /** Said instead of the chart when there is nothing to draw: read by everyone, not hidden with it. */
  empty?: string | null;
  children?: ComponentChildren;
}) {
  const shown = useSignal(false);
  return (
    <section class="chart" aria-labelledby={`${props.id}-title`}>
      <div class="chart__head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <button
          type="button"
          class="button button--secondary"
          aria-expanded={shown.value}
          aria-controls={`${props.id}-table`}
          onClick={() => {
            shown.value = !shown.value;
          }}
        >
          {shown.value ? td('chartHideTable') : td('chartShowTable')}
        </button>
        {props.csv && <CsvLink href={props.csv} label={td('csv')} fallbackName="sameroom-insights.csv" />}
      </div>
      <div class="legend">{props.legend}</div>
      {props.empty ? (
        <p>{props.empty}</p>
      ) : (
        <div aria-hidden="true" class="chart__body">
          {props.children}
        </div>
      )}
      <div id={`${props.id}-table`} class={shown.value ? 'scroll' : 'visually-hidden'}>
        {props.table}
      </div>
    </section>
  );
}

export function Swatch(props: { class: string; children: ComponentChildren }) {
  return (
    <span class="legend__item">
      <span class={`swatch ${props.class}`} />
      {props.children}
    </span>
  );
}

export interface Bar {
  key: string;
  label: string;
  /** Between 0 and `max`. */
  value: number;
  /** Written after the bar: the count beside the rate. */
  text: string;
  small?: boolean;
  flagged?: boolean;
}

const ROW = 26;
const LABEL = 190;
const TRACK = 300;

/** Horizontal bars, one per row, with an optional threshold line (a share, 0 to max). */
export function Bars(props: { bars: Bar[]; max: number; threshold?: number }) {
  const scale = (value: number) => (props.max > 0 ? (Math.min(value, props.max) / props.max) * TRACK : 0);
  const height = Math.max(1, props.bars.length) * ROW + (props.threshold === undefined ? 4 : 18);
  return (
    <svg class="bars" viewBox={`0 0 680 ${height}`} width="100%" role="presentation">
      {props.bars.map((bar, row) => {
        const y = row * ROW + 4;
        const tone = bar.flagged ? 'bar bar--flagged' : 'bar';
        return (
          <g key={bar.key}>
            <text x={0} y={y + 15} class="bars__label">
              {clip(bar.label)}
            </text>
            <rect x={LABEL} y={y} width={TRACK} height={18} class="bar__track" />
            <rect
              x={LABEL}
              y={y}
              width={scale(bar.value)}
              height={18}
              class={bar.small ? `${tone} bar--small` : tone}
            />
            <text x={LABEL + TRACK + 8} y={y + 15}>
              {bar.text}
              {bar.small ? ` · ${td('smallSample')}` : ''}
              {bar.flagged ? ` · ${td('chartFlagged')}` : ''}
            </text>
          </g>
        );
      })}
      {props.threshold !== undefined && (
        <g>
          <line
            x1={LABEL + scale(props.threshold)}
            x2={LABEL + scale(props.threshold)}
            y1={0}
            y2={height - 14}
            class="threshold"
          />
          <text x={LABEL + scale(props.threshold)} y={height - 2} class="threshold__label">
            {td('chartThreshold', percent(props.threshold))}
          </text>
        </g>
      )}
    </svg>
  );
}

/** Progress to break-even: won over needed, the projection as a tick. */
export function Progress(props: {
  won: number;
  needed: number | null;
  projected: number | null;
  status: string;
}) {
  if (props.needed === null) return null;
  const width = 140;
  const top = Math.max(props.needed, props.won, props.projected ?? 0, 1);
  const x = (n: number) => (n / top) * width;
  return (
    <svg viewBox={`0 0 ${width + 2} 14`} width={width + 2} height={14} aria-hidden="true" class="progress">
      <rect x={1} y={3} width={width} height={8} class="bar__track" />
      <rect x={1} y={3} width={x(props.won)} height={8} class={`progress__won progress--${props.status}`} />
      <line x1={1 + x(props.needed)} x2={1 + x(props.needed)} y1={0} y2={14} class="progress__needed" />
      {props.projected !== null && props.projected > props.won && (
        <rect
          x={1 + x(props.won)}
          y={5}
          width={x(props.projected) - x(props.won)}
          height={4}
          class="progress__projected"
        />
      )}
    </svg>
  );
}

export interface WeekMix {
  week: string;
  counts: Partial<Record<Verdict, number>>;
}

/** Stacked columns: one per week, verdicts stacked in their usual order and colours. */
export function WeeklyColumns(props: { weeks: WeekMix[] }) {
  const total = (w: WeekMix) => Object.values(w.counts).reduce((a, b) => a + (b ?? 0), 0);
  const max = Math.max(1, ...props.weeks.map(total));
  const column = 34;
  const plot = 160;
  const width = Math.max(200, props.weeks.length * (column + 8) + 40);
  return (
    <svg class="columns" viewBox={`0 0 ${width} ${plot + 34}`} width="100%" role="presentation">
      <text x={0} y={10}>
        {max}
      </text>
      <line x1={30} x2={width} y1={plot + 4} y2={plot + 4} class="axis" />
      {props.weeks.map((w, i) => {
        const x = 36 + i * (column + 8);
        let top = plot + 4;
        return (
          <g key={w.week}>
            {VERDICTS.map((verdict) => {
              const n = w.counts[verdict] ?? 0;
              if (n === 0) return null;
              const h = (n / max) * plot;
              top -= h;
              return (
                <rect key={verdict} x={x} y={top} width={column} height={h} class={`verdict--${verdict}`} />
              );
            })}
            <text x={x + column / 2} y={plot + 18} class="columns__week">
              {w.week.slice(5)}
            </text>
            <text x={x + column / 2} y={plot + 31} class="columns__week">
              {total(w)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function VerdictLegend(props: { verdicts: Verdict[] }) {
  return (
    <>
      {props.verdicts.map((v) => (
        <Swatch key={v} class={`verdict--${v}`}>
          {verdictLabel(v)}
        </Swatch>
      ))}
    </>
  );
}
