import { signal } from '@preact/signals';
import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { CrmSiteList } from '../../../components/CrmSiteList';
import { PrivacySection } from '../../../components/PrivacySection';
import { ADAPTERS, adapterFor, detectLead } from '../../../lib/crm';
import { activeAdapters, customAdapter } from '../../../lib/crm/custom';
import { cachedSettings, settingsItem } from '../../../lib/platform/settings';
import { DEFAULT_SETTINGS, effectiveSettings } from '../../../lib/settings';
import { checkCustomSite } from '../../../lib/settings/custom-site';
import { CUSTOM_SITES_DIR, loadFixtures, parseFixture } from '../../support/fixtures';

const TWENTY = {
  label: 'Twenty',
  match: 'https://twenty.acme-internal.test/*',
  recordPattern: '/object/person/(?<id>[0-9a-f-]{36})',
  recordQuery: '',
  objectType: 'person',
  fields: {
    leadSource: { selector: '[data-field="leadSource"] .field-value', label: '' },
    utmCampaign: { selector: '', label: 'UTM campaign' },
    region: { selector: '', label: '' },
  },
};

describe('custom sites', () => {
  it('accepts a well-described site, dropping empty rules', () => {
    const checked = checkCustomSite(TWENTY, 'site-1');
    expect(checked).toEqual({
      ok: true,
      site: {
        id: 'site-1',
        label: 'Twenty',
        match: 'https://twenty.acme-internal.test/*',
        recordPattern: '/object/person/(?<id>[0-9a-f-]{36})',
        recordQuery: [],
        objectType: 'person',
        fields: {
          leadSource: { selector: '[data-field="leadSource"] .field-value' },
          utmCampaign: { label: 'UTM campaign' },
        },
      },
    });
  });

  it.each([
    ['a pattern for every site', { match: 'https://*/*' }, 'match'],
    ['a pattern that is not one', { match: 'twenty.acme-internal.test' }, 'match'],
    [
      'a record pattern without an id group',
      { recordPattern: '/object/person/([0-9a-f-]{36})' },
      'recordPattern',
    ],
    ['a record pattern that is not one', { recordPattern: '/object/(?<id>[' }, 'recordPattern'],
    [
      'a selector that is not one',
      { fields: { region: { selector: 'div[', label: '' } } },
      'fields.region.selector',
    ],
    ['no name', { label: '  ' }, 'label'],
    [
      'a pattern that needs a # past its start (the path holds none)',
      { recordPattern: '/#/leads/record/(?<id>[0-9a-f-]{36})' },
      'recordPattern',
    ],
  ])('refuses %s, saying where', (_name, change, path) => {
    const checked = checkCustomSite({ ...TWENTY, ...change }, 'site-1');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.problems)).toContain(path);
  });

  it('takes a # in a character class, and refuses a port it cannot keep', () => {
    expect(checkCustomSite({ ...TWENTY, recordPattern: '/leads/(?<id>[^#/]+)' }, 'site-1').ok).toBe(true);
    const port = checkCustomSite({ ...TWENTY, match: 'https://crm.acme.com:8443/*' }, 'site-1');
    expect(port.ok).toBe(false);
  });

  it('keeps a site’s host as the browser compares it: lower case, an international domain in ASCII', () => {
    for (const [typed, kept] of [
      ['https://CRM.Acme.com/*', 'https://crm.acme.com/*'],
      ['HTTPS://*.Acme.COM/app/*', 'https://*.acme.com/app/*'],
      ['https://crm.bücher.de/*', 'https://crm.xn--bcher-kva.de/*'],
    ]) {
      const checked = checkCustomSite({ ...TWENTY, match: typed }, 'site-1');
      expect(checked.ok && checked.site.match).toBe(kept);
    }
  });

  it.each([
    ['a name', { label: 'n'.repeat(61) }, 'label', 'is too long: 60 characters at most'],
    [
      'a selector',
      { fields: { region: { selector: `#${'a'.repeat(300)}`, label: '' } } },
      'fields.region.selector',
      'is too long: 300 characters at most',
    ],
    [
      'a label',
      { fields: { region: { selector: '', label: 'l'.repeat(121) } } },
      'fields.region.label',
      'is too long: 120 characters at most',
    ],
    [
      'the query names',
      { recordQuery: 'q,'.repeat(151) },
      'recordQuery',
      'is too long: 300 characters at most',
    ],
  ])('says in words how long %s may be', (_name, change, path, words) => {
    const checked = checkCustomSite({ ...TWENTY, ...change }, 'site-1');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems[path]).toBe(words);
  });

  it('reads the record and its signals from a custom site’s page', () => {
    const checked = checkCustomSite(TWENTY, 'site-1');
    if (!checked.ok) throw new Error('invalid');
    const [fixture] = loadFixtures(CUSTOM_SITES_DIR);
    const lead = detectLead(fixture!.url, parseFixture(fixture!.html), [customAdapter(checked.site)]);
    expect(lead).toEqual(fixture!.expect);
    // Not a record page of the site, or another site: nothing.
    expect(
      customAdapter(checked.site).recognise(new URL('https://twenty.acme-internal.test/objects/people')),
    ).toBeNull();
    expect(
      detectLead('https://other.test/object/person/x', parseFixture(fixture!.html), [
        customAdapter(checked.site),
      ]),
    ).toBeNull();
  });

  it('reads a record of a second custom site on the same host (its people and its deals)', () => {
    const people = checkCustomSite(TWENTY, 'site-1');
    const deals = checkCustomSite(
      {
        ...TWENTY,
        label: 'Twenty deals',
        match: 'https://twenty.acme-internal.test/object/*',
        recordPattern: '/object/opportunity/(?<id>[0-9a-f-]{36})',
        objectType: 'deal',
      },
      'site-2',
    );
    if (!people.ok || !deals.ok) throw new Error('invalid');
    const adapters = [customAdapter(people.site), customAdapter(deals.site)];
    const id = '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';
    const page = parseFixture('<!doctype html><body></body>');
    expect(
      detectLead(`https://twenty.acme-internal.test/object/opportunity/${id}`, page, adapters),
    ).toMatchObject({
      objectType: 'deal',
      recordId: id,
    });
    expect(detectLead(`https://twenty.acme-internal.test/object/person/${id}`, page, adapters)).toMatchObject(
      {
        objectType: 'person',
        recordId: id,
      },
    );
  });

  it('leaves a built-in CRM’s host to the built-in adapter, a custom site over it notwithstanding', () => {
    const over = checkCustomSite(
      {
        ...TWENTY,
        match: 'https://*.hubspot.com/*',
        recordPattern: '/contacts/\\d+/record/2-\\d+/(?<id>\\d+)',
      },
      'site-9',
    );
    if (!over.ok) throw new Error('invalid');
    const url = new URL('https://app.hubspot.com/contacts/4412345/record/2-7654321/333');
    expect(adapterFor(url, [...ADAPTERS, customAdapter(over.site)])?.crm).toBe('hubspot');
  });

  it('runs only on the built-in CRMs that are switched on, and on custom sites', () => {
    const checked = checkCustomSite(TWENTY, 'site-1');
    if (!checked.ok) throw new Error('invalid');
    const active = activeAdapters({
      ...DEFAULT_SETTINGS,
      enabledCrms: { hubspot: false },
      customSites: [checked.site],
    });
    expect(active.map((adapter) => adapter.id)).not.toContain('hubspot');
    expect(active.map((adapter) => adapter.id)).toContain('custom:site-1');
    expect(active).toHaveLength(ADAPTERS.length);
  });
});

