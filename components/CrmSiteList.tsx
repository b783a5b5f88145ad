import type { Signal } from '@preact/signals';
import { builtInOn, type CrmAdapter, enabledAdapters } from '../lib/crm';
import { objectTypeLabel, t } from '../lib/i18n';
import { type CustomSite, crmEnabled, type Settings } from '../lib/settings';
import { CustomSiteForm, type CustomSiteProblems } from './CustomSiteForm';

/** The built-in CRMs with their switches, the team's custom sites, and a form to add one. */
export function CrmSiteList(props: {
  sites: readonly CrmAdapter[];
  settings: Signal<Settings>;
  /** Set by the admin through managed storage: the switches are shown but cannot be changed. */
  locked: boolean;
  /**
   * The CRMs and custom sites whose pages the browser does not let Sameroom read, by id
   * (lib/platform/crm-access.ts, lib/platform/custom-sites.ts).
   */
  withheld?: ReadonlySet<string>;
  /** Of the withheld CRMs, those some of whose pages the rep allowed (one org): shown on those. */
  partly?: ReadonlySet<string>;
  /** Asks the browser for a withheld CRM's pages: called first thing in the click. */
  onAllow?: (site: CrmAdapter) => void;
  /** Asks the browser for a withheld custom site's pages: called first thing in the click. */
  onAllowSite?: (site: CustomSite) => void;
  /** Why the last change to the custom sites failed, if it did. */
  problem?: string | null;
  /** What the last removal did ("Removed “Twenty”."), said where the removed site's row was. */
  said?: string | null;
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
              <Withheld
                label={site.label}
                partly={props.partly?.has(site.id) ?? false}
                onAllow={() => props.onAllow?.(site)}
              />
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
              <SiteRules site={site} />
              {props.withheld?.has(site.id) && (
                <Withheld label={site.label} onAllow={() => props.onAllowSite?.(site)} />
              )}
              {!site.attention && <BuiltInFirst site={site} settings={settings} />}
            </li>
          ))}
        </ul>
      )}
      {/* On the page from the start (what is put in it is read), and where the keyboard's focus goes
          once the row whose Remove had it is gone. */}
      <p id="sites-said" role="status" tabIndex={-1}>
        {props.said ?? ''}
      </p>
      {props.problem && (
        <p class="sr-status--error" role="alert">
          {props.problem}
        </p>
      )}
      <CustomSiteForm onAdd={props.onAdd} onEdit={props.onEdit} />
    </section>
  );
}

/**
 * How a kept site finds its records: the pattern, the query parameters it reads and the record type. A
 * site cannot be edited, only removed and added again: without these the rep retyped them from memory.
 */
function SiteRules(props: { site: CustomSite }) {
  const { site } = props;
  const query = site.recordQuery ?? [];
  return (
    <p class="sr-help">
      {t('customSiteRecordRule', objectTypeLabel(site.objectType))} <code>{site.recordPattern}</code>
      {query.length > 0 && <> {t('customSiteRecordQueryRule', query.join(', '))}</>}
    </p>
  );
}

/**
 * A site on the pages of a built-in CRM that is switched on (a custom site for HubSpot's custom
 * objects): those pages stay the built-in CRM's, and the site serves them only while it is off.
 * Before, Options said "Added. Sameroom now runs on this site" and no panel of the site ever came.
 */
function BuiltInFirst(props: { site: CustomSite; settings: Settings }) {
  const builtIn = builtInOn(props.site.match, enabledAdapters(props.settings));
  return builtIn ? <p class="sr-warning">{t('customSiteUnderBuiltIn', builtIn.label)}</p> : null;
}

/** Pages the browser does not let Sameroom read, and the button that asks for them again. */
function Withheld(props: { label: string; partly?: boolean; onAllow: () => void }) {
  return (
    <p class="sr-warning" role="status">
      {t(props.partly ? 'crmAccessPartly' : 'crmAccessWithheld', props.label)}{' '}
      <button type="button" class="sr-button sr-button--secondary" onClick={props.onAllow}>
        {t('crmAccessAllow', props.label)}
      </button>
    </p>
  );
}
