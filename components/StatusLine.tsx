import { t } from '../lib/i18n';

/** "Loading…" while waiting, or an error a person can act on, announced to assistive technology. */
export function StatusLine(props: { error?: string }) {
  return props.error ? (
    <p class="sr-status sr-status--error" role="alert">
      {props.error}
    </p>
  ) : (
    <p class="sr-status" role="status">
      {t('stateLoading')}
    </p>
  );
}
