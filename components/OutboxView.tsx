import { useSignal, useSignalEffect } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { objectTypeLabel, t, tn, verdictLabel } from '../lib/i18n';
import { formatClock } from '../lib/i18n/formats';
import type { DeadLetter, OutboxStatus, VerdictSetup } from '../lib/messages';
import type { Verdict } from '../lib/protocol';
import { NoteField, RegionSelect, VerdictSelect } from './VerdictFields';

/** How soon a fix the browser refused to keep is offered to it again (the quick form's pace). */
const KEEP_RETRY_MS = 3_000;

export interface DeadLetterFix {
  verdict: Verdict;
  note: string;
  region: string;
}

/**
 * A verdict the workspace refused: the reason, and a form to fix it and resend, or discard it. The fix
 * is kept as it is written (the popup closes at any click outside it), and opens as it was left.
 */
function DeadLetterItem(props: {
  entry: DeadLetter;
  regions: string[];
  onResend: (id: string, fix: DeadLetterFix) => Promise<string | null>;
  onDiscard: (id: string) => void;
  onKeep?: (id: string, fix: DeadLetterFix) => Promise<string | null>;
  /** The item is going (resent, discarded): the keyboard's focus goes somewhere that stays. */
  onGone: (item: HTMLElement | null) => void;
}) {
  const { entry } = props;
  const verdict = useSignal<Verdict>(entry.kept?.verdict ?? entry.verdict);
  const note = useSignal(entry.kept?.note ?? entry.note ?? '');
  const region = useSignal(entry.kept?.region ?? entry.region ?? '');
  const problem = useSignal<string | null>(null);
  const notKept = useSignal<string | null>(null);
  const resending = useSignal(false);
  /** Discard asked once: it takes the verdict and the fix typed for it, with no Undo, so it is confirmed. */
  const discarding = useSignal(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const discardRef = useRef<HTMLButtonElement>(null);
  const itemRef = useRef<HTMLLIElement>(null);
  const handed = useRef(JSON.stringify([verdict.peek(), note.peek(), region.peek()]));
  const keep = (fix: DeadLetterFix, text: string) =>
    props.onKeep?.(entry.id, fix).then((error) => {
      // Typed again since: the newer fix's answer says.
      if (handed.current !== text) return;
      notKept.value = error;
      // Refused (the browser's storage full): asked again until kept, as the quick form's draft is.
      if (error)
        setTimeout(() => {
          if (handed.current === text) void keep(fix, text);
        }, KEEP_RETRY_MS);
    });
  useSignalEffect(() => {
    const fix = { verdict: verdict.value, note: note.value, region: region.value };
    const text = JSON.stringify([fix.verdict, fix.note, fix.region]);
    if (text === handed.current) return;
    handed.current = text;
    void keep(fix, text);
  });
  return (
    <li class="sr-dead" ref={itemRef}>
      <p>
        <strong>{entry.campaignName ?? t('outboxNoCampaign')}</strong> ·{' '}
        {objectTypeLabel(entry.lead.objectType)} {entry.lead.recordId}
      </p>
      <p class="sr-error">{t('outboxDeadReason', entry.problem ?? '')}</p>
      <VerdictSelect value={verdict} />
      <NoteField value={note} notKept={notKept.value} />
      <RegionSelect value={region} regions={props.regions} keep={entry.region} />
      <div class="sr-actions">
        <button
          type="button"
          class="sr-button"
          onClick={async () => {
            if (resending.value) return;
            resending.value = true;
            problem.value = await props.onResend(entry.id, {
              verdict: verdict.value,
              note: note.value,
              region: region.value,
            });
            resending.value = false;
            // Still refused: what the form holds now is kept again (keeps were not made meanwhile).
            if (problem.value)
              void keep({ verdict: verdict.value, note: note.value, region: region.value }, handed.current);
            else props.onGone(itemRef.current);
          }}
          aria-disabled={resending.value}
        >
          {t('outboxResend')}
        </button>
        {!discarding.value && (
          <button
            ref={discardRef}
            type="button"
            class="sr-button sr-button--secondary"
            onClick={() => {
              discarding.value = true;
              setTimeout(() => confirmRef.current?.focus(), 0);
            }}
          >
            {t('outboxDiscard')}
          </button>
        )}
      </div>
      {discarding.value && (
        <div class="sr-actions">
          <p id={`sr-discard-${entry.id}`}>{t('outboxDiscardAsk')}</p>
          <button
            ref={confirmRef}
            aria-describedby={`sr-discard-${entry.id}`}
            type="button"
            class="sr-button sr-button--secondary"
            onClick={() => {
              props.onGone(itemRef.current);
              props.onDiscard(entry.id);
            }}
          >
            {t('outboxDiscardYes')}
          </button>
          <button
            type="button"
            class="sr-button"
            onClick={() => {
              discarding.value = false;
              setTimeout(() => discardRef.current?.focus(), 0);
            }}
          >
            {t('outboxDiscardNo')}
          </button>
        </div>
      )}
      {problem.value && (
        <p class="sr-error" role="alert">
          {problem.value}
        </p>
      )}
    </li>
  );
}

/** The outbox as the popup shows it: what waits, what failed and why, the last sync, and new replies. */
export function OutboxView(props: {
  status: OutboxStatus;
  setup: VerdictSetup;
  syncing: boolean;
  onSyncNow: () => void;
  onResend: (id: string, fix: DeadLetterFix) => Promise<string | null>;
  onDiscard: (id: string) => void;
  onKeepFix?: (id: string, fix: DeadLetterFix) => Promise<string | null>;
  onOpenOptions: () => void;
  /** A later read of the outbox that failed: said here, with what was read before still shown. */
  problem?: string | null;
}) {
  const { status } = props;
  /** Where the keyboard goes when a refused verdict it was on leaves the list. */
  const title = useRef<HTMLHeadingElement>(null);
  const waiting = status.held + status.pending;
  // "Every verdict has been sent" only when it is so: not above refused verdicts, or ones kept for
  // another workspace or another rep, which are not sent either.
  const unsent =
    status.dead.length +
    status.otherWorkspace +
    status.otherReps.reduce((sum, other) => sum + other.count, 0);
  return (
    <section aria-labelledby="sr-outbox-title">
      <h2 id="sr-outbox-title" ref={title} tabIndex={-1}>
        {t('outboxTitle')}
      </h2>
      <p role="status">
        {waiting > 0
          ? tn('outboxWaiting', waiting)
          : unsent > 0
            ? t('outboxNothingWaiting')
            : t('outboxEmpty')}{' '}
        {status.lastSyncAt ? t('outboxLastSync', formatClock(status.lastSyncAt)) : t('outboxNeverSynced')}
      </p>
      {status.paused && (
        <div role="alert" class="sr-error">
          <p>{t('outboxPaused')}</p>
          <button type="button" class="sr-button" onClick={props.onOpenOptions}>
            {t('actionOpenOptions')}
          </button>
        </div>
      )}
      {!status.paused && status.lastError && waiting > 0 && (
        <p class="sr-warning">
          {t('outboxRetrying', status.lastError, status.retryAt ? formatClock(status.retryAt) : '')}
        </p>
      )}
      {status.otherWorkspace > 0 && (
        <p class="sr-warning">{tn('outboxOtherWorkspace', status.otherWorkspace)}</p>
      )}
      {status.otherReps.map((other) => (
        <p class="sr-warning" key={other.name}>
          {tn('outboxOtherRep', other.count, other.name)}
        </p>
      ))}
      <button
        type="button"
        class="sr-button"
        disabled={!status.linked}
        aria-disabled={props.syncing}
        onClick={() => {
          if (!props.syncing) props.onSyncNow();
        }}
      >
        {props.syncing ? t('outboxSyncing') : t('outboxSyncNow')}
      </button>
      {props.problem && (
        <p class="sr-error" role="alert">
          {props.problem}
        </p>
      )}
      {status.dead.length > 0 && (
        <>
          <h3>{t('outboxDeadTitle', status.dead.length)}</h3>
          <ul class="sr-list">
            {status.dead.map((entry) => (
              <DeadLetterItem
                key={entry.id}
                entry={entry}
                regions={props.setup.regions}
                onResend={props.onResend}
                onDiscard={props.onDiscard}
                onKeep={props.onKeepFix}
                onGone={(item) => {
                  // Only when the keyboard was on the item going (the rep may have moved on meanwhile).
                  if (!item || item.contains(document.activeElement)) title.current?.focus();
                }}
              />
            ))}
          </ul>
        </>
      )}
      {status.newReplies.length > 0 && (
        <>
          <h3>{t('outboxRepliesTitle', status.newReplies.length)}</h3>
          <ul class="sr-list">
            {status.newReplies.map((notice) => (
              <li key={notice.reply.id}>
                <p>
                  <strong>{notice.reply.author.name}</strong>{' '}
                  {t('outboxReplyOn', verdictLabel(notice.verdict))}{' '}
                  {/* The record's own address when the verdict carried one: the rep opens the lead. */}
                  {notice.lead.url ? (
                    <a href={notice.lead.url} target="_blank" rel="noreferrer noopener">
                      {objectTypeLabel(notice.lead.objectType)} {notice.lead.recordId}
                    </a>
                  ) : (
                    `${objectTypeLabel(notice.lead.objectType)} ${notice.lead.recordId}`
                  )}
                </p>
                <p class="sr-quote" dir="auto">
                  {notice.reply.text}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
