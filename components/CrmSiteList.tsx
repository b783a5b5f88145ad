import { t } from '../lib/i18n';

export function CrmSiteList(props: {
  sites: ReadonlyArray<{ id: string; label: string; matches: readonly string[] }>;
}) {
  return (
    <section aria-labelledby="crm-sites">
      <h2 id="crm-sites">{t('optionsCrmSites')}</h2>
      <p>{t('optionsCrmSitesHelp')}</p>
      <ul>
        {props.sites.map((site) => (
          <li key={site.id}>
            <strong>{site.label}</strong> <code>{site.matches.join(', ')}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
