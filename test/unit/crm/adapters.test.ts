import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MatchPattern } from 'wxt/utils/match-patterns';
import { ADAPTERS, adapterFor, CRM_MATCHES, detectLead, detectWith, recordAddress } from '../../../lib/crm';
import { loadFixtures, parseFixture } from '../../support/fixtures';

const fixtures = loadFixtures();
const CRM_DIR = join(import.meta.dirname, '..', '..', '..', 'lib', 'crm');

describe('every saved CRM page', () => {
  it.each(fixtures.map((f) => [`${f.adapterId}/${f.name}`, f] as const))(
    '%s is detected as its header says',
    (_, fixture) => {
      expect(fixture.source.length).toBeGreaterThan(20);
      expect(detectLead(fixture.url, parseFixture(fixture.html))).toEqual(fixture.expect);
    },
  );

  it.each(
    ADAPTERS.flatMap((adapter) =>
      fixtures
        .filter((f) => f.adapterId !== adapter.id)
        .map((f) => [adapter.id, `${f.adapterId}/${f.name}`, adapter, f] as const),
    ),
  )('%s sees nothing on %s', (_a, _f, adapter, fixture) => {
    expect(detectWith(adapter, new URL(fixture.url), parseFixture(fixture.html))).toBeNull();
  });
});

describe('the adapter registry', () => {
  const adapterFiles = readdirSync(CRM_DIR).filter((file) =>
    /:\s*CrmAdapter\s*=/.test(readFileSync(join(CRM_DIR, file), 'utf8')),
  );

  it('lists every adapter file, under the file name as its id', () => {
    expect(adapterFiles.length).toBeGreaterThan(0);
    expect(ADAPTERS.map((a) => `${a.id}.ts`).sort()).toEqual(adapterFiles.sort());
  });

  it.each(ADAPTERS.map((a) => [a.id, a] as const))(
    '%s has a fixture page for each record type it claims',
    (_, adapter) => {
      const seen = new Set(
        fixtures.filter((f) => f.adapterId === adapter.id).map((f) => f.expect?.objectType),
      );
      for (const objectType of adapter.objectTypes)
        expect(seen, `${adapter.id}: no ${objectType} fixture`).toContain(objectType);
    },
  );

  it('matches hosts in a service worker, where there is no Location', () => {
    const location = Object.getOwnPropertyDescriptor(globalThis, 'Location');
    Reflect.deleteProperty(globalThis, 'Location');
    try {
      expect(adapterFor(new URL('https://acme.lightning.force.com/lightning/page/home'))?.id).toBe(
        'salesforce-lightning',
      );
    } finally {
      if (location) Object.defineProperty(globalThis, 'Location', location);
    }
  });

  it('puts every adapter host in the content script matches', () => {
    for (const adapter of ADAPTERS) for (const match of adapter.matches) expect(CRM_MATCHES).toContain(match);
  });

  it('gives every built-in adapter a version, for page reports', () => {
    for (const adapter of ADAPTERS) expect(adapter.version, adapter.id).toMatch(/^\d+$/);
  });

  it('asks for no Salesforce host where records do not live (Setup, Visualforce, Experience Builder)', () => {
    for (const match of CRM_MATCHES)
      expect(match).not.toMatch(
        /salesforce-setup|visualforce|\.vf\.force|\.visual\.force|builder\.salesforce-experience/,
      );
  });
});

/** A Lightning lead whose only readable field sits in a widget's open shadow root, beside our panel's. */
const SHADOW_LEAD = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
const shadowLeadPage = () =>
  parseFixture(`<!doctype html><body>
      <sameroom-panel><template shadowrootmode="open">
        <records-record-layout-item field-label="Lead Source">
          <div data-target-selection-name="sfdc:RecordField.Lead.LeadSource">
            <span class="test-id__field-value">Trade Show</span>
          </div>
        </records-record-layout-item>
      </template></sameroom-panel>
      <other-widget><template shadowrootmode="open">
        <records-record-layout-item field-label="Region">
          <div data-target-selection-name="sfdc:RecordField.Lead.Region__c">
            <span class="test-id__field-value">DACH</span>
          </div>
        </records-record-layout-item>
      </template></other-widget>
    </body>`);

