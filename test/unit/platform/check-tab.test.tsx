import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { TabCheckView } from '../../../components/TabCheckView';
import { ADAPTERS } from '../../../lib/crm';
import { checkPage, type PageCheck } from '../../../lib/crm/custom';
import { checkActiveTab } from '../../../lib/platform/check-tab';
import { DEFAULT_SETTINGS } from '../../../lib/settings';
import { withCustomSite } from '../../support/examples';
import { loadFixtures, parseFixture } from '../../support/fixtures';

const lightning = loadFixtures().find((f) => f.adapterId === 'salesforce-lightning' && f.expect)!;
const LIGHTNING = ADAPTERS.find((adapter) => adapter.id === 'salesforce-lightning')!;
const lightningCrm = { id: LIGHTNING.id, label: LIGHTNING.label, matches: LIGHTNING.matches };

describe('checkPage: what the settings read on a page', () => {
  it('names a switched-on CRM and its record', () => {
    const check = checkPage(lightning.url, parseFixture(lightning.html), DEFAULT_SETTINGS);
    expect(check).toMatchObject({
      site: 'Salesforce Lightning',
      crm: { id: 'salesforce-lightning', label: 'Salesforce Lightning', matches: LIGHTNING.matches },
      switchedOff: null,
      lead: lightning.expect,
    });
  });

  it('says a CRM the rep switched off is off, rather than a site to add as a custom one', () => {
    const off = { ...DEFAULT_SETTINGS, enabledCrms: { 'salesforce-lightning': false } };
    const check = checkPage(lightning.url, parseFixture(lightning.html), off);
    expect(check).toMatchObject({ site: null, lead: null, crm: { id: 'salesforce-lightning' } });
    expect(check.switchedOff).toBe('Salesforce Lightning');
  });

  it('names a custom site and its pages, whose access the browser may withhold', () => {
    const check = checkPage(
      'https://crm.acme-internal.test/servlet?lid=42',
      parseFixture('<p>hi</p>'),
      withCustomSite(),
    );
    expect(check).toMatchObject({
      site: 'Acme CRM',
      crm: null,
      custom: { id: 'custom:site-1', label: 'Acme CRM', matches: ['https://crm.acme-internal.test/*'] },
      lead: { crm: 'custom', recordId: '42' },
    });
  });

  it('says a custom site kept but stopped under today’s rules is stopped, not a site to add', () => {
    const settings = withCustomSite();
    const stopped = {
      ...settings,
      customSites: [{ ...settings.customSites[0]!, attention: 'pattern' as const }],
    };
    const check = checkPage(
      'https://crm.acme-internal.test/servlet?lid=42',
      parseFixture('<p>hi</p>'),
      stopped,
    );
    expect(check).toMatchObject({ site: null, lead: null, stopped: 'Acme CRM' });
    expect(check.custom).toBeUndefined();
  });

  it('knows no CRM on other sites', () => {
    const check = checkPage('https://example.org/lead/1', parseFixture('<p>hi</p>'), DEFAULT_SETTINGS);
    expect(check).toMatchObject({ site: null, crm: null, switchedOff: null, lead: null });
  });
});

