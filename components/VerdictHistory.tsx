import { useContext, useEffect, useState } from 'preact/hooks';
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

/** How long this verdict can still be undone, in ms from `now`; 0: it cannot. */
function undoLeft(entry: HistoryEntry, now: number): number {
  return entry.status === 'held' && entry.undoUntil ? Math.max(0, Date.parse(entry.undoUntil) - now) : 0;
}

/** The soonest moment one of these verdicts can no longer be undone, in ms from now; null: none can. */
function nextUndoEnd(entries: HistoryEntry[], now: number): number | null {
  const ends = entries.map((entry) => undoLeft(entry, now)).filter((left) => left > 0);
  return ends.length > 0 ? Math.min(...ends) : null;
}

/**
 * This lead's verdicts, newest first, with where each stands and marketing's replies. A verdict still
 * held can be undone here: one given before the rep went to another record and came back (or before the
 * frame was reloaded) had lost its Undo with the verdict bar's status, though held for 10 s.
 */
export function VerdictHistory(props: {
  entries: HistoryEntry[];
  onRepliesShown?: () => void;
  onUndo?: (id: string) => void;
  /** The verdict whose Undo the verdict bar shows already. */
  undoShownFor?: string | null;
}) {
  const folds = useContext(FoldContext);
  // Drawn again when the next held verdict's Undo ends, so that its button goes.
  const [, setNow] = useState(0);
  const undoEnd = nextUndoEnd(props.entries, Date.now());
  useEffect(() => {
    if (undoEnd === null) return;
    const timer = setTimeout(() => setNow(Date.now()), undoEnd + 50);
    return () => clearTimeout(timer);
  }, [undoEnd === null ? null : Math.round(undoEnd / 1000), props.entries]);
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
              {props.onUndo && undoLeft(entry, Date.now()) > 0 && entry.id !== props.undoShownFor && (
                <>
                  {' '}
                  <button
                    type="button"
                    class="sr-link"
                    aria-label={t('historyUndoLabel', verdictLabel(entry.verdict))}
                    onClick={() => props.onUndo?.(entry.id)}
                  >
                    {t('historyUndo')}
                  </button>
                </>
              )}
            </p>
            {entry.note && (
              <p class="sr-quote" dir="auto">
                {entry.note}
              </p>
            )}
            {entry.withheld && entry.withheld.length > 0 && (
              <p class="sr-muted">
                {t(
                  'historyWithheld',
                  entry.withheld
                    .map((name) =>
                      t(
                        name === 'answers'
                          ? 'withheldAnswers'
                          : name === 'url'
                            ? 'withheldUrl'
                            : name === 'site'
                              ? 'withheldSite'
                              : 'withheldSignals',
                      ),
                    )
                    .join(', '),
                )}
              </p>
            )}
            {entry.replies.map((reply) => (
              <p key={reply.id} class="sr-reply">
                <span class="sr-reply__author">{t('historyReply', reply.author.name)}</span>{' '}
                <bdi>{reply.text}</bdi>
              </p>
            ))}
          </li>
        ))}
      </ol>
    </FoldSection>
  );
}
