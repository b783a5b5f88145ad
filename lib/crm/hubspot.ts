import type { ObjectType, Signals } from '../protocol';
import { cleanText, type FieldLayout, type FieldLookup, readField } from './fields';
import { found, valueText } from './layouts';
import type { CrmAdapter, RecordRef } from './types';

const HOST = /^app(?:-[a-z0-9]+)?\.hubspot\.com$/;
/** HubSpot's object type ids: 0-1 contact, 0-3 deal, 0-136 lead (0-2 company and 0-5 ticket are not leads). */
const TYPES: Record<string, ObjectType> = { '0-1': 'contact', '0-3': 'deal', '0-136': 'lead' };
const RECORD = /^\/contacts\/\d+\/record\/(0-1|0-3|0-136)\/(\d{1,20})\/?$/;
/**
 * The addresses before object type ids, still built by many tools that link into HubSpot (dashboards,
 * sync tools, chat links: `https://app.hubspot.com/contacts/${portalId}/deal/${dealId}`).
 */
const LEGACY = /^\/contacts\/\d+\/(contact|deal)\/(\d{1,20})\/?$/;

// Properties carry their internal name in data-selenium-test: property-label-<name> on the label,
// property-input-<name> on the value (public extension code); class names are random.
const layout: FieldLayout = {
  labelSelector: '[data-selenium-test^="property-label"]',
  labelText: (label) => cleanText(label.textContent),
  containerOf: (label) => label.parentElement,
  valueIn: (container) =>
    container.matches('[data-selenium-test^="property-input"]')
      ? valueText(container)
      : valueText(container.querySelector('[data-selenium-test^="property-input"]')),
};

function property(name: string, ...labels: string[]): FieldLookup {
  return { anchors: [`[data-selenium-test="property-input-${name}"]`], labels };
}

export const hubspot: CrmAdapter = {
  id: 'hubspot',
  crm: 'hubspot',
  label: 'HubSpot',
  version: '3',
  objectTypes: ['contact', 'deal', 'lead'],
  matches: ['https://*.hubspot.com/*'],

  recognise(url: URL): RecordRef | null {
    if (!HOST.test(url.hostname)) return null;
    const record = url.pathname.match(RECORD);
    if (record) return { objectType: TYPES[record[1]!]!, recordId: record[2]! };
    const legacy = url.pathname.match(LEGACY);
    return legacy ? { objectType: legacy[1] === 'deal' ? 'deal' : 'contact', recordId: legacy[2]! } : null;
  },

  readSignals(doc: Document): Signals {
    // The record's own sidebar; other tabs and previews stay in the DOM.
    const root = doc.querySelector('[data-test-id="left-sidebar"]') ?? doc;
    return found({
      leadSource: readField(
        root,
        property('hs_analytics_source', 'Original Source', 'Original source', 'Fuente original'),
        layout,
      ),
      sourceDetail: readField(
        root,
        property(
          'hs_analytics_source_data_1',
          'Original Source Drill-Down 1',
          'Desglose 1 de la fuente original',
        ),
        layout,
      ),
      utmCampaign:
        readField(root, property('utm_campaign', 'UTM campaign', 'utm_campaign'), layout) ??
        readField(
          root,
          property(
            'hs_analytics_source_data_2',
            'Original Source Drill-Down 2',
            'Desglose 2 de la fuente original',
          ),
          layout,
        ),
      utmSource: readField(root, property('utm_source', 'UTM source', 'utm_source'), layout),
      utmMedium: readField(root, property('utm_medium', 'UTM medium', 'utm_medium'), layout),
      region: readField(root, property('region', 'Region', 'Región'), layout),
    });
  },
};
