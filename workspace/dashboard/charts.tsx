import { useId } from 'preact/hooks';
import { verdictLabel } from '../../lib/i18n';
import { td } from '../../lib/i18n/dashboard';
import { type Stats, VERDICTS } from '../../lib/protocol';

/*
 * The campaigns list's small charts, drawn in SVG with sizes as attributes: no inline styles, so the
 * page needs nothing but its stylesheet.
 */

/** The verdict mix of a campaign as one stacked bar, with the numbers in its accessible name. */
export function VerdictMix(props: { stats: Stats }) {
  const total = props.stats.leads;
  const present = VERDICTS.filter((v) => props.stats.verdicts[v] > 0);
  const summary = present.map((v) => `${verdictLabel(v)} ${props.stats.verdicts[v]}`).join(', ');
  if (total === 0) return <span class="muted">{td('mixNone')}</span>;
  let x = 0;
  return (
    <span
      class="mix-wrap"
      role="img"
      aria-label={td(total === 1 ? 'mixLabelOne' : 'mixLabel', total, summary)}
      title={summary}
    >
      <svg class="mix" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
        {present.map((verdict) => {
          const width = (props.stats.verdicts[verdict] / total) * 100;
          const part = (
            <rect key={verdict} x={x} y={0} width={width} height={10} class={`verdict--${verdict}`} />
          );
          x += width;
          return part;
        })}
      </svg>
    </span>
  );
}

/** "7 of 12 sales needed" with a bar; past it, "Paid for itself: 14 won, 12 needed". */
export function BreakEven(props: { won: number; needed: number | null }) {
  const words = useId();
  if (props.needed === null) return <span class="muted">{td('breakEvenUnknownShort')}</span>;
  const share = props.needed === 0 ? 1 : Math.min(1, props.won / props.needed);
  return (
    <div class="breakeven">
      <div
        class="breakeven__bar"
        role="progressbar"
        aria-labelledby={words}
        aria-valuemin={0}
        aria-valuemax={props.needed}
        aria-valuenow={Math.min(props.won, props.needed)}
      >
        <svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
          <rect x={0} y={0} width={share * 100} height={8} class={share >= 1 ? 'breakeven__done' : ''} />
        </svg>
      </div>
      {/* Past break-even (9 won of 2 needed): said as paid for, not "9 of 2 sales needed". */}
      <span id={words}>
        {td(
          props.won > props.needed
            ? 'breakEvenPassed'
            : props.needed === 1
              ? 'breakEvenOfOne'
              : 'breakEvenOf',
          props.won,
          props.needed,
        )}
      </span>
    </div>
  );
}
