import type { ObjectType, Signals } from '../protocol';
import { type FieldLookup, readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const MODULES: Record<string, ObjectType> = {
  Leads: 'lead',
  Contacts: 'contact',
  Deals: 'deal',
  Potentials: 'deal',
};
const RECORD = /^\/crm\/org\d+\/tab\/(Leads|Contacts|Deals|Potentials)\/(\d{6,25})\/?$/;

// Detail view rows: label and value side by side, the value marked with the field's API name in
// data-zcqa (Zoho's UI uses data-zcqa attributes; their exact values here are our reading).
const layout = labelledLayout({ container: '.dv-field', label: '.dv-label', value: '.dv-value' });
function field(apiName: string, ...labels: string[]): FieldLookup {
  return { anchors: [`[data-zcqa="detailView_${apiName}"]`], labels };
}

export const zoho: CrmAdapter = {
  id: 'zoho',
  crm: 'zoho',
  label: 'Zoho CRM',
  objectTypes: ['lead', 'contact', 'deal'],
  matches: [
    'https://crm.zoho.com/*',
    'https://crm.zoho.eu/*',
    'https://crm.zoho.in/*',
    'https://crm.zoho.com.au/*',
    'https://crm.zoho.jp/*',
  ],

  recognise(url: URL): RecordRef | null {
    const record = url.pathname.match(RECORD);
    return record ? { objectType: MODULES[record[1]!]!, recordId: record[2]! } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('Lead_Source', 'Lead Source'), layout),
      campaignName: readField(doc, field('Campaign_Source', 'Campaign Source'), layout),
      utmCampaign: readField(doc, field('UTM_Campaign', 'UTM Campaign'), layout),
      region: readField(doc, field('State', 'State'), layout),
    });
  },
};
