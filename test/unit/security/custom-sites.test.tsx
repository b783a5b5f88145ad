import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SiteNotices } from '../../../entrypoints/options/SiteNotices';
import { detectLead, recordAddress } from '../../../lib/crm';
import { activeAdapters, customAdapter } from '../../../lib/crm/custom';
import { removeSite } from '../../../lib/platform/custom-sites';
import { settingsItem } from '../../../lib/platform/settings';
import { type CustomSite, DEFAULT_SETTINGS } from '../../../lib/settings';
import { checkCustomSite } from '../../../lib/settings/custom-site';
import { isPublicSuffix } from '../../../lib/settings/public-suffix';

const SITE = {
  label: 'Acme CRM',
  match: 'https://crm.acme-internal.test/*',
  recordPattern: '/lead/(?<id>\\d+)',
  recordQuery: '',
  objectType: 'lead',
  fields: {},
};

function site(change: Record<string, unknown> = {}): CustomSite {
  const checked = checkCustomSite({ ...SITE, ...change }, 'site-1');
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.site;
}

const recordAt = (url: string, custom = site()) => customAdapter(custom).recognise(new URL(url))?.recordId;

describe('custom sites are HTTPS only', () => {
  it.each([
    ['plain HTTP', 'http://crm.acme-internal.test/*'],
    ['any scheme', '*://crm.acme-internal.test/*'],
  ])('refuses %s, saying to use HTTPS', (_, match) => {
    const checked = checkCustomSite({ ...SITE, match }, 'site-1');
    expect(checked).toEqual({
      ok: false,
      problems: { match: expect.stringContaining('must be an HTTPS site') },
    });
  });

  it('never reads a record from a page over plain HTTP, even on a site saved before', () => {
    const old: CustomSite = { ...site(), match: '*://crm.acme-internal.test/*' };
    expect(customAdapter(old).matches).toEqual([]);
    expect(recordAt('http://crm.acme-internal.test/lead/42', old)).toBeUndefined();
    expect(recordAt('https://crm.acme-internal.test/lead/42')).toBe('42');
  });
});

