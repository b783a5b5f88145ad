import { type Stats, VERDICTS, type Verdict } from '../../lib/protocol';

export const VERDICT_LABELS: Record<Verdict, string> = {
  good_fit: 'Good fit',
  wrong_audience: 'Wrong audience',
  tire_kicker: 'Tire-kicker',
  not_ready: 'Not ready',
  bad_contact: 'Bad contact',
  spam: 'Spam / fake',
  won: 'Won',
  lost: 'Lost',
};

/** The verdict mix of a campaign as one stacked bar, with the numbers in its accessible name. */
export function VerdictMix(props: { stats: Stats }) {
  const total = props.stats.leads;
  const summary = VERDICTS.filter((v) => props.stats.verdicts[v] > 0)
    .map((v) => `${VERDICT_LABELS[v]} ${props.stats.verdicts[v]}`)
    .join(', ');
  if (total === 0) return <span class="muted">No verdicts yet</span>;
  return (
    <div class="mix" role="img" aria-label={`Verdicts on ${total} leads: ${summary}`} title={summary}>
      {VERDICTS.map((verdict) =>
        props.stats.verdicts[verdict] > 0 ? (
          <span
            key={verdict}
            class={`mix__part verdict--${verdict}`}
            style={{ width: `${(props.stats.verdicts[verdict] / total) * 100}%` }}
          />
        ) : null,
      )}
    </div>
  );
}

/** "7 of 12 sales needed" with a bar. */
export function BreakEven(props: { won: number; needed: number | null }) {
  if (props.needed === null) return <span class="muted">Break-even unknown (no deal value or margin)</span>;
  const share = props.needed === 0 ? 1 : Math.min(1, props.won / props.needed);
  return (
    <div class="breakeven">
      <div
        class="breakeven__bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={props.needed}
        aria-valuenow={props.won}
      >
        <span style={{ width: `${share * 100}%` }} class={share >= 1 ? 'breakeven__done' : ''} />
      </div>
      <span>
        {props.won} of {props.needed} sales needed
      </span>
    </div>
  );
}