describe('managed settings', () => {
  const ids = ADAPTERS.map((adapter) => adapter.id);

  it('take precedence over the rep’s: only the listed CRMs are on, URL privacy as set', () => {
    const user = { ...DEFAULT_SETTINGS, enabledCrms: { zoho: false }, sendRecordUrl: true };
    const settings = effectiveSettings(user, { enabledCrms: ['hubspot', 'zoho'], sendRecordUrl: false }, ids);
    expect(
      Object.entries(settings.enabledCrms)
        .filter(([, on]) => on)
        .map(([id]) => id),
    ).toEqual(['hubspot', 'zoho']);
    expect(settings.sendRecordUrl).toBe(false);
    expect(effectiveSettings(user, {}, ids)).toEqual(user);
  });

  it('show locked in Options, with who set them', () => {
    const container = document.createElement('div');
    render(
      <>
        <CrmSiteList
          sites={ADAPTERS}
          settings={signal(DEFAULT_SETTINGS)}
          locked
          onToggle={vi.fn()}
          onAdd={vi.fn()}
          onRemove={vi.fn()}
        />
        <PrivacySection sendRecordUrl={false} locked onChange={vi.fn()} />
      </>,
      container,
    );
    const switches = [...container.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(switches.length).toBe(ADAPTERS.length + 1);
    expect(switches.every((input) => input.disabled)).toBe(true);
    expect(container.textContent).toContain('Set by your organisation’s administrator');
    expect(container.textContent).not.toContain('address in your CRM');
  });
});

describe('the custom sites Options lists', () => {
  const kept = (change: Record<string, unknown>, id: string) => {
    const checked = checkCustomSite({ ...TWENTY, ...change }, id);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    return checked.site;
  };
  const hubspotObjects = kept(
    {
      label: 'HubSpot objects',
      match: 'https://app.hubspot.com/*',
      recordPattern: '/record/(?<id>2-\\d+/\\d+)',
    },
    'site-2',
  );
  const rows = (settings: typeof DEFAULT_SETTINGS) => {
    const container = document.createElement('div');
    render(
      <CrmSiteList
        sites={ADAPTERS}
        settings={signal(settings)}
        locked={false}
        onToggle={vi.fn()}
        onAdd={vi.fn()}
        onRemove={vi.fn()}
      />,
      container,
    );
    return [...container.querySelectorAll('ul')].at(-1)!.querySelectorAll('li');
  };

  it('say how each finds its records: it cannot be edited, only added again', () => {
    const twenty = kept({ recordQuery: 'tab' }, 'site-1');
    const [row] = rows({ ...DEFAULT_SETTINGS, customSites: [twenty] });
    expect(row!.textContent).toContain(
      'Person records, found in the address by /object/person/(?<id>[0-9a-f-]{36})',
    );
    expect(row!.textContent).toContain('with the query parameters tab');
  });

  it('say when a built-in CRM switched on takes the site’s pages first, and not once it is off', () => {
    const twenty = kept({}, 'site-1');
    const on = rows({ ...DEFAULT_SETTINGS, customSites: [twenty, hubspotObjects] });
    expect(on[0]!.textContent).not.toContain('switched on above');
    expect(on[1]!.textContent).toContain(
      'These pages are HubSpot’s, and Sameroom reads them as HubSpot while it is switched on above',
    );
    const off = rows({ ...DEFAULT_SETTINGS, enabledCrms: { hubspot: false }, customSites: [hubspotObjects] });
    expect(off[0]!.textContent).not.toContain('switched on above');
  });
});

describe("the background's settings", () => {
  it('are read once, and read again after the rep changes them', async () => {
    const settings = cachedSettings();
    const first = settings();
    expect(settings()).toBe(first);
    expect((await first).settings.sendRecordUrl).toBe(true);
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, sendRecordUrl: false });
    await expect.poll(async () => (await settings()).settings.sendRecordUrl).toBe(false);
  });
});