describe('a wildcard never covers a public suffix', () => {
  it.each([
    'https://*.com/*',
    'https://*.co.uk/*',
    'https://*.com.au/*',
    'https://*.github.io/*',
    'https://*.test/*',
    'https://*.myshopify.com/*',
    'https://*.s3.amazonaws.com/*',
  ])('refuses %s', (match) => {
    const checked = checkCustomSite({ ...SITE, match }, 'site-1');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.match).toContain('public suffix');
  });

  it.each(['https://*.acme.co.uk/*', 'https://*.crm.example.com/*', 'https://*.acme.github.io/*'])(
    'accepts %s, below a registrable domain',
    (match) => {
      expect(checkCustomSite({ ...SITE, match }, 'site-1').ok).toBe(true);
    },
  );

  it.each(['https://*.example.*/*', 'https://crm.*.example.com/*', 'https://*.*.example.com/*'])(
    'refuses %s: a browser takes * only as the first label, and would refuse the permission itself',
    (match) => {
      const checked = checkCustomSite({ ...SITE, match }, 'site-1');
      expect(checked.ok).toBe(false);
    },
  );

  it('knows the shapes a public suffix takes', () => {
    expect(['com', 'uk', 'co.uk', 'gov.br', 'ac.jp', 'herokuapp.com'].map(isPublicSuffix)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['example.com', 'acme.co.uk', 'salesforce.com', 'app.herokuapp.com'].map(isPublicSuffix)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it.each([
    'duckdns.org',
    'synology.me',
    'ddns.net',
    'fly.dev',
    'ngrok-free.app',
    'up.railway.app',
    'railway.app',
    'trycloudflare.com',
    'ts.net',
    'westeurope.azurecontainer.io',
  ])(
    'refuses *.%s: dynamic DNS, tunnels and platforms where self-hosted CRMs live (before: accepted)',
    (host) => {
      expect(isPublicSuffix(host)).toBe(true);
      const checked = checkCustomSite({ ...SITE, match: `https://*.${host}/*` }, 'site-1');
      expect(checked.ok).toBe(false);
    },
  );

  it('keeps a tenant’s own name under them', () => {
    expect(
      ['acme.duckdns.org', 'crm.up.railway.app', 'acme-crm.fly.dev', 'tail1234.ts.net'].map(isPublicSuffix),
    ).toEqual([false, false, false, false]);
  });
});

describe('the record pattern runs on the path, never the whole address', () => {
  it.each([
    ['in the query string', 'https://crm.acme-internal.test/home?next=/lead/42'],
    ['in the fragment', 'https://crm.acme-internal.test/home#/lead/42'],
    ['in the host', 'https://crm.acme-internal.test.evil.example/x?/lead/42'],
  ])('finds no record named only %s', (_, url) => {
    expect(recordAt(url)).toBeUndefined();
  });

  it('refuses a pattern written for the whole address, saying why', () => {
    const checked = checkCustomSite(
      { ...SITE, recordPattern: 'https://crm\\.acme-internal\\.test/lead/(?<id>\\d+)' },
      'site-1',
    );
    expect(checked).toEqual({ ok: false, problems: { recordPattern: expect.stringContaining('path only') } });
  });

  it('sees the query parameters the site names, and only those', () => {
    const classic = site({ recordPattern: '^/servlet\\?lid=(?<id>\\w+)$', recordQuery: 'lid' });
    expect(classic.recordQuery).toEqual(['lid']);
    expect(recordAt('https://crm.acme-internal.test/servlet?utm=1&lid=00Q5g0&x=y', classic)).toBe('00Q5g0');
    expect(recordAt('https://crm.acme-internal.test/servlet?id=00Q5g0', classic)).toBeUndefined();
  });

  it.each([
    ['too many names', 'a, b, c, d, e, f'],
    ['a name with a space inside a word', 'l id=1'],
  ])('refuses query parameters with %s', (_, recordQuery) => {
    const checked = checkCustomSite({ ...SITE, recordQuery }, 'site-1');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.problems)).toEqual(['recordQuery']);
  });
});