describe('our own panel', () => {
  it("is never read as the CRM's page, even when it shows a field the adapter looks for", () => {
    expect(detectLead(SHADOW_LEAD, shadowLeadPage())?.signals).toEqual({ region: 'DACH' });
  });
});

describe('reading a record page', () => {
  it('walks the page for shadow roots once per read, however many fields it lacks', () => {
    const doc = shadowLeadPage();
    const walk = vi.spyOn(doc, 'querySelectorAll');
    try {
      expect(detectLead(SHADOW_LEAD, doc)?.signals).toEqual({ region: 'DACH' });
      // Every field the page lacks was looked for in the shadow roots: one walk of the page found them.
      expect(walk.mock.calls.filter(([selector]) => selector === '*')).toHaveLength(1);
      // A second read walks again: the page may have changed since.
      detectLead(SHADOW_LEAD, doc);
      expect(walk.mock.calls.filter(([selector]) => selector === '*')).toHaveLength(2);
    } finally {
      walk.mockRestore();
    }
  });
});

describe('record URLs that are not records', () => {
  const doc = parseFixture('<!doctype html><body></body>');
  it.each([
    [
      'a look-alike host',
      'https://acme.lightning.force.com.evil.example/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
    ],
    ['plain HTTP', 'http://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view'],
    ['the setup pages', 'https://acme.lightning.force.com/lightning/setup/SetupOneHome/home'],
    ['the home page', 'https://acme.lightning.force.com/lightning/page/home'],
    ['an id of the wrong length', 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2/view'],
    [
      'an 18-character id with a wrong checksum',
      'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cAAA/view',
    ],
    ['a Contact id under Lead', 'https://acme.lightning.force.com/lightning/r/Lead/0035g00000Ab3DeAAJ/view'],
    [
      'an object we do not show',
      'https://acme.lightning.force.com/lightning/r/Account/0015g00000Ab3DeAAJ/view',
    ],
    ['a record edit dialog', 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/edit'],
    ['not a URL', 'lightning/r/Lead/00Q5g00000A1b2cEAB/view'],
    ['a HubSpot look-alike host', 'https://app.hubspot.com.evil.example/contacts/1/record/0-1/51234'],
    ['a HubSpot marketing site', 'https://www.hubspot.com/contacts/1/record/0-1/51234'],
    ['a HubSpot id that is not a number', 'https://app.hubspot.com/contacts/1/record/0-1/abc'],
    [
      'a Dynamics look-alike host',
      'https://contoso.crm4.dynamics.com.evil.example/main.aspx?pagetype=entityrecord&etn=lead&id=5e1a3c2b-7d4f-4a6e-9b8c-1d2e3f4a5b6c',
    ],
    [
      'a Dynamics record without an id',
      'https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=lead',
    ],
    [
      'a Dynamics entity we do not show',
      'https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id=5e1a3c2b-7d4f-4a6e-9b8c-1d2e3f4a5b6c',
    ],
    ['a Zoho look-alike host', 'https://crm.zoho.com.evil.example/crm/org1/tab/Leads/4876876000001234567'],
    ['a Zoho module we do not show', 'https://crm.zoho.com/crm/org1/tab/Accounts/4876876000001234567'],
    ['a Close id of the wrong shape', 'https://app.close.com/lead/4kQ2z9Yw7XnB1cD3eF5gH7/'],
    [
      'a Freshsales look-alike host',
      'https://acme.myfreshworks.com.evil.example/crm/sales/contacts/16000123456',
    ],
    ['a Pipedrive lead id that is not a UUID', 'https://acme.pipedrive.com/leads/inbox/12345'],
    ['an Attio id that is not a UUID', 'https://app.attio.com/acme/person/jane-doe'],
    ['a Salesforce Classic edit page', 'https://acme.my.salesforce.com/00Q5g00000A1b2c/e'],
    // Least privilege: no records live on Salesforce's own sites, only under an org's My Domain.
    ['Salesforce Help', 'https://help.salesforce.com/00Q5g00000A1b2c'],
    ['the Salesforce login page', 'https://login.salesforce.com/00Q5g00000A1b2c'],
    ['an instanced host (it redirects to the My Domain)', 'https://eu55.salesforce.com/00Q5g00000A1b2c'],
    ['Salesforce Setup on its own domain', 'https://acme.my.salesforce-setup.com/00Q5g00000A1b2c'],
    ['a Visualforce page', 'https://acme--c.vf.force.com/apex/Page?id=00Q5g00000A1b2cEAB'],
    [
      'a Lightning look-alike of a Government Cloud host',
      'https://acme.lightning.crmforce.mil.evil.example/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
    ],
    [
      'a one.app address of an Account',
      'https://acme.lightning.force.com/one/one.app#/sObject/0015g00000Ab3DeAAJ/view',
    ],
    [
      'a Close id as short as our old pattern allowed',
      'https://app.close.com/lead/lead_4kQ2z9Yw7XnB1cD3eF5gH74kQ2z9Yw7XnB1cD3eF5g/',
    ],
    [
      'a Close opportunity',
      'https://app.close.com/opportunity/oppo_70jZ5hiVt5X31MZ3vJ0R0GJMqJEihkoF7TtSVFbN2ty/',
    ],
    ['an Attio company', 'https://app.attio.com/acme/company/8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d/overview'],
    [
      'an Attio company under its plural object slug',
      'https://app.attio.com/acme/companies/record/8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d/overview',
    ],
    [
      'the Attio people slug without /record/ (only the object form names a person there)',
      'https://app.attio.com/acme/people/5c4b3a29-1807-4f6e-9d5c-4b3a29180706',
    ],
    [
      'an Attio notes list whose query names a note',
      'https://app.attio.com/acme/notes/notes?modal=note&id=05649629-8d0c-4b6a-a2b6-a0f9d95effa6',
    ],
    [
      'a Zoho Accounts record inside Zoho One',
      'https://one.zoho.com/zohoone/acme/home/cxapp/crm/org749642405/tab/Accounts/4876876000000333333',
    ],
    ['a Zoho One page that is not CRM', 'https://one.zoho.com/zohoone/acme/home/cxapp/people/zpeoplehr/zp'],
    ['a HubSpot ticket', 'https://app.hubspot.com/contacts/4412345/record/0-5/222'],
    ['a Freshsales contacts list on the classic host', 'https://acme.freshsales.io/contacts/view/8000328941'],
    [
      'a Dynamics record on a look-alike path',
      'https://contoso.crm.dynamics.com/main.aspx/x?pagetype=entityrecord&etn=lead&id=5e1a3c2b-7d4f-4a6e-9b8c-1d2e3f4a5b6c',
    ],
  ])('%s', (_, url) => {
    expect(detectLead(url, doc)).toBeNull();
  });

  it.each([
    [
      'the app given by appname=',
      'appname=msdyn_SalesHub&pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a',
    ],
    ['no app at all', 'pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a'],
    [
      'the id URL-encoded in braces, upper case',
      'etn=lead&pagetype=entityrecord&id=%7B7C2B1A0F-3E4D-4C5B-8A69-0F1E2D3C4B5A%7D',
    ],
    [
      'parameter names in another case',
      'pageType=EntityRecord&etn=Lead&ID=7C2B1A0F-3E4D-4C5B-8A69-0F1E2D3C4B5A',
    ],
  ])('recognises a Dynamics record with %s, as the same lead', (_, query) => {
    const lead = detectLead(`https://contoso.crm4.dynamics.com/main.aspx?${query}`, doc);
    expect(lead).toMatchObject({ objectType: 'lead', recordId: '7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a' });
  });

  it.each([
    [
      'a Salesforce lead opened from within an app (/lightning/app/<app>/r/…)',
      'https://acme.lightning.force.com/lightning/app/06m5g000003LaxBAAS/r/Lead/00Q5g00000A1b2cEAB/view',
      { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB' },
    ],
    [
      'a Salesforce app named by its developer name',
      'https://acme.lightning.force.com/lightning/app/standard__LightningSales/r/Opportunity/0065g00000Ab3DeAAJ/view',
      { crm: 'salesforce', objectType: 'deal', recordId: '0065g00000Ab3DeAAJ' },
    ],
    [
      'the short Salesforce address Lightning goes to after Save (/lightning/r/<id>/view)',
      'https://acme.lightning.force.com/lightning/r/00Q5g00000A1b2c/view',
      { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB' },
    ],
    [
      'a Zoho sandbox record under the organisation’s portal name',
      'https://crmsandbox.zoho.com/crm/zohoplayground/tab/Leads/4876876000001234567',
      { crm: 'zoho', objectType: 'lead', recordId: '4876876000001234567' },
    ],
    [
      'a Zoho CRM Plus deal',
      'https://crmplus.zoho.com/acme/index.do/cxapp/crm/org908687475/tab/Potentials/4876876000001234567',
      { crm: 'zoho', objectType: 'deal', recordId: '4876876000001234567' },
    ],
    [
      'a Zoho CRM Plus lead under a portal name, in the EU',
      'https://crmplus.zoho.eu/acme/index.do/cxapp/crm/acmecrm/tab/Leads/4876876000001234567',
      { crm: 'zoho', objectType: 'lead', recordId: '4876876000001234567' },
    ],
    [
      'a Zoho One contact in India',
      'https://one.zoho.in/zohoone/acme/home/cxapp/crm/org60068319712/tab/Contacts/4876876000001234567',
      { crm: 'zoho', objectType: 'contact', recordId: '4876876000001234567' },
    ],
    [
      'a Dynamics record under an app’s URL suffix',
      'https://contoso.crm4.dynamics.com/Apps/SalesHub/main.aspx?pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a',
      { crm: 'dynamics', objectType: 'lead', recordId: '7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a' },
    ],
    [
      'a Dynamics record under an app’s unique name',
      'https://contoso.crm4.dynamics.com/apps/uniquename/contoso_sales/main.aspx?etn=opportunity&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a&pagetype=entityrecord',
      { crm: 'dynamics', objectType: 'deal', recordId: '7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a' },
    ],
    [
      'an older Dynamics "Send a link" address naming the table by its type code',
      'https://contoso.crm4.dynamics.com/main.aspx?etc=2&id=%7b7C2B1A0F-3E4D-4C5B-8A69-0F1E2D3C4B5A%7d&pagetype=entityrecord',
      { crm: 'dynamics', objectType: 'contact', recordId: '7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a' },
    ],
  ])('recognises %s', (_, url, record) => {
    expect(detectLead(url, doc)).toMatchObject(record);
    expect(CRM_MATCHES.some((match) => new MatchPattern(match).includes(url))).toBe(true);
  });

  it.each([
    [
      'a short Salesforce address of an Account',
      'https://acme.lightning.force.com/lightning/r/0015g00000Ab3DeAAJ/view',
    ],
    [
      'a short Salesforce address whose id fails its checksum',
      'https://acme.lightning.force.com/lightning/r/00Q5g00000A1b2cAAA/view',
    ],
    [
      'a Salesforce app’s home, no record',
      'https://acme.lightning.force.com/lightning/app/06m5g000003LaxBAAS',
    ],
    [
      'a Dynamics record whose type code is a custom table’s',
      'https://contoso.crm4.dynamics.com/main.aspx?etc=10012&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a&pagetype=entityrecord',
    ],
    [
      'a Dynamics app page that is not main.aspx',
      'https://contoso.crm4.dynamics.com/Apps/SalesHub/other.aspx?pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a',
    ],
    [
      'a Zoho CRM Plus page outside CRM',
      'https://crmplus.zoho.com/acme/index.do/cxapp/projects/acme#taskdetail/4030270000030/4030270000037',
    ],
  ])('takes no %s', (_, url) => {
    expect(detectLead(url, doc)).toBeNull();
  });

  it('keeps a Dynamics app’s own address, and an app-scoped Salesforce record’s plain one, as the lead’s address', () => {
    const dynamics = recordAddress(
      'https://contoso.crm4.dynamics.com/Apps/uniquename/contoso_sales/main.aspx?etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a&pagetype=entityrecord&navbar=off',
    );
    expect(dynamics).toBe(
      'https://contoso.crm4.dynamics.com/Apps/uniquename/contoso_sales/main.aspx?pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a',
    );
    const salesforce = recordAddress(
      'https://acme.lightning.force.com/lightning/app/06m5g000003LaxBAAS/r/00Q5g00000A1b2cEAB/view',
    );
    expect(salesforce).toBe('https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view');
  });

  it.each([
    ['Canada (zohocloud.ca)', 'https://crm.zohocloud.ca/crm/org110000402423/tab/Deals/4150868000000225013'],
    ['Saudi Arabia', 'https://crm.zoho.sa/crm/tab/Leads/4150868000000225013'],
    ['the UK', 'https://crm.zoho.uk/crm/org20098765/tab/Contacts/4150868000000225013'],
    ['the UK’s sandbox', 'https://crmsandbox.zoho.uk/crm/org20098765/tab/Leads/4150868000000225013'],
  ])('recognises a Zoho CRM record in its data centre in %s', (_, url) => {
    expect(detectLead(url, doc)).toMatchObject({ crm: 'zoho', recordId: '4150868000000225013' });
    expect(CRM_MATCHES.some((match) => new MatchPattern(match).includes(url))).toBe(true);
  });

  it.each([
    ['US Government GCC High', 'https://contoso.crm.microsoftdynamics.us'],
    ['US Government DoD', 'https://contoso.crm.appsplatform.us'],
    ['China (21Vianet)', 'https://contoso.crm.dynamics.cn'],
    ['US Government GCC', 'https://contoso.crm9.dynamics.com'],
    ['behind Defender for Cloud Apps (its session proxy)', 'https://contoso.crm6.dynamics.com.mcas.ms'],
  ])('recognises a Dynamics 365 record in its cloud or proxy: %s', (_, origin) => {
    const url = `${origin}/main.aspx?appid=0d3a8f3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b&pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a`;
    expect(detectLead(url, doc)).toMatchObject({
      crm: 'dynamics',
      objectType: 'lead',
      recordId: '7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a',
    });
    expect(CRM_MATCHES.some((match) => new MatchPattern(match).includes(url))).toBe(true);
  });

  it('takes no host that only ends like a Dynamics cloud', () => {
    const query = 'pagetype=entityrecord&etn=lead&id=7c2b1a0f-3e4d-4c5b-8a69-0f1e2d3c4b5a';
    expect(
      detectLead(`https://contoso.crm.microsoftdynamics.us.evil.example/main.aspx?${query}`, doc),
    ).toBeNull();
    expect(detectLead(`https://crm.dynamics.cn/main.aspx?${query}`, doc)).toBeNull();
    expect(
      detectLead(`https://contoso.crm.dynamics.com.mcas.ms.evil.example/main.aspx?${query}`, doc),
    ).toBeNull();
  });

  it('takes no Zoho host that is not one (zoho.ca does not resolve: Canada is zohocloud.ca)', () => {
    expect(detectLead('https://crm.zoho.ca/crm/tab/Leads/4150868000000225013', doc)).toBeNull();
  });

  it('normalises a 15-character id to 18 characters', () => {
    const lead = detectLead('https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2c/view', doc);
    expect(lead?.recordId).toBe('00Q5g00000A1b2cEAB');
  });

  it('still recognises the record when reading the page throws', () => {
    const hostile = parseFixture('<!doctype html><body></body>');
    Object.defineProperty(hostile, 'querySelector', {
      value: () => {
        throw new Error('hostile');
      },
    });
    Object.defineProperty(hostile, 'querySelectorAll', {
      value: () => {
        throw new Error('hostile');
      },
    });
    const lead = detectLead(
      'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
      hostile,
    );
    expect(lead).toEqual({
      crm: 'salesforce',
      objectType: 'lead',
      recordId: '00Q5g00000A1b2cEAB',
      signals: {},
    });
  });
});

describe('reading the same page again', () => {
  // The match-pattern library builds its regular expressions on every test; a busy page is read
  // several times at one address (issue 11).
  it('tests the address against the match patterns once, not on every read', () => {
    const url = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
    const doc = new DOMParser().parseFromString('<main></main>', 'text/html');
    expect(detectLead(url, doc)).toMatchObject({ crm: 'salesforce' });
    const tests = vi.spyOn(MatchPattern.prototype, 'includes');
    for (let n = 0; n < 5; n++) expect(detectLead(url, doc)).toMatchObject({ crm: 'salesforce' });
    expect(tests).not.toHaveBeenCalled();
    expect(
      detectLead('https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/edit', doc),
    ).not.toBeUndefined();
    expect(tests).toHaveBeenCalled();
    tests.mockRestore();
  });
});
