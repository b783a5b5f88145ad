import type { ObjectType, Signals } from '../protocol';
import { cleanText, type FieldLayout, type FieldLookup, readField } from './fields';
import { found } from './layouts';
import { toSalesforceId18 } from './salesforce-id';
import type { CrmAdapter, RecordRef } from './types';

/** Lightning's API names of the objects we show, with the id prefix each object's records carry. */
const OBJECTS: Record<string, { objectType: ObjectType; prefix: string }> = {
  Lead: { objectType: 'lead', prefix: '00Q' },
  Contact: { objectType: 'contact', prefix: '003' },
  Opportunity: { objectType: 'deal', prefix: '006' },
};

// /lightning/r/<Object>/<id>/view, also /lightning/r/<Object>/<id>/related/<list>/view, and either
// inside an app: /lightning/app/<app>/r/… (Lightning serves a record navigated to from within an app
// there, the app named by its durable id 06m… or its developer name: Salesforce's page reference
// docs, "App" type, /lightning/app/{appTarget}{…pageRef}; a public Lightning page recorder's route
// table lists both addresses).
const RECORD_PATH =
  /^\/lightning\/(?:app\/[A-Za-z0-9_]+\/)?r\/([A-Za-z]+)\/([A-Za-z0-9]{15,18})\/(?:view|related\/[A-Za-z0-9_]+\/view)\/?$/;
// The short address Lightning goes to after a record is saved names no object, only the id
// (/lightning/r/<id>/view; the same recorder, and links in saved Lightning pages): its prefix says which.
const SHORT_PATH = /^\/lightning\/(?:app\/[A-Za-z0-9_]+\/)?r\/([A-Za-z0-9]{15,18})\/view\/?$/;
// The older Lightning address /one/one.app#/sObject/<id>/view names no object: the id's prefix does
// (Salesforce Inspector Reloaded, addon/popup.js).
const ONE_APP_HASH = /^#\/sObject\/([A-Za-z0-9]{15,18})(?:\/view)?\/?(?:\?.*)?$/;

/** Lightning's API name of the object a record type is (Lead, Contact, Opportunity). */
const objectNameOf = (objectType: ObjectType) =>
  Object.keys(OBJECTS).find((name) => OBJECTS[name]?.objectType === objectType);

/** Console apps keep several records in the DOM; only the active workspace tab's one is the rep's. */
const ACTIVE_RECORD = [
  'section.oneConsoleTab div.windowViewMode-maximized.active.lafPageHost',
  'div.windowViewMode-normal.active',
];

const VALUE = '.test-id__field-value, [slot="outputField"], lightning-formatted-text, force-lookup a';

const layout: FieldLayout = {
  labelSelector: 'records-record-layout-item[field-label], .slds-form-element__label',
  labelText: (label) => cleanText(label.getAttribute('field-label') ?? label.textContent),
  containerOf: (label) =>
    label.matches('records-record-layout-item') ? label : label.closest('.slds-form-element'),
  valueIn: (container) => cleanText(container.querySelector(VALUE)?.textContent),
};

function field(objectName: string, apiName: string, labels: string[]): FieldLookup {
  const name = `sfdc:RecordField.${objectName}.${apiName}`;
  return { anchors: [`[data-target-selection-name="${name}"]`], labels };
}

function activeRoot(doc: Document): ParentNode {
  for (const selector of ACTIVE_RECORD) {
    const root = doc.querySelector(selector);
    if (root) return root;
  }
  return doc;
}

/** The Salesforce id in a lookup's link, such as a Primary Campaign Source's /lightning/r/701…/view. */
function lookupId(root: ParentNode, lookup: FieldLookup): string | undefined {
  for (const selector of lookup.anchors) {
    const href = root.querySelector(`${selector} force-lookup a[href], ${selector} a[href*="/lightning/r/"]`);
    const match = href?.getAttribute('href')?.match(/\/lightning\/r\/(?:Campaign\/)?([A-Za-z0-9]{15,18})\//);
    const id = match?.[1] && toSalesforceId18(match[1]);
    if (id) return id;
  }
  return undefined;
}

export const salesforceLightning: CrmAdapter = {
  id: 'salesforce-lightning',
  crm: 'salesforce',
  label: 'Salesforce Lightning',
  version: '3',
  objectTypes: ['lead', 'contact', 'deal'],
  // Where Lightning records live: commercial, Government Cloud (.mil), Hyperforce China, and behind
  // Microsoft Defender for Cloud Apps (Salesforce Inspector Reloaded addon/manifest.json and
  // addon/popup.js; forcedotcom/sfdx-core test/unit/util/sfdcUrlTest.ts). Setup, Visualforce and
  // Experience Cloud hosts hold no lead records.
  matches: [
    'https://*.lightning.force.com/*',
    'https://*.lightning.force.mil/*',
    'https://*.lightning.crmforce.mil/*',
    'https://*.lightning.sfcrmapps.cn/*',
    'https://*.lightning.force.com.mcas.ms/*',
  ],

  recognise(url: URL): RecordRef | null {
    const byPrefix = (id: string | undefined): RecordRef | null => {
      const recordId = toSalesforceId18(id ?? '');
      const object = Object.values(OBJECTS).find((candidate) => recordId?.startsWith(candidate.prefix));
      return recordId && object ? { objectType: object.objectType, recordId } : null;
    };
    if (url.pathname === '/one/one.app') return byPrefix(url.hash.match(ONE_APP_HASH)?.[1]);
    const short = url.pathname.match(SHORT_PATH);
    if (short) return byPrefix(short[1]);
    const match = url.pathname.match(RECORD_PATH);
    const object = match?.[1] ? OBJECTS[match[1]] : undefined;
    const recordId = match?.[2] ? toSalesforceId18(match[2]) : null;
    if (!object || !recordId?.startsWith(object.prefix)) return null;
    return { objectType: object.objectType, recordId };
  },

  /** /lightning/r/<Object>/<id>/view, also for a one.app#/sObject/<id> page, a short or app-scoped
   * address, or a related list. */
  address(url: URL, record: RecordRef): string {
    const objectName = objectNameOf(record.objectType);
    return `${url.origin}/lightning/r/${objectName}/${record.recordId}/view`;
  },

  readSignals(doc: Document, record: RecordRef): Signals {
    const objectName = objectNameOf(record.objectType);
    if (!objectName) return {};
    const root = activeRoot(doc);
    const campaign = field(objectName, 'CampaignId', [
      'Primary Campaign Source',
      'Campaign',
      'Origen de la campaña principal',
      'Campaña',
    ]);
    const signals: Signals = {
      leadSource: readField(
        root,
        field(objectName, 'LeadSource', ['Lead Source', 'Origen del candidato']),
        layout,
      ),
      campaignName:
        readField(root, campaign, layout) ??
        readField(root, field(objectName, 'pi__campaign__c', ['Pardot Campaign', 'Campaign']), layout),
      campaignId: lookupId(root, campaign),
      utmSource: readField(root, field(objectName, 'pi__utm_source__c', ['Google Analytics Source']), layout),
      utmMedium: readField(root, field(objectName, 'pi__utm_medium__c', ['Google Analytics Medium']), layout),
      utmCampaign: readField(
        root,
        field(objectName, 'pi__utm_campaign__c', ['Google Analytics Campaign']),
        layout,
      ),
      region: readField(root, field(objectName, 'Region__c', ['Region', 'Región']), layout),
    };
    return found(signals);
  },
};
