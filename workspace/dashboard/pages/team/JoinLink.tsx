import { useEffect, useRef, useState } from 'preact/hooks';
import { td } from '../../../../lib/i18n/dashboard';
import type { ShownLink } from './join-link';

/** How long "Copied" shows on the button. */
const COPIED_MS = 2_000;

/**
 * A join link shown once, to pass on to its member: it works one time, for 7 days. Made, it takes the
 * keyboard's focus (selected, and scrolled into view wherever the Invite form or the member's row was);
 * it stays until the admin says Done.
 */
export function JoinLink(props: { link: ShownLink; onDone: () => void }) {
  const { name, url } = props.link;
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.scrollIntoView?.({ block: 'center' });
  }, []);
  useEffect(() => {
    if (copied !== 'copied') return;
    const timer = setTimeout(() => setCopied(null), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <div class="joinlink" role="status">
      <p>
        {td('joinLinkFor')} <strong>{name}</strong> — {td('joinLinkHelp')}
      </p>
      <input
        ref={input}
        readOnly
        value={url}
        aria-label={td('joinLinkLabel', name)}
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        class="button button--secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(url);
            setCopied('copied');
          } catch {
            // No clipboard here (an insecure origin, a refused permission): the link is selected to copy.
            input.current?.select();
            setCopied('failed');
          }
        }}
      >
        {copied === 'copied' ? td('copied') : td('copy')}
      </button>{' '}
      <button type="button" class="button button--secondary" onClick={props.onDone}>
        {td('joinLinkDone')}
      </button>
      {copied === 'failed' && <p class="error">{td('copyFailed')}</p>}
    </div>
  );
}
