import { useSignal } from '@preact/signals';
import { objectTypeLabel, signalLabel, t } from '../lib/i18n';
import type { TabCheck } from '../lib/platform/check-tab';
import type { Signals } from '../lib/protocol';

/** "Check this tab": what Sameroom's settings read on the page the rep is looking at. */
export function TabCheckView(props: {
  onCheck: () => Promise<TabCheck>;
  /**
   * Options, where a withheld CRM's Allow is (a prompt asked for from the popup opens under it in
   * Firefox, unseen until the popup closes).
   */
  onOpenOptions: () => void;
}) {
  const result = useSignal<TabCheck | { error: string } | null>(null);
  const current = result.value;
  return (
    <section aria-labelledby="sr-check-title">
      <h2 id="sr-check-title">{t('checkTitle')}</h2>
      <button
        type="button"
        class="sr-button sr-button--secondary"
        onClick={async () => {
          result.value = await props
            .onCheck()
            .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
        }}
      >
        {t('checkAction')}
      </button>
      {current && 'error' in current && (
        <p role="alert" class="sr-error">
          {current.error}
        </p>
      )}
      {/* On the page before the first check, so that its result is read (a status region made with
          its words in it is not, by some screen readers). */}
      <div role="status" class={current && !('error' in current) ? 'sr-check' : undefined}>
        {current && !('error' in current) && (
          <>
            {current.withheld && (
              <p class="sr-warning">
                {t('crmAccessWithheld', current.withheld.label)}{' '}
                <button type="button" class="sr-button sr-button--secondary" onClick={props.onOpenOptions}>
                  {t('actionOpenOptions')}
                </button>
              </p>
            )}
            {current.switchedOff ? (
              <p>{t('checkSwitchedOff', current.switchedOff)}</p>
            ) : current.stopped ? (
              <p>
                {t('checkSiteStopped', current.stopped)}{' '}
                <button type="button" class="sr-button sr-button--secondary" onClick={props.onOpenOptions}>
                  {t('actionOpenOptions')}
                </button>
              </p>
            ) : !current.site ? (
              <p>{t('checkNoSite')}</p>
            ) : !current.lead ? (
              <p>{t('checkNoRecord', current.site)}</p>
            ) : (
              <>
                <p>
                  {t(
                    'checkRecord',
                    current.site,
                    objectTypeLabel(current.lead.objectType),
                    current.lead.recordId,
                  )}
                </p>
                {Object.keys(current.lead.signals).length === 0 ? (
                  <p class="sr-muted">{t('noSignals')}</p>
                ) : (
                  <dl>
                    {(Object.entries(current.lead.signals) as Array<[keyof Signals, string]>).map(
                      ([key, value]) => (
                        <div key={key}>
                          <dt>{signalLabel(key)}</dt>
                          <dd>{value}</dd>
                        </div>
                      ),
                    )}
                  </dl>
                )}
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
