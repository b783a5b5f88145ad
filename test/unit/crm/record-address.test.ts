import { describe, expect, it } from 'vitest';
import { adapterFor, recordAddress, recordFromUrl } from '../../../lib/crm';
import { DEFAULT_SETTINGS } from '../../../lib/settings';
import { withCustomSite } from '../../support/examples';

const DYNAMICS_ID = '5e1a3c2b-7d4f-4a6e-9b8c-1d2e3f4a5b6c';
const APP_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('the record address a verdict carries', () => {
  it.each([
    [
      'Dynamics 365: the record from the query, in its app, without the form, the search or the fragment',
      `https://contoso.crm4.dynamics.com/main.aspx?appid=${APP_ID}&forceUCI=1&pagetype=entityrecord&etn=lead&id=%7B${DYNAMICS_ID.toUpperCase()}%7D&formid=1&q=ana%40example.com#tab=summary`,
      `https://contoso.crm4.dynamics.com/main.aspx?appid=${APP_ID}&pagetype=entityrecord&etn=lead&id=${DYNAMICS_ID}`,
    ],
    [
      'Dynamics 365: parameters after the hash, an opportunity, no app',
      `https://contoso.crm.dynamics.com/main.aspx#etn=opportunity&pagetype=entityrecord&id=${DYNAMICS_ID}`,
      `https://contoso.crm.dynamics.com/main.aspx?pagetype=entityrecord&etn=opportunity&id=${DYNAMICS_ID}`,
    ],
    [
      'Salesforce: the older one.app address, as its Lightning record address (18-character id)',
      'https://acme.lightning.force.com/one/one.app#/sObject/00Q5g00000A1b2c/view',
      'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
    ],
    [
      'Salesforce: a related list of the record (15-character id), and a search in the query',
      'https://acme.lightning.force.com/lightning/r/Opportunity/0065g00000XyZ12/related/Contacts/view?q=ana',
      'https://acme.lightning.force.com/lightning/r/Opportunity/0065g00000XyZ12AAF/view',
    ],
    [
      'HubSpot: the path alone',
      'https://app.hubspot.com/contacts/1234567/record/0-1/501?search=ana%40example.com#activity',
      'https://app.hubspot.com/contacts/1234567/record/0-1/501',
    ],
    [
      'Salesforce: a Lightning link on the org’s My Domain host (tools write them; the browser goes on to Lightning)',
      'https://zuora.my.salesforce.com/lightning/r/Opportunity/006Po00000FavRvIAJ/view',
      'https://zuora.my.salesforce.com/lightning/r/Opportunity/006Po00000FavRvIAJ/view',
    ],
    [
      'Salesforce: the older one.app link on the My Domain host, as its Lightning record address',
      'https://acme.my.salesforce.com/one/one.app#/sObject/00Q5g00000A1b2c/view',
      'https://acme.my.salesforce.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
    ],
    [
      'HubSpot: the old deal address many tools still build',
      'https://app.hubspot.com/contacts/4412345/deal/301724818164/',
      'https://app.hubspot.com/contacts/4412345/deal/301724818164/',
    ],
    [
      'a page no CRM claims: the path alone',
      'https://news.example/article?utm_source=x#top',
      'https://news.example/article',
    ],
  ])('%s', (_what, page, address) => {
    expect(recordAddress(page)).toBe(address);
    // What the workspace checks and what marketing opens: the same CRM, the same record.
    const before = recordFromUrl(page);
    if (page.startsWith('https://news.example/')) return expect(before).toBeNull();
    expect(before).not.toBeNull();
    expect(recordFromUrl(address)).toEqual(before);
    expect(adapterFor(new URL(address))?.crm).toBe(before!.crm);
  });

  it('keeps only the query parameters a custom site names for its record', () => {
    const settings = withCustomSite();
    expect(
      recordAddress(
        'https://crm.acme-internal.test/servlet?view=full&lid=42&q=ana%40example.com#x',
        settings,
      ),
    ).toBe('https://crm.acme-internal.test/servlet?lid=42');
    // The same page, the site unknown: nothing of the query.
    expect(recordAddress('https://crm.acme-internal.test/servlet?view=full&lid=42')).toBe(
      'https://crm.acme-internal.test/servlet',
    );
    // A named parameter whose value is more than an id (the pattern is not anchored) is left out.
    expect(recordAddress('https://crm.acme-internal.test/servlet?lid=42%20ana%40example.com', settings)).toBe(
      'https://crm.acme-internal.test/servlet',
    );
  });

  it('still rebuilds the address of a switched-off CRM (a link pasted in the popup)', () => {
    const off = { ...DEFAULT_SETTINGS, enabledCrms: { dynamics: false } };
    expect(
      recordAddress(
        `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=lead&id=${DYNAMICS_ID}&q=ana`,
        off,
      ),
    ).toBe(`https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=lead&id=${DYNAMICS_ID}`);
  });

  it('gives no address past the protocol’s length for one', () => {
    const settings = withCustomSite();
    const long = `https://crm.acme-internal.test/${'a/'.repeat(1_100)}servlet?lid=42`;
    expect(recordAddress(long, settings)).toBeUndefined();
  });

  it.each(['javascript:alert(1)', 'data:text/html,<p>x', 'not an address', ''])(
    'gives no address for %j',
    (page) => {
      expect(recordAddress(page)).toBeUndefined();
    },
  );
});

