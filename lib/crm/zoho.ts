import type { ObjectType, Signals } from '../protocol';
import { cleanText, type FieldLayout, type FieldLookup, readField } from './fields';
import { found, valueText } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

/** Deals are the Potentials module in record URLs (b310-digital/better-hotkeys-for-zoho-crm, src/services/UrlService.ts). */
const MODULES: Record<string, ObjectType> = {
  Leads: 'lead',
  Contacts: 'contact',
  Deals: 'deal',
  Potentials: 'deal',
};
/**
 * /crm/org<n>/tab/<Module>/<id>, or /crm/tab/<Module>/<id> without the org segment (the same
 * repository builds both), or with the organisation's portal name in its place (sandboxes, and
 * organisations that chose one: public integration code links crmsandbox.zoho.com/crm/<portal>/tab/
 * Leads/<id> and crm.zoho.eu/crm/<portal>/tab/…). Inside Zoho One the same path follows
 * /zohoone/<org>/home/cxapp/ (or cxapp-spaces/<space>/); inside Zoho CRM Plus it follows
 * /<portal>/index.do/cxapp/ (crmplus.zoho.com/<portal>/index.do/cxapp/crm/org<n>/tab/Potentials/<id>,
 * in public code linking deals and leads there).
 */
const RECORD =
  /^(?:\/zohoone\/[A-Za-z0-9_-]+\/home\/cxapp(?:-spaces\/[A-Za-z0-9_-]+)?|\/[A-Za-z0-9_-]+\/index\.do\/cxapp)?\/crm\/(?:[A-Za-z0-9_-]+\/)?tab\/(Leads|Contacts|Deals|Potentials)\/(\d{6,25})\/?$/;

// The detail view marks each field's label with data-zcqa="dtVw_lbl_<COLUMN>" (the field's column
// name, which an admin renaming the label does not change), inside a .cxDvBcInfoFormRow that holds
// the value in .cxDvInfoValue (Zoho CRM's crux-detailpage-sections component template).
const ROW = '.cxDvBcInfoFormRow';
const VALUE = '.cxDvInfoValue';
const layout: FieldLayout = {
  labelSelector: '[data-zcqa^="dtVw_lbl_"]',
  // Some layouts print the label with a trailing colon.
  labelText: (label) => cleanText(label.textContent)?.replace(/\s*:$/, ''),
  containerOf: (label) => label.closest(ROW),
  valueIn: (container) => {
    const row = container.matches(ROW) ? container : container.closest(ROW);
    return valueText(row?.querySelector(VALUE));
  },
};

function field(column: string, ...labels: string[]): FieldLookup {
  return { anchors: [`[data-zcqa="dtVw_lbl_${column}"]`], labels };
}

export const zoho: CrmAdapter = {
  id: 'zoho',
  crm: 'zoho',
  label: 'Zoho CRM',
  version: '3',
  objectTypes: ['lead', 'contact', 'deal'],
  // Every data centre and its sandbox (better-hotkeys-for-zoho-crm public/manifest.json), and Zoho One;
  // the later centres in Canada, Saudi Arabia and the UK, whose CRM web hosts public integration code
  // uses and measured (docs/crm-support.md): not zoho.ca but zohocloud.ca for Canada. Zoho One and
  // Zoho CRM Plus where public links show them (one.zoho.eu and .in; crmplus.zoho.com, .eu and .in).
  matches: [
    'https://crm.zoho.com/*',
    'https://crm.zoho.eu/*',
    'https://crm.zoho.in/*',
    'https://crm.zoho.com.au/*',
    'https://crm.zoho.jp/*',
    'https://crm.zoho.com.cn/*',
    'https://crm.zohocloud.ca/*',
    'https://crm.zoho.sa/*',
    'https://crm.zoho.uk/*',
    'https://crmsandbox.zoho.uk/*',
    'https://crmsandbox.zoho.com/*',
    'https://crmsandbox.zoho.eu/*',
    'https://crmsandbox.zoho.in/*',
    'https://crmsandbox.zoho.com.au/*',
    'https://crmsandbox.zoho.jp/*',
    'https://crmsandbox.zoho.com.cn/*',
    'https://one.zoho.com/*',
    'https://one.zoho.eu/*',
    'https://one.zoho.in/*',
    'https://crmplus.zoho.com/*',
    'https://crmplus.zoho.eu/*',
    'https://crmplus.zoho.in/*',
  ],

  recognise(url: URL): RecordRef | null {
    const record = url.pathname.match(RECORD);
    return record ? { objectType: MODULES[record[1]!]!, recordId: record[2]! } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('LEADSOURCE', 'Lead Source', 'Fuente de Posible cliente'), layout),
      campaignName: readField(doc, field('CAMPAIGNID', 'Campaign Source', 'Fuente de campaña'), layout),
      utmCampaign: readField(doc, field('UTM_CAMPAIGN', 'UTM Campaign'), layout),
      region: readField(doc, field('STATE', 'State', 'Estado'), layout),
    });
  },
};