describe('checkActiveTab: a CRM whose pages the browser withholds', () => {
  const fake = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  const saved = {
    getLastFocused: fake.windows!.getLastFocused,
    query: fake.tabs!.query,
    executeScript: fake.scripting!.executeScript,
    contains: fake.permissions!.contains,
  };
  afterEach(() => {
    fake.windows!.getLastFocused = saved.getLastFocused;
    fake.tabs!.query = saved.query;
    fake.scripting!.executeScript = saved.executeScript;
    fake.permissions!.contains = saved.contains;
  });

  /** A tab whose injected check answers `page`; the browser grants the patterns in `granted`. */
  function tabAnswering(page: PageCheck, granted: boolean) {
    fake.windows!.getLastFocused = async () => ({ id: 1 });
    fake.tabs!.query = async () => [{ id: 7, windowId: 1, active: true }];
    fake.scripting!.executeScript = async ({ files }: { files?: string[] }) =>
      files ? [] : [{ frameId: 0, result: page }];
    const asked: string[][] = [];
    fake.permissions!.contains = async ({ origins }: { origins: string[] }) => {
      asked.push(origins);
      return granted;
    };
    return asked;
  }

  const page = (over: Partial<PageCheck> = {}): PageCheck => ({
    url: lightning.url,
    site: 'Salesforce Lightning',
    lead: null,
    crm: lightningCrm,
    switchedOff: null,
    ...over,
  });

  it('names the CRM when this tab’s pages are not granted (the toolbar click let the popup read the tab)', async () => {
    const asked = tabAnswering(page(), false);
    const check = await checkActiveTab();
    expect(check.withheld?.id).toBe('salesforce-lightning');
    expect(asked).toEqual([[`${new URL(lightning.url).origin}/*`]]);
  });

  it('names none where the rep allowed this org alone (Chrome’s “On specific sites”): the panel runs here', async () => {
    const origin = new URL(lightning.url).origin;
    tabAnswering(page(), false);
    fake.permissions!.contains = async ({ origins }: { origins: string[] }) =>
      origins.every((pattern) => pattern === `${origin}/*`);
    expect((await checkActiveTab()).withheld).toBeUndefined();
  });

  it('names a custom site whose pages are withheld (before: its record shown as if its panel ran)', async () => {
    const twenty = { id: 'custom:site-1', label: 'Twenty', matches: ['https://twenty.acme-internal.test/*'] };
    const url = 'https://twenty.acme-internal.test/object/person/1';
    const asked = tabAnswering(page({ url, site: 'Twenty', crm: null, custom: twenty }), false);
    expect((await checkActiveTab()).withheld).toEqual(twenty);
    expect(asked).toEqual([['https://twenty.acme-internal.test/*']]);
  });

  it('names none when they are granted, or when the CRM is switched off or not a built-in one', async () => {
    tabAnswering(page(), true);
    expect((await checkActiveTab()).withheld).toBeUndefined();
    const asked = tabAnswering(page({ site: null, switchedOff: 'Salesforce Lightning' }), false);
    expect((await checkActiveTab()).withheld).toBeUndefined();
    tabAnswering(page({ site: 'Twenty', crm: null }), false);
    expect((await checkActiveTab()).withheld).toBeUndefined();
    expect(asked).toEqual([]);
  });
});

describe('TabCheckView', () => {
  async function checked(answer: Awaited<ReturnType<typeof checkActiveTab>>) {
    const container = document.createElement('div');
    const onOpenOptions = vi.fn();
    render(<TabCheckView onCheck={async () => answer} onOpenOptions={onOpenOptions} />, container);
    // The result goes into a status region on the page before the check (one made with its words is
    // not read by some screen readers).
    const region = container.querySelector('[role="status"]');
    expect(region).not.toBeNull();
    container.querySelector('button')!.click();
    await vi.waitFor(() => expect(container.querySelector('[role="status"]')).toBe(region));
    await vi.waitFor(() => expect(container.querySelector('.sr-check')).not.toBeNull());
    return { container, onOpenOptions };
  }

  it('says a withheld CRM shows no panel, with the way to Options where Allow is', async () => {
    const { container, onOpenOptions } = await checked({
      url: lightning.url,
      site: 'Salesforce Lightning',
      lead: lightning.expect,
      crm: lightningCrm,
      switchedOff: null,
      withheld: lightningCrm,
    });
    const text = container.querySelector('.sr-check')!.textContent!;
    expect(text).toContain('This browser does not let Sameroom read Salesforce Lightning pages');
    expect(text).toContain('Salesforce Lightning · Lead');
    [...container.querySelectorAll<HTMLButtonElement>('.sr-check button')]
      .find((button) => button.textContent === 'Open Sameroom options')!
      .click();
    expect(onOpenOptions).toHaveBeenCalledOnce();
  });

  it('says a custom site that stopped under today’s rules is stopped, with the way to Options', async () => {
    const { container, onOpenOptions } = await checked({
      url: 'https://crm.acme-internal.test/servlet?lid=42',
      site: null,
      lead: null,
      crm: null,
      switchedOff: null,
      stopped: 'Acme CRM',
    });
    const text = container.querySelector('.sr-check')!.textContent!;
    expect(text).toContain('“Acme CRM” is kept for these pages but no longer runs under today’s rules');
    expect(text).not.toContain('Add it as a custom site');
    container.querySelector<HTMLButtonElement>('.sr-check button')!.click();
    expect(onOpenOptions).toHaveBeenCalledOnce();
  });

  it('says a switched-off CRM is off in Options', async () => {
    const { container } = await checked({
      url: lightning.url,
      site: null,
      lead: null,
      crm: lightningCrm,
      switchedOff: 'Salesforce Lightning',
    });
    expect(container.querySelector('.sr-check')!.textContent).toBe(
      'Salesforce Lightning is switched off in Options: Sameroom does not run on its pages.',
    );
  });
});
