import type { ObjectType, Signals } from '../protocol';
import { cleanText, type FieldLayout, type FieldLookup, readField } from './fields';
import { found, valueText } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const HOST = /^[a-z0-9-]+\.crm\d*\.dynamics\.com$/;
const ENTITIES: Record<string, ObjectType> = { lead: 'lead', contact: 'contact', opportunity: 'deal' };
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

// Unified Interface forms mark each field with data-id from its logical name:
// <f>-FieldSectionItemContainer, <f>.fieldControl…, label ids …<f>-field-label (microsoft/EasyRepro).
const layout: FieldLayout = {
  labelSelector: 'label[id$="-field-label"]',
  labelText: (label) => cleanText(label.textContent),
  containerOf: (label) => label.closest('[data-id$="-FieldSectionItemContainer"]'),
  valueIn: (container) =>
    container.matches('[data-id*=".fieldControl"]')
      ? valueText(container)
      : valueText(container.querySelector('[data-id*=".fieldControl"]')),
};

function attribute(name: string, ...labels: string[]): FieldLookup {
  return {
    anchors: [`[data-id="${name}.fieldControl-option-set-container"]`, `[data-id^="${name}.fieldControl"]`],
    labels,
  };
}

export const dynamics: CrmAdapter = {
  id: 'dynamics',
  crm: 'dynamics',
  label: 'Dynamics 365',
  objectTypes: ['lead', 'contact', 'deal'],
  matches: ['https://*.dynamics.com/*'],

  recognise(url: URL): RecordRef | null {
    if (!HOST.test(url.hostname) || url.pathname.toLowerCase() !== '/main.aspx') return null;
    // Parameters come in any order, and some apps put them after the hash.
    const params = new URLSearchParams(url.search || url.hash.replace(/^#/, ''));
    const objectType = ENTITIES[params.get('etn')?.toLowerCase() ?? ''];
    const id = params.get('id')?.match(GUID)?.[1];
    if (params.get('pagetype')?.toLowerCase() !== 'entityrecord' || !objectType || !id) return null;
    return { objectType, recordId: id.toLowerCase() };
  },

  readSignals(doc: Document): Signals {
    const root = doc.querySelector('[data-id="editFormRoot"]') ?? doc;
    return found({
      leadSource: readField(root, attribute('leadsourcecode', 'Lead Source'), layout),
      campaignName: readField(root, attribute('campaignid', 'Source Campaign', 'Campaign'), layout),
      utmCampaign: readField(root, attribute('msdyncrm_utmcampaign', 'UTM Campaign'), layout),
      region: readField(root, attribute('address1_stateorprovince', 'State/Province'), layout),
    });
  },
};
