import { td } from '../../../../lib/i18n/dashboard';
import type { ShownLink } from './join-link';

/** A join link shown once, to pass on to its member: it works one time, for 7 days. */
export function JoinLink(props: ShownLink) {
  return (
    <div class="joinlink" role="status">
      <p>
        {td('joinLinkFor')} <strong>{props.name}</strong> — {td('joinLinkHelp')}
      </p>
      <input
        readOnly
        value={props.url}
        aria-label={td('joinLinkLabel', props.name)}
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        class="button button--secondary"
        onClick={() => void navigator.clipboard?.writeText(props.url)}
      >
        {td('copy')}
      </button>
    </div>
  );
}