describe('record links other tools write', () => {
  it('are the record they name: a Lightning link on the My Domain host, HubSpot’s old deal address', () => {
    expect(
      recordFromUrl('https://zuora.my.salesforce.com/lightning/r/Opportunity/006Po00000FavRvIAJ/view'),
    ).toMatchObject({
      crm: 'salesforce',
      objectType: 'deal',
      recordId: '006Po00000FavRvIAJ',
    });
    expect(
      recordFromUrl(
        'https://tucsonbotanical--trainings.sandbox.my.salesforce.com/lightning/r/Contact/003W400000zwP2yIAE/view',
      ),
    ).toMatchObject({ crm: 'salesforce', objectType: 'contact', recordId: '003W400000zwP2yIAE' });
    expect(recordFromUrl('https://app.hubspot.com/contacts/4412345/deal/301724818164/')).toMatchObject({
      crm: 'hubspot',
      objectType: 'deal',
      recordId: '301724818164',
    });
  });
});

describe('the record address of a verdict given just after a single-page CRM moved on', () => {
  const before = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
  const after = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000Z9y8xEAB/view';

  it('is none rather than the address of the record before', () => {
    const lead = { crm: 'salesforce', recordId: '00Q5g00000Z9y8xEAB' };
    expect(recordAddress(before, DEFAULT_SETTINGS, lead)).toBeUndefined();
    expect(recordAddress(after, DEFAULT_SETTINGS, lead)).toBe(after);
    // A custom site on a built-in CRM's host reads the id as the address writes it (15 characters
    // here, where Salesforce's adapter gives 18): its own record's address stays.
    const classic = 'https://acme.my.salesforce.com/00Q5g00000Z9y8x';
    expect(
      recordAddress(classic, DEFAULT_SETTINGS, { crm: 'custom', recordId: '00Q5g00000Z9y8x' }),
    ).toBeDefined();
  });

  it('is the address the content script read the lead from, on the tab’s own origin only', async () => {
    const { pageAddress } = await import('../../../lib/background/panels');
    // Told within the page's pushState: the tab's address is still the record before.
    expect(pageAddress(after, before)).toBe(after);
    expect(pageAddress(undefined, before)).toBe(before);
    expect(pageAddress('https://evil.example/lightning/r/Lead/00Q5g00000Z9y8xEAB/view', before)).toBe(before);
    expect(pageAddress('not a url', before)).toBe(before);
  });
});