describe('a join link', () => {
  it('cut off inside a %-escape is told to be incomplete, not "URI malformed"', async () => {
    const { parseJoinLink } = await import('../../../lib/workspace/join-link');
    const read = parseJoinLink('https://sameroom.acme.test/join#abc%');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).not.toMatch(/malformed/i);
  });

  it('is read as it was sent from what mail clients and mail security make of it', async () => {
    const { parseJoinLink } = await import('../../../lib/workspace/join-link');
    const code = 'qtaTOLH4EHHjO0SRKCMzX1ABFjoJemU4JESds597rys';
    const link = `https://sameroom.acme.test/join#${code}`;
    const expected = { ok: true, link: { workspaceUrl: 'https://sameroom.acme.test', code } };
    for (const pasted of [
      link,
      // Plain-text mail writes links in angle brackets; a sentence ends after it.
      `<${link}>`,
      ` "${link}". `,
      `(${link})`,
      // Outlook with Microsoft Defender's Safe Links: the whole link in the `url` parameter.
      `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(link)}&data=05%7C02%7Cana%40acme.test%7C1f2e%7C0%7C0%7C638&sdata=Zm9v%2BYmFy&reserved=0`,
      // Proofpoint URL Defense, v2 (`_` for `/`, `-XX` for `%XX`) and v3 (`*` for `#`, given after `__;`).
      `https://urldefense.proofpoint.com/v2/url?u=https-3A__sameroom.acme.test_join-23${code.replaceAll('-', '-2D').replaceAll('_', '-5F')}&d=DwMFaQ&c=euGZstcaTDllvimEN8b7jXrwqOf-v5A_CdpgnVfiiMM&r=abc&m=def&s=ghi&e=`,
      `https://urldefense.com/v3/__https://sameroom.acme.test/join*${code}__;Iw!!Fjc1LPEtn8I!abcDEF$`,
      // Google's redirect (a link opened from Gmail or Docs).
      `https://www.google.com/url?q=${encodeURIComponent(link)}&sa=D&source=editors&ust=1764900000000&usg=AOvVaw0`,
      // Wrapped by a mail client at a line's end, the next line indented; a zero-width space a chat
      // app put in a long word; a quoted-printable soft break (=) turned into a line break and a space.
      `https://sameroom.acme.test/join#${code.slice(0, 20)}\n    ${code.slice(20)}`,
      `https://sameroom.acme.test/join#${code.slice(0, 20)}\u200b${code.slice(20)}`,
      `https://sameroom.acme.\n test/join#${code}`,
    ])
      expect(parseJoinLink(pasted)).toEqual(expected);
    // The code given apart, with a space or a line break in it (read aloud, or wrapped).
    expect(parseJoinLink('https://sameroom.acme.test', ` ${code.slice(0, 10)} ${code.slice(10)}\n`)).toEqual(
      expected,
    );
    // Proofpoint v3 as its decoder reads it: a real rewritten link (a public sample) and a run (`**B`: 3).
    const { unwrapJoinLink } = await import('../../../lib/workspace/join-link');
    expect(
      unwrapJoinLink(
        'https://urldefense.com/v3/__https://storage.example.test/o/owa*2Findex.html?alt=media&token=02497332*vicky@example.test__;JSM!!Fjc1LPEtn8I!x$',
      ),
    ).toBe('https://storage.example.test/o/owa%2Findex.html?alt=media&token=02497332#vicky@example.test');
    expect(unwrapJoinLink('https://urldefense.com/v3/__https://h.example.test/a**B__;IyVA!!x$')).toBe(
      'https://h.example.test/a#%@',
    );
    // A Safe Links address without the link in it is not taken for a workspace (there is no code).
    expect(parseJoinLink('https://eur01.safelinks.protection.outlook.com/?data=05%7C02').ok).toBe(false);
  });
});
