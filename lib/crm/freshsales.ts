import type { ObjectType, Signals } from '../protocol';
import { readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

/**
 * Freshsales on myfreshworks.com: records are /crm/sales/<contacts|deals>/<id>, and leads at
 * /crm/sales/leads/<id> where the account has the Leads module (a trial tenant had none, a lead being a
 * contact with a lifecycle stage; integrations call /crm/sales/api/leads on others), and
 * /crm/sales/contacts/view/<viewId> is a list. The classic *.freshsales.io keeps /leads/<id> beside
 * /contacts/<id> and /deals/<id>; its /leads/view/<viewId> is a list (public integration code and
 * Freshsales' API docs).
 */
const TYPES: Record<string, ObjectType> = { contacts: 'contact', leads: 'lead', deals: 'deal' };
const FRESHWORKS_RECORD = /^\/crm\/sales\/(leads|contacts|deals)\/(\d{1,20})\/?$/;
const CLASSIC_RECORD = /^\/(leads|contacts|deals)\/(\d{1,20})\/?$/;
const CLASSIC_HOST = /\.freshsales\.io$/;

// Fields: "Source" (lead_source_id) and "Campaign" (campaign_id) per Freshsales' API docs; the
// label/value markup is our reading of its record page.
const layout = labelledLayout({ container: '.field-row', label: '.field-label', value: '.field-value' });
const field = (...labels: string[]) => ({ anchors: [], labels });

export const freshsales: CrmAdapter = {
  id: 'freshsales',
  crm: 'freshsales',
  label: 'Freshsales',
  version: '3',
  objectTypes: ['contact', 'lead', 'deal'],
  matches: ['https://*.myfreshworks.com/*', 'https://*.freshsales.io/*'],

  recognise(url: URL): RecordRef | null {
    const pattern = CLASSIC_HOST.test(url.hostname) ? CLASSIC_RECORD : FRESHWORKS_RECORD;
    const record = url.pathname.match(pattern);
    return record ? { objectType: TYPES[record[1]!]!, recordId: record[2]! } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('Source', 'Lead source', 'Origen'), layout),
      campaignName: readField(doc, field('Campaign', 'Campaña'), layout),
      utmCampaign: readField(doc, field('UTM campaign'), layout),
      region: readField(doc, field('Territory', 'Region', 'Territorio', 'Región'), layout),
    });
  },
};
