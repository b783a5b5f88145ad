import type { ObjectType, Signals } from '../protocol';
import { cleanText, type FieldLayout, type FieldLookup, readField } from './fields';
import { found, valueText } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

/**
 * <org>.crm<N>.dynamics.com in the commercial regions and US Government (GCC, crm9), and the sovereign
 * clouds' own hosts: US Government GCC High (crm.microsoftdynamics.us), DoD (crm.appsplatform.us) and
 * China, run by 21Vianet (crm.dynamics.cn). Microsoft's discovery hosts and Dynamics helpers' manifests
 * list them (docs/crm-support.md). A company whose Defender for Cloud Apps watches the session (its
 * Conditional Access App Control) sees the commercial host with `.mcas.ms` after it, the proxy's.
 */
const HOST =
  /^[a-z0-9-]+\.(?:crm\d*\.dynamics\.com(?:\.mcas\.ms)?|crm\.microsoftdynamics\.us|crm\.appsplatform\.us|crm\.dynamics\.cn)$/;
const ENTITIES: Record<string, ObjectType> = { lead: 'lead', contact: 'contact', opportunity: 'deal' };
/**
 * Older "Send a link" addresses name the table by its type code (etc=) instead: the system tables'
 * codes are fixed (lead 4, contact 2, opportunity 3; only custom tables' codes differ between
 * organisations: Microsoft's "Open forms, views, dialogs, and reports with a URL").
 */
const TYPE_CODES: Record<string, string> = { '4': 'lead', '2': 'contact', '3': 'opportunity' };
/**
 * main.aspx, at the root or under an app's own address: /Apps/<URL suffix>/ or
 * /Apps/uniquename/<unique name>/ (Power Apps' "App URL suffix"; public Dynamics tools link
 * /Apps/uniquename/<name>/main.aspx?pagetype=…). Kept in the address, so a link opens in that app.
 */
const PAGE = /^((?:\/apps\/(?:uniquename\/)?[A-Za-z0-9_-]+)?)\/main\.aspx$/i;
// Ids come bare, in braces, URL-encoded (%7B…%7D, microsoft/EasyRepro Api/Pages/Entity.cs) and in
// either case.
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/**
 * The value of one field control. An option set is a <select> whose selected option is the value
 * (microsoft/EasyRepro WebClient.cs GetValue(OptionSet)); the refreshed UI renders it as a Fluent
 * combobox whose value attribute holds the chosen option's text, with every option in a listbox
 * beside it (ewingjm/power-playwright OptionSetControl.cs). Text inputs carry their value; other
 * controls (lookups, read-only text) show it as text.
 */
function controlValue(container: Element): string | undefined {
  const self = (selector: string) =>
    container.matches(selector) ? container : container.querySelector(selector);
  const select = self('select');
  if (select) return valueText(select);
  const combobox = self('[role="combobox"]');
  if (combobox) {
    return combobox instanceof HTMLInputElement
      ? valueText(combobox)
      : cleanText(combobox.getAttribute('value') ?? combobox.textContent);
  }
  // A lookup shows its chosen record as a link tag (EasyRepro: …fieldControl-LookupResultsDropdown_<f>_selected_tag).
  const lookup = self('[data-id*="_selected_tag"]');
  if (lookup) return valueText(lookup);
  const input = self('input:not([type="hidden"]), textarea');
  const typed = input ? valueText(input) : undefined;
  if (typed) return typed;
  const field = self('[data-id*=".fieldControl"]:not([role="listbox"])');
  return field && field !== input ? valueText(field) : undefined;
}

// Unified Interface forms mark each field with data-id from its logical name:
// <f>-FieldSectionItemContainer, <f>.fieldControl…, label ids …<f>-field-label (microsoft/EasyRepro
// Api.UCI/DTO/AppElementReference.cs).
const layout: FieldLayout = {
  labelSelector: 'label[id$="-field-label"]',
  labelText: (label) => cleanText(label.textContent),
  containerOf: (label) => label.closest('[data-id$="-FieldSectionItemContainer"]'),
  valueIn: controlValue,
};

function attribute(name: string, ...labels: string[]): FieldLookup {
  return {
    anchors: [
      `[data-id="${name}.fieldControl-option-set-container"]`,
      `[data-id="${name}-FieldSectionItemContainer"]`,
      `[data-id^="${name}.fieldControl"]`,
    ],
    labels,
  };
}

/**
 * A record page's parameters by lower-cased name. They come in any order (appid= or appname= or
 * neither), and some apps put them after the hash; names are matched whatever their case, as the
 * server does.
 */
function recordParams(url: URL): Map<string, string> {
  const raw = new URLSearchParams(url.search || url.hash.replace(/^#/, ''));
  return new Map([...raw].map(([key, value]) => [key.toLowerCase(), value]));
}

export const dynamics: CrmAdapter = {
  id: 'dynamics',
  crm: 'dynamics',
  label: 'Dynamics 365',
  version: '3',
  objectTypes: ['lead', 'contact', 'deal'],
  matches: [
    'https://*.dynamics.com/*',
    'https://*.dynamics.com.mcas.ms/*',
    'https://*.crm.microsoftdynamics.us/*',
    'https://*.crm.appsplatform.us/*',
    'https://*.crm.dynamics.cn/*',
  ],

  recognise(url: URL): RecordRef | null {
    if (!HOST.test(url.hostname) || !PAGE.test(url.pathname)) return null;
    const params = recordParams(url);
    const table = params.get('etn')?.toLowerCase() ?? TYPE_CODES[params.get('etc') ?? ''] ?? '';
    const objectType = ENTITIES[table];
    const id = params.get('id')?.trim().match(GUID)?.[1];
    if (params.get('pagetype')?.toLowerCase() !== 'entityrecord' || !objectType || !id) return null;
    return { objectType, recordId: id.toLowerCase() };
  },

  /** main.aspx?appid=…&pagetype=entityrecord&etn=…&id=…: the record, in the app it was seen in (by
   * its id, or by the app's own address before main.aspx). */
  address(url: URL, record: RecordRef): string {
    const appId = recordParams(url).get('appid')?.match(GUID)?.[1];
    const entity = Object.keys(ENTITIES).find((name) => ENTITIES[name] === record.objectType) ?? 'lead';
    const params = new URLSearchParams({
      ...(appId ? { appid: appId.toLowerCase() } : {}),
      pagetype: 'entityrecord',
      etn: entity,
      id: record.recordId,
    });
    return `${url.origin}${url.pathname.match(PAGE)?.[1] ?? ''}/main.aspx?${params}`;
  },

  readSignals(doc: Document): Signals {
    const root = doc.querySelector('[data-id="editFormRoot"]') ?? doc;
    return found({
      leadSource: readField(
        root,
        attribute('leadsourcecode', 'Lead Source', 'Origen del cliente potencial'),
        layout,
      ),
      campaignName: readField(
        root,
        attribute('campaignid', 'Source Campaign', 'Campaign', 'Campaña de origen', 'Campaña'),
        layout,
      ),
      utmCampaign: readField(root, attribute('msdyncrm_utmcampaign', 'UTM Campaign'), layout),
      region: readField(
        root,
        attribute('address1_stateorprovince', 'State/Province', 'Estado o provincia'),
        layout,
      ),
    });
  },
};
