import type { Signals } from '../protocol';
import { readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const LEAD = new RegExp(`^/leads/inbox/(${UUID})/?$`, 'i');
const PERSON_OR_DEAL = /^\/(person|deal)\/(\d{1,15})\/?$/;

// Company subdomains and app.pipedrive.com both serve records; lead ids are UUIDs, person and deal
// ids numbers. Field rows: a label and its value in one row (the structure is our reading of
// Pipedrive's detail sidebar; "Source origin"/"Source channel" are from Pipedrive's changelog).
const layout = labelledLayout({
  container: '[data-testid="field"]',
  label: '[data-testid="field-label"]',
  value: '[data-testid="field-value"]',
});
const field = (...labels: string[]) => ({ anchors: [], labels });

export const pipedrive: CrmAdapter = {
  id: 'pipedrive',
  crm: 'pipedrive',
  label: 'Pipedrive',
  version: '2',
  objectTypes: ['lead', 'person', 'deal'],
  matches: ['https://*.pipedrive.com/*'],

  recognise(url: URL): RecordRef | null {
    const lead = url.pathname.match(LEAD);
    if (lead) return { objectType: 'lead', recordId: lead[1]!.toLowerCase() };
    const record = url.pathname.match(PERSON_OR_DEAL);
    if (!record) return null;
    return { objectType: record[1] === 'person' ? 'person' : 'deal', recordId: record[2]! };
  },

  readSignals(doc: Document): Signals {
    // Persons carry no source fields: their record is still recognised, with no signals.
    return found({
      leadSource: readField(doc, field('Source channel', 'Canal de origen'), layout),
      sourceDetail: readField(doc, field('Source origin', 'Origen de la fuente'), layout),
      campaignName: readField(doc, field('Campaign', 'Campaña'), layout),
      utmCampaign: readField(doc, field('UTM campaign', 'utm_campaign'), layout),
      region: readField(doc, field('Region', 'Región'), layout),
    });
  },
};
