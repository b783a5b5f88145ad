import type { ObjectType, Signals } from '../protocol';
import { cleanText, type FieldLayout, readField } from './fields';
import { found, valueText } from './layouts';
import { toSalesforceId18 } from './salesforce-id';
import { salesforceLightning } from './salesforce-lightning';
import type { CrmAdapter, RecordRef } from './types';

/** Classic shows the record at /<id>; the id's prefix says which object it is. */
const PREFIXES: Record<string, ObjectType> = { '00Q': 'lead', '003': 'contact', '006': 'deal' };
const RECORD_PATH = /^\/([A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?)\/?$/;

// Classic detail pages: a td.labelCol cell, its value in the neighbouring td.dataCol (Salesforce
// Inspector Reloaded, addon/inspect-inline.js).
const layout: FieldLayout = {
  labelSelector: 'td.labelCol',
  labelText: (label) => cleanText(label.textContent),
  containerOf: (label) => label,
  valueIn: (cell) => {
    const value = cell.nextElementSibling;
    return value?.matches('td.dataCol') ? valueText(value) : undefined;
  },
};

const field = (...labels: string[]) => ({ anchors: [], labels });

const lightningPath = (url: URL) => url.pathname.startsWith('/lightning/') || url.pathname === '/one/one.app';

export const salesforceClassic: CrmAdapter = {
  id: 'salesforce-classic',
  crm: 'salesforce',
  label: 'Salesforce Classic',
  version: '3',
  objectTypes: ['lead', 'contact', 'deal'],
  // Classic shows records at /<id> on the org's own hosts: commercial, Government Cloud, the
  // cloudforce.com domain, and the My Domain of Hyperforce China (Salesforce Inspector Reloaded
  // addon/manifest.json, addon/background.js and addon/popup.js; forcedotcom/sfdx-core
  // test/unit/util/sfdcUrlTest.ts). *.salesforce-setup.com only serves Setup: not matched.
  // Least privilege: records live under the org's My Domain (<name>.my.salesforce.com, sandboxes
  // <name>--<sandbox>.sandbox.my.salesforce.com). Enhanced domains are enforced since Winter '24 and
  // instanced hosts (eu55.salesforce.com) redirect there (Salesforce Help, "Review Recommended
  // Practices for a My Domain Change" and "Set the My Domain Login Policy"), so not all of
  // *.salesforce.com (login, help, trailhead, …).
  matches: [
    'https://*.my.salesforce.com/*',
    'https://*.my.salesforce.mil/*',
    'https://*.cloudforce.com/*',
    'https://*.my.sfcrmproducts.cn/*',
  ],

  recognise(url: URL): RecordRef | null {
    // A Lightning address on the My Domain host, as tools that link into Salesforce write them (the
    // browser is sent on to *.lightning.force.com): pasted in the popup, it was refused.
    if (lightningPath(url)) return salesforceLightning.recognise(url);
    const candidate = url.pathname.match(RECORD_PATH)?.[1];
    const recordId = candidate ? toSalesforceId18(candidate) : null;
    const objectType = recordId ? PREFIXES[recordId.slice(0, 3)] : undefined;
    return recordId && objectType ? { objectType, recordId } : null;
  },

  /** Such a Lightning address as the Lightning adapter writes it (`/one/one.app#…` was the home page). */
  address(url: URL, record: RecordRef): string {
    return lightningPath(url) && salesforceLightning.address
      ? salesforceLightning.address(url, record)
      : `${url.origin}${url.pathname}`;
  },

  readSignals(doc: Document): Signals {
    return found({
      leadSource: readField(doc, field('Lead Source', 'Origen del candidato'), layout),
      campaignName: readField(
        doc,
        field('Primary Campaign Source', 'Campaign', 'Origen de la campaña principal', 'Campaña'),
        layout,
      ),
      utmCampaign: readField(doc, field('Google Analytics Campaign'), layout),
      region: readField(doc, field('Region', 'Región'), layout),
    });
  },
};