describe('a pattern that starts with # runs on the fragment alone, for CRMs that route by it', () => {
  const suite = site({ recordPattern: '^#/(?:leads|contacts)/record/(?<id>[0-9a-f-]{36})$' });
  const odoo = site({ recordPattern: '^#id=(?<id>\\d+)&(?:.*&)?model=crm\\.lead(?:&|$)' });
  const uuid = '6f1c0a5e-2b7d-4c1e-9f3a-8d2b1c0e4f5a';

  it('finds SuiteCRM 8’s and Odoo’s record in the fragment', () => {
    expect(recordAt(`https://crm.acme-internal.test/#/leads/record/${uuid}`, suite)).toBe(uuid);
    expect(
      recordAt(
        'https://crm.acme-internal.test/web#id=42&cids=1&menu_id=7&model=crm.lead&view_type=form',
        odoo,
      ),
    ).toBe('42');
    expect(recordAt('https://crm.acme-internal.test/web#id=42&model=res.partner', odoo)).toBeUndefined();
  });

  it('gives its verdicts the route in the fragment as their address, never the path alone', () => {
    const settings = { ...DEFAULT_SETTINGS, customSites: [suite] };
    const found = (page: string, at = suite) => customAdapter(at).recognise(new URL(page)) ?? undefined;
    const record = `https://crm.acme-internal.test/#/leads/record/${uuid}`;
    expect(found(record)).toEqual({
      objectType: 'lead',
      recordId: uuid,
      route: `#/leads/record/${uuid}`,
      site: 'crm.acme-internal.test',
    });
    expect(recordAddress(record, settings, found(record))).toBe(record);
    // Odoo's: the route names the record with its model, as far as the pattern reads it.
    const odooSettings = { ...DEFAULT_SETTINGS, customSites: [odoo] };
    const odooPage = 'https://crm.acme-internal.test/web#id=42&cids=1&model=crm.lead&view_type=form';
    expect(recordAddress(odooPage, odooSettings, found(odooPage, odoo))).toBe(
      'https://crm.acme-internal.test/web#id=42&cids=1&model=crm.lead&',
    );
    // What follows the route in the fragment (a search, a person's details, a token) never goes with it.
    const searched = `${odooPage}&q=ana@example.com&token=a7f3c9`;
    expect(recordAddress(searched, odooSettings, found(searched, odoo))).toBe(
      'https://crm.acme-internal.test/web#id=42&cids=1&model=crm.lead&',
    );
    // The route as the content script found it, whatever the address says of its fragment: Chromium
    // gives the background a content script's address without it.
    expect(recordAddress('https://crm.acme-internal.test/', settings, found(record))).toBe(record);
    // A fragment without the record (a list, a search), or no record or route to look for: no address.
    const list = 'https://crm.acme-internal.test/#/leads/list?q=ana';
    expect(recordAddress(list, settings, found(list))).toBeUndefined();
    expect(recordAddress(record, settings)).toBeUndefined();
    expect(recordAddress(record, settings, { recordId: uuid })).toBeUndefined();
    expect(
      recordAddress(record, settings, { recordId: '42', route: `#/leads/record/${uuid}` }),
    ).toBeUndefined();
    const paths = { ...DEFAULT_SETTINGS, customSites: [site()] };
    expect(recordAddress('https://crm.acme-internal.test/lead/42#x', paths, { recordId: '42' })).toBe(
      'https://crm.acme-internal.test/lead/42',
    );
  });

  it('finds the record only as the fragment’s own route, never further on in it (a link anyone writes)', () => {
    const unanchored = site({ recordPattern: '#/leads/record/(?<id>[0-9a-f-]{36})' });
    const page = `https://crm.acme-internal.test/#/leads/record/${uuid}`;
    expect(recordAt(page, unanchored)).toBe(uuid);
    // A list whose fragment carries another record's route after its own: the page shows no record.
    const list = `https://crm.acme-internal.test/#/leads/list?back=#/leads/record/${uuid}`;
    expect(new URL(list).hash).toContain(`#/leads/record/${uuid}`);
    expect(recordAt(list, unanchored)).toBeUndefined();
    expect(recordAt(list, suite)).toBeUndefined();
  });

  it('never reads the path or the query for it, nor the fragment for a path pattern', () => {
    expect(recordAt(`https://crm.acme-internal.test/leads/record/${uuid}`, suite)).toBeUndefined();
    expect(recordAt(`https://crm.acme-internal.test/x?h=%23/leads/record/${uuid}`, suite)).toBeUndefined();
    expect(recordAt('https://crm.acme-internal.test/home#/lead/42')).toBeUndefined();
  });
});

