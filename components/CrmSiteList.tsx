import type { Signal } from '@preact/signals';
import type { CrmAdapter } from '../lib/crm';
import { t } from '../lib/i18n';
import { type CustomSite, crmEnabled, type Settings } from '../lib/settings';
import { CustomSiteForm, type CustomSiteProblems } from './CustomSiteForm';

/** The built-in CRMs with their switches, the team's custom sites, and a form to add one. */
export function CrmSiteList(props: {
  sites: readonly CrmAdapter[];
  settings: Signal<Settings>;
  /** Set by the admin through managed storage: the switches are shown but cannot be changed. */
  locked: boolean;
  /** The CRMs whose pages the browser does not let Sameroom read (lib/platform/crm-access.ts). */
  withheld?: ReadonlySet<string>;
  /** Asks the browser for a withheld CRM's pages: called first thing in the click. */
  onAllow?: (site: CrmAdapter) => void;
  onToggle: (id: string, on: boolean) => void;
  onAdd: (input: unknown) => Promise<CustomSiteProblems | null>;
  /** The rep started on the custom-site form. */
  onEdit?: () => void;
  onRemove: (site: CustomSite) => void;
}) {
  const settings = props.settings.value;
  return (
    <section aria-labelledby="crm-sites">
      <h2 id="crm-sites">{t('optionsCrmSites')}</h2>
      <p>{t('optionsCrmSitesHelp')}</p>
      {props.locked && <p class="sr-locked">{t('optionsLocked')}</p>}
      <ul class="sr-list">
        {props.sites.map((site) => (
          <li key={site.id}>
            <label class="sr-switch">
              <input
                type="checkbox"
                checked={crmEnabled(settings, site.id)}
                disabled={props.locked}
                onChange={(event) => props.onToggle(site.id, event.currentTarget.checked)}
              />
              <strong>{site.label}</strong>
            </label>{' '}
            <code>{site.matches.join(', ')}</code>
            {crmEnabled(settings, site.id) && props.withheld?.has(site.id) && (
              <p class="sr-warning" role="status">
                {t('crmAccessWithheld', site.label)}{' '}
                <button
                  type="button"
                  class="sr-button sr-button--secondary"
                  onClick={() => props.onAllow?.(site)}
                >
                  {t('crmAccessAllow', site.label)}
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
      <h3>{t('customSitesTitle')}</h3>
      {settings.customSites.length === 0 ? (
        <p class="sr-muted">{t('customSitesNone')}</p>
      ) : (
        <ul class="sr-list">
          {settings.customSites.map((site) => (
            <li key={site.id}>
              <strong>{site.label}</strong> <code>{site.match}</code>{' '}
              <button type="button" class="sr-link" onClick={() => props.onRemove(site)}>
                {t('customSiteRemove', site.label)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <CustomSiteForm onAdd={props.onAdd} onEdit={props.onEdit} />
    </section>
  );
}
