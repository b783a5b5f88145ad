import { useSignal } from '@preact/signals';
import { objectTypeLabel, t, verdictLabel } from '../lib/i18n';
import { formatClock } from '../lib/i18n/formats';
import type { DeadLetter, OutboxStatus, VerdictSetup } from '../lib/messages';
import type { Verdict } from '../lib/protocol';
import { NoteField, RegionSelect, VerdictSelect } from './VerdictFields';

export interface DeadLetterFix {
  verdict: Verdict;
  note: string;
  region: string;
}

/** A verdict the workspace refused: the reason, and a form to fix it and resend, or discard it. */
function DeadLetterItem(props: {
  entry: DeadLetter;
  regions: string[];
  onResend: (id: string, fix: DeadLetterFix) => Promise<string | null>;
  onDiscard: (id: string) => void;
}) {
  const { entry } = props;
  const verdict = useSignal<Verdict>(entry.verdict);
  const note = useSignal(entry.note ?? '');
  const region = useSignal(entry.region ?? '');
  const problem = useSignal<string | null>(null);
  return (
    <li class="sr-dead">
      <p>
        <strong>{entry.campaignName ?? t('outboxNoCampaign')}</strong> ·{' '}
        {objectTypeLabel(entry.lead.objectType)} {entry.lead.recordId}
      </p>
      <p class="sr-error">{t('outboxDeadReason', entry.problem ?? '')}</p>
      <VerdictSelect value={verdict} />
      <NoteField value={note} />
      <RegionSelect value={region} regions={props.regions} keep={entry.region} />
      <div class="sr-actions">
        <button
          type="button"
          class="sr-button"
          onClick={async () => {
            problem.value = await props.onResend(entry.id, {
              verdict: verdict.value,
              note: note.value,
              region: region.value,
            });
          }}
        >
          {t('outboxResend')}
        </button>
        <button
          type="button"
          class="sr-button sr-button--secondary"
          onClick={() => props.onDiscard(entry.id)}
        >
          {t('outboxDiscard')}
        </button>
      </div>
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
  onOpenOptions: () => void;
}) {
  const { status } = props;
  const waiting = status.held + status.pending;
  return (
    <section aria-labelledby="sr-outbox-title">
      <h2 id="sr-outbox-title">{t('outboxTitle')}</h2>
      <p role="status">
        {waiting === 0 ? t('outboxEmpty') : t('outboxWaiting', waiting)}{' '}
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
        <p class="sr-warning">{t('outboxOtherWorkspace', status.otherWorkspace)}</p>
      )}
      {status.otherReps.map((other) => (
        <p class="sr-warning" key={other.name}>
          {t('outboxOtherRep', other.count, other.name)}
        </p>
      ))}
      <button
        type="button"
        class="sr-button"
        disabled={props.syncing || !status.linked}
        onClick={props.onSyncNow}
      >
        {props.syncing ? t('outboxSyncing') : t('outboxSyncNow')}
      </button>
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
                <p class="sr-quote">{notice.reply.text}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