describe('a pattern runs in linear time or is refused', () => {
  it.each([
    ['a backreference', '/lead/(?<id>\\d+)/\\1'],
    ['a lookahead', '/lead/(?=\\d)(?<id>\\d+)'],
    ['a lookbehind', '/lead/(?<!x)(?<id>\\d+)'],
  ])('refuses %s, which only a backtracking engine runs', (_, recordPattern) => {
    const checked = checkCustomSite({ ...SITE, recordPattern }, 'site-1');
    expect(checked).toEqual({ ok: false, problems: { recordPattern: expect.stringContaining('RE2') } });
  });

  it('runs a pattern that would backtrack for ages in JavaScript in a blink', () => {
    // (a+)+ against a run of a's that then fails is the textbook catastrophic case for RegExp.
    const evil = site({ recordPattern: '/(a+)+(?<id>b)' });
    const started = performance.now();
    expect(recordAt(`https://crm.acme-internal.test/${'a'.repeat(5_000)}!`, evil)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('custom sites saved by version 2', () => {
  const V2_SITE = {
    id: 'old',
    label: 'Old',
    match: 'https://crm.acme-internal.test/*',
    recordUrl: '/lead/(?<id>\\d+)',
    objectType: 'lead',
    fields: { region: { label: 'Region' } },
  };

  async function migrated(sites: object[]) {
    await fakeBrowser.storage.local.set({
      settings: { ...DEFAULT_SETTINGS, sendRecordUrl: false, customSites: sites },
      settings$: { v: 2 },
    });
    await settingsItem.migrate();
    return settingsItem.getValue();
  }

  it('keep working when they fit today’s rules, *:// narrowed to https://, the host as pages have it', async () => {
    const settings = await migrated([
      V2_SITE,
      { ...V2_SITE, id: 'any', match: '*://other.acme-internal.test/*' },
      {
        ...V2_SITE,
        id: 'upper',
        match: 'https://CRM.Acme-Internal.test/*',
        recordUrl: '/lead/(?<id>\\d+)\\.html',
      },
      // An id stopped before the query by a negated class still works on the path: kept running.
      { ...V2_SITE, id: 'negated', recordUrl: '/lead/(?<id>[^/?&=]+)' },
    ]);
    expect(settings.sendRecordUrl).toBe(false);
    expect(settings.customSites).toEqual([
      { ...V2_SITE, recordUrl: undefined, recordPattern: '/lead/(?<id>\\d+)', recordQuery: [] },
      {
        ...V2_SITE,
        id: 'any',
        match: 'https://other.acme-internal.test/*',
        recordUrl: undefined,
        recordPattern: '/lead/(?<id>\\d+)',
        recordQuery: [],
      },
      // Before: kept as typed, and the browser's lower-case hostnames never matched it.
      {
        ...V2_SITE,
        id: 'upper',
        match: 'https://crm.acme-internal.test/*',
        recordUrl: undefined,
        recordPattern: '/lead/(?<id>\\d+)\\.html',
        recordQuery: [],
      },
      {
        ...V2_SITE,
        id: 'negated',
        recordUrl: undefined,
        recordPattern: '/lead/(?<id>[^/?&=]+)',
        recordQuery: [],
      },
    ]);
    const lead = detectLead(
      'https://crm.acme-internal.test/lead/42',
      document,
      activeAdapters({ ...settings, enabledCrms: {} }),
    );
    expect(lead).toMatchObject({ crm: 'custom', recordId: '42' });
  });

  it('are kept, marked with why they stopped, when they do not (never dropped)', async () => {
    const settings = await migrated([
      { ...V2_SITE, id: 'http', match: 'http://crm.acme-internal.test/*' },
      { ...V2_SITE, id: 'wide', match: 'https://*.co.uk/*' },
      { ...V2_SITE, id: 'url', recordUrl: '^https://crm\\.acme-internal\\.test/lead/(?<id>\\d+)' },
      { ...V2_SITE, id: 'query', recordUrl: '\\?lead=(?<id>\\d+)' },
      { ...V2_SITE, id: 'backref', recordUrl: '/lead/(?<id>\\d+)/\\1' },
      // Version 2 ran them on the whole address; on the path they never match (before: kept unmarked).
      { ...V2_SITE, id: 'suite7', recordUrl: 'record=(?<id>[0-9a-f-]{36})' },
      { ...V2_SITE, id: 'param', recordUrl: '[?&]lid=(?<id>\\d+)' },
      { ...V2_SITE, id: 'host', recordUrl: 'crm\\.acme-internal\\.test/lead/(?<id>\\d+)' },
    ]);
    expect(settings.customSites.map((s) => [s.id, s.attention])).toEqual([
      ['http', 'http'],
      ['wide', 'publicSuffix'],
      ['url', 'pattern'],
      ['query', 'pattern'],
      ['backref', 'pattern'],
      ['suite7', 'pattern'],
      ['param', 'pattern'],
      ['host', 'pattern'],
    ]);
    for (const kept of settings.customSites) expect(customAdapter(kept).matches).toEqual([]);
    // Options says, for each, that it stopped and what to do.
    const container = document.createElement('div');
    render(<SiteNotices sites={settings.customSites} />, container);
    const notices = [...container.querySelectorAll('li')].map((li) => li.textContent);
    expect(notices).toHaveLength(8);
    expect(notices[0]).toBe(
      'Old no longer runs: Sameroom now works only on HTTPS pages. Remove it and add it again with an https:// address.',
    );
    expect(notices[1]).toContain('(https://*.co.uk/*) cover every site under a public suffix');
    expect(notices.slice(2).every((text) => text?.includes('patterns now run on the page’s path only'))).toBe(
      true,
    );
  });
});

describe('removing a custom site', () => {
  it('keeps the access another site on the same pattern runs on, and gives it up with the last one', async () => {
    const removed: unknown[] = [];
    const permissions = fakeBrowser.permissions as unknown as { remove: (p: unknown) => Promise<boolean> };
    const original = permissions.remove;
    permissions.remove = async (request) => {
      removed.push(request);
      return true;
    };
    const scripting = fakeBrowser.scripting as unknown as Record<string, unknown>;
    const saved = { ...scripting };
    scripting.getRegisteredContentScripts = async () => [];
    try {
      const first = site();
      const corrected = { ...site({ recordPattern: '/leads/(?<id>\\d+)' }), id: 'site-2' };
      await removeSite(first, [first, corrected]);
      expect(removed).toEqual([]);
      await removeSite(corrected, [corrected]);
      expect(removed).toEqual([{ origins: [SITE.match] }]);
      // Another path of the same host: the host's access (granted by host, whatever the path) stays.
      removed.length = 0;
      const app = { ...site({ match: SITE.match.replace(/\/\*$/, '/app/*') }), id: 'site-3' };
      await removeSite(app, [app, { ...first, id: 'site-4' }]);
      expect(removed).toEqual([]);
      // A custom site on a built-in CRM's host: the CRM's own access stays.
      const hubspot = { ...site({ match: 'https://*.hubspot.com/*' }), id: 'site-5' };
      await removeSite(hubspot, [hubspot]);
      expect(removed).toEqual([]);
    } finally {
      permissions.remove = original;
      Object.assign(scripting, saved);
    }
  });
});

describe('two custom sites on one host', () => {
  const uuid = '6f1c0a5e-2b7d-4c1e-9f3a-8d2b1c0e4f5a';
  const leads = site({ match: 'https://*.acme-internal.test/*', recordPattern: '/lead/(?<id>\\d+)' });
  const accounts = {
    ...site({
      match: 'https://crm.acme-internal.test/*',
      recordPattern: '^#/accounts/record/(?<id>[0-9a-f-]{36})',
    }),
    id: 'site-2',
  };
  const deals = {
    ...site({
      match: 'https://crm.acme-internal.test/*',
      recordPattern: '/servlet\\?did=(?<id>\\d+)',
      recordQuery: 'did',
    }),
    id: 'site-3',
  };
  const found = (page: string, at: CustomSite) => customAdapter(at).recognise(new URL(page)) ?? undefined;

  it('gives a verdict the address of the site that found its record, whichever was added first', () => {
    const account = `https://crm.acme-internal.test/#/accounts/record/${uuid}`;
    for (const customSites of [
      [leads, accounts],
      [accounts, leads],
    ]) {
      const settings = { ...DEFAULT_SETTINGS, customSites };
      // Before: the first site's, the CRM's home page (or none at all, the other way round).
      expect(recordAddress(account, settings, found(account, accounts))).toBe(account);
      expect(
        recordAddress(
          'https://crm.acme-internal.test/lead/42?q=ana',
          settings,
          found('https://crm.acme-internal.test/lead/42', leads),
        ),
      ).toBe('https://crm.acme-internal.test/lead/42');
    }
  });

  it('keeps the query parameter of the site that reads it', () => {
    const settings = { ...DEFAULT_SETTINGS, customSites: [leads, deals] };
    const deal = 'https://crm.acme-internal.test/servlet?view=full&did=7&q=ana';
    expect(found(deal, deals)).toEqual({ objectType: 'lead', recordId: '7', site: 'crm.acme-internal.test' });
    // Before: the first site's address, which names no query parameter: /servlet alone.
    expect(recordAddress(deal, settings, found(deal, deals))).toBe(
      'https://crm.acme-internal.test/servlet?did=7',
    );
  });
});
