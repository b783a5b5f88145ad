import type { Signal } from '@preact/signals';
import { roleLabel, t } from '../lib/i18n';
import type { Envelope, StatusReply } from '../lib/messages';
import { StatusLine } from './StatusLine';

/** Where the extension stands with the workspace: loading, linked as someone, not linked, or no answer. */
export type LinkState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; status: StatusReply };

/** The background's answer to `status`, as what to show. */
export function linkStateOf(answer: Envelope<StatusReply>): LinkState {
  return answer.ok ? { kind: 'ready', status: answer.reply } : { kind: 'error', message: answer.error };
}

export function LinkStatus(props: {
  state: Signal<LinkState>;
  onOpenOptions?: () => void;
  /** Ask again after the background gave no answer (Options: else its link form never came). */
  onRetry?: () => void;
}) {
  const state = props.state.value;
  if (state.kind === 'loading') return <StatusLine />;
  if (state.kind === 'error')
    return (
      <>
        <StatusLine error={state.message} />
        {props.onRetry && (
          <button type="button" class="sr-button" onClick={props.onRetry}>
            {t('actionTryAgain')}
          </button>
        )}
      </>
    );
  const { me } = state.status;
  if (me) {
    return (
      <p class="sr-status" role="status">
        {t('linkedAs', me.workspace.name, me.member.name, roleLabel(me.member.role))}
      </p>
    );
  }
  return (
    <div class="sr-status" role="status">
      <p class="sr-status__title">{t('stateNotLinked')}</p>
      <p>{t('stateNotLinkedHelp')}</p>
      {props.onOpenOptions && (
        <button type="button" class="sr-button" onClick={props.onOpenOptions}>
          {t('actionOpenOptions')}
        </button>
      )}
    </div>
  );
}
