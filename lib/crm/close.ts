import type { Signals } from '../protocol';
import { readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

/**
 * A Close lead is a company with its contacts, at /lead/lead_<id>/; the id is lead_ and 43
 * characters (the API's html_url samples, e.g. closex lib/closex/mock_client/fixtures/lead.json).
 */
const RECORD = /^\/lead\/(lead_[A-Za-z0-9]{43})\/?$/;

// Custom fields in the lead's sidebar: a label over a value (our reading of Close's lead page).
const layout = labelledLayout({
  container: '.custom-field',
  label: '.custom-field-label',
  value: '.custom-field-value',
});
const field = (...labels: string[]) => ({ anchors: [], labels });

export const close: CrmAdapter = {
  id: 'close',
  crm: 'close',
  label: 'Close',
  version: '2',
  objectTypes: ['lead'],
  matches: ['https://app.close.com/*'],

  recognise(url: URL): RecordRef | null {
    const record = url.pathname.match(RECORD);
    return record ? { objectType: 'lead', recordId: record[1]! } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('Lead Source', 'Source', 'Origen'), layout),
      campaignName: readField(doc, field('Campaign', 'Campaña'), layout),
      utmCampaign: readField(doc, field('UTM Campaign', 'utm_campaign'), layout),
      region: readField(doc, field('Region', 'Región'), layout),
    });
  },
};
