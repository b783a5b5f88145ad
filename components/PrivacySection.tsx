import { t } from '../lib/i18n';

/** Whether verdicts carry the record's address, and in plain words what every verdict sends. */
export function PrivacySection(props: {
  sendRecordUrl: boolean;
  locked: boolean;
  onChange: (on: boolean) => void;
  /** Why the last change could not be saved. */
  problem?: string | null;
}) {
  return (
    <section aria-labelledby="privacy">
      <h2 id="privacy">{t('privacyTitle')}</h2>
      <label class="sr-switch">
        <input
          type="checkbox"
          checked={props.sendRecordUrl}
          disabled={props.locked}
          onChange={(event) => props.onChange(event.currentTarget.checked)}
        />
        {t('privacySendUrl')}
      </label>
      {props.problem && (
        <p class="sr-status--error" role="alert">
          {props.problem}
        </p>
      )}
      {props.locked && <p class="sr-locked">{t('optionsLocked')}</p>}
      <h3>{t('privacyListTitle')}</h3>
      <ul>
        <li>{t('privacyCampaign')}</li>
        <li>{t('privacyRecord')}</li>
        {props.sendRecordUrl && <li>{t('privacyUrl')}</li>}
        <li>{t('privacySignals')}</li>
        <li>{t('privacyVerdict')}</li>
      </ul>
      <p>{t('privacyNever')}</p>
    </section>
  );
}
