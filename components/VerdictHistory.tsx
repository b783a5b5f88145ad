import { useContext, useEffect } from 'preact/hooks';
import { t, verdictLabel } from '../lib/i18n';
import { formatWhen } from '../lib/i18n/formats';
import type { HistoryEntry } from '../lib/messages';
import { FoldContext, FoldSection } from './FoldSection';

function statusText(entry: HistoryEntry): string {
  switch (entry.status) {
    case 'held':
      return t('historyHeld');
    case 'pending':
      return t('historyPending');
    case 'dead':
      return t('historyDead');
    case 'sent':
      return t('historySent');
  }
}

/** This lead's verdicts, newest first, with where each stands and marketing's replies. */
export function VerdictHistory(props: { entries: HistoryEntry[]; onRepliesShown?: () => void }) {
  const folds = useContext(FoldContext);
  const open = !folds.closed.includes('history');
  const replies = props.entries.reduce((count, entry) => count + entry.replies.length, 0);
  // Replies in an open History section are in front of the rep: their view marks them seen.
  useEffect(() => {
    if (open && replies > 0) props.onRepliesShown?.();
  }, [open, replies]);
  if (props.entries.length === 0) return null;
  return (
    <FoldSection id="history" class="sr-history" title={t('historyTitle')}>
      <ol>
        {props.entries.map((entry) => (
          <li key={entry.id}>
            <p>
              <strong>{verdictLabel(entry.verdict)}</strong> · {formatWhen(entry.createdAt)} ·{' '}
              <span class={entry.status === 'dead' ? 'sr-warning' : 'sr-muted'}>{statusText(entry)}</span>
            </p>
            {entry.note && <p class="sr-quote">{entry.note}</p>}
            {entry.replies.map((reply) => (
              <p key={reply.id} class="sr-reply">
                <span class="sr-reply__author">{t('historyReply', reply.author.name)}</span> {reply.text}
              </p>
            ))}
          </li>
        ))}
      </ol>
    </FoldSection>
  );
}
