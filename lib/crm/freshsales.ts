import type { ObjectType, Signals } from '../protocol';
import { readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const TYPES: Record<string, ObjectType> = { contacts: 'contact', leads: 'lead', deals: 'deal' };
// /crm/sales/contacts/<id> is a record; /crm/sales/contacts/view/<viewId> is a list.
const RECORD = /^\/crm\/sales\/(contacts|leads|deals)\/(\d{1,20})\/?$/;

// Fields: "Source" (lead_source_id) and "Campaign" (campaign_id) per Freshsales' API docs; the
// label/value markup is our reading of its record page.
const layout = labelledLayout({ container: '.field-row', label: '.field-label', value: '.field-value' });
const field = (...labels: string[]) => ({ anchors: [], labels });

export const freshsales: CrmAdapter = {
  id: 'freshsales',
  crm: 'freshsales',
  label: 'Freshsales',
  objectTypes: ['contact', 'lead', 'deal'],
  matches: ['https://*.myfreshworks.com/*'],

  recognise(url: URL): RecordRef | null {
    const record = url.pathname.match(RECORD);
    return record ? { objectType: TYPES[record[1]!]!, recordId: record[2]! } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('Source', 'Lead source'), layout),
      campaignName: readField(doc, field('Campaign'), layout),
      utmCampaign: readField(doc, field('UTM campaign'), layout),
      region: readField(doc, field('Territory', 'Region'), layout),
    });
  },
};
