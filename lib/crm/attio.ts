import type { Signals } from '../protocol';
import { readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const RECORD =
  /^\/[A-Za-z0-9_-]{1,64}\/person\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?/i;

// Attributes in the record's sidebar: a name over a value (our reading of Attio's record page).
const layout = labelledLayout({
  container: '[data-attribute]',
  label: '.attribute-name',
  value: '.attribute-value',
});
const field = (slug: string, ...labels: string[]) => ({
  anchors: [`[data-attribute="${slug}"] .attribute-value`],
  labels,
});

export const attio: CrmAdapter = {
  id: 'attio',
  crm: 'attio',
  label: 'Attio',
  objectTypes: ['person'],
  matches: ['https://app.attio.com/*'],

  recognise(url: URL): RecordRef | null {
    const record = url.pathname.match(RECORD);
    return record ? { objectType: 'person', recordId: record[1]!.toLowerCase() } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('lead_source', 'Lead source'), layout),
      campaignName: readField(doc, field('campaign', 'Campaign'), layout),
      utmCampaign: readField(doc, field('utm_campaign', 'UTM campaign'), layout),
      region: readField(doc, field('region', 'Region'), layout),
    });
  },
};
