import type { ObjectType, Signals } from '../protocol';
import { readField } from './fields';
import { found, labelledLayout } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/**
 * People at /<workspace>/person/<id>, and under the plural object slug as /<workspace>/people/record/<id>
 * (the generic /<object>/record/<id> form public integration code also links people with); deals at
 * /<workspace>/deals/record/<id> (also /deals/<id>), each with a tab after it (/overview, /notes…).
 * Companies (/company/, /companies/) are not leads. A note opened in a modal adds ?modal=note&id=<note
 * id>: only the path names the record (Attio's API web_url and public integration code).
 */
const RECORD = new RegExp(
  `^/[A-Za-z0-9_-]{1,64}/(person|deals|people(?=/record/))/(?:record/)?(${UUID})(?:/[A-Za-z0-9_/-]*)?$`,
  'i',
);
const TYPES: Record<string, ObjectType> = { person: 'person', people: 'person', deals: 'deal' };

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
  version: '3',
  objectTypes: ['person', 'deal'],
  matches: ['https://app.attio.com/*'],

  recognise(url: URL): RecordRef | null {
    const record = url.pathname.match(RECORD);
    const objectType = record ? TYPES[record[1]!.toLowerCase()] : undefined;
    return record && objectType ? { objectType, recordId: record[2]!.toLowerCase() } : null;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('lead_source', 'Lead source', 'Origen del lead'), layout),
      campaignName: readField(doc, field('campaign', 'Campaign', 'Campaña'), layout),
      utmCampaign: readField(doc, field('utm_campaign', 'UTM campaign'), layout),
      region: readField(doc, field('region', 'Region', 'Región'), layout),
    });
  },
};
