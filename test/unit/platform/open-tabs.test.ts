import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { runInAllowedTabs, runInOpenTabs, runSiteInOpenTabs } from '../../../lib/platform/open-tabs';
import type { CustomSite } from '../../../lib/settings';

/** What runInOpenTabs asked of the browser: the tabs' patterns it queried, the files it ran where. */
function watchBrowser(
  tabs: Array<{ id?: number; url: string; discarded?: boolean }>,
  /** Tabs where a copy of ours already runs and answers. */
  running: number[] = [],
) {
  const queried: string[][] = [];
  const ran: Array<{ tabId: number; file: string }> = [];
  /** The sheets put in each tab, before its script (the host's display: host.css). */
  const sheets: Array<{ tabId: number; file: string }> = [];
  const fake = fakeBrowser as unknown as {
    tabs: Record<string, unknown>;
    scripting: Record<string, unknown>;
  };
  const saved = {
    query: fake.tabs.query,
    sendMessage: fake.tabs.sendMessage,
    executeScript: fake.scripting.executeScript,
    insertCSS: fake.scripting.insertCSS,
  };
  fake.scripting.insertCSS = async ({ target, files }: { target: { tabId: number }; files: string[] }) => {
    if (target.tabId === 13) throw new Error('Cannot access contents of the page');
    sheets.push({ tabId: target.tabId, file: files[0]! });
  };
  fake.tabs.sendMessage = async (tabId: number, question: { sameroom?: string }) => {
    if (!running.includes(tabId))
      throw new Error('Could not establish connection. Receiving end does not exist.');
    // A copy on a page with no record (a list) answers no question for a lead: Chromium then rejects.
    if (question.sameroom !== 'here')
      throw new Error('The message port closed before a response was received.');
    return true;
  };
  fake.tabs.query = async ({ url }: { url: string[] }) => {
    queried.push(url);
    return tabs.filter((tab) =>
      url.some((pattern) => new URL(tab.url).host.endsWith(pattern.split('/')[2]!.replace('*.', ''))),
    );
  };
  fake.scripting.executeScript = async ({
    target,
    files,
  }: {
    target: { tabId: number };
    files: string[];
  }) => {
    if (target.tabId === 13) throw new Error('Cannot access contents of the page');
    ran.push({ tabId: target.tabId, file: files[0]! });
    return [];
  };
  return {
    queried,
    ran,
    sheets,
    restore: () => {
      fake.scripting.insertCSS = saved.insertCSS;
      fake.tabs.query = saved.query;
      fake.tabs.sendMessage = saved.sendMessage;
      fake.scripting.executeScript = saved.executeScript;
    },
  };
}

let restore: () => void = () => undefined;
afterEach(() => restore());

const site = (match: string, attention = false) => ({ id: match, match, attention }) as unknown as CustomSite;

describe('runInOpenTabs: CRM tabs open before an install or an update get the content script', () => {
  it('runs the CRM script in open CRM tabs and the custom-site script in custom sites, after install and update', async () => {
    for (const reason of ['install', 'update'] as const) {
      const watched = watchBrowser([
        { id: 1, url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view' },
        { id: 2, url: 'https://twenty.acme-internal.test/object/person/1' },
        { id: 3, url: 'https://app.hubspot.com/contacts/1/record/0-1/2', discarded: true },
        { id: 13, url: 'https://app.close.com/lead/lead_x/' },
      ]);
      restore = watched.restore;
      await runInOpenTabs(reason, [
        site('https://twenty.acme-internal.test/*'),
        site('https://old.test/*', true),
      ]);
      expect(watched.ran).toEqual([
        { tabId: 1, file: '/content-scripts/crm.js' },
        { tabId: 2, file: '/content-scripts/custom-site.js' },
      ]);
      // Each with the sheet that shows the panel's host (without it the panel never shows).
      expect(watched.sheets).toEqual([
        { tabId: 1, file: '/content-scripts/crm.css' },
        { tabId: 2, file: '/content-scripts/crm.css' },
      ]);
      // A site the rules now refuse is not run.
      expect(watched.queried[1]).toEqual(['https://twenty.acme-internal.test/*']);
      restore();
    }
  });

  it('in Firefox, which runs the manifest’s script in open tabs itself, runs the custom sites’ script alone', async () => {
    vi.spyOn(fakeBrowser.runtime, 'getURL').mockImplementation((path) => `moz-extension://a1b2${path}`);
    const watched = watchBrowser([
      { id: 1, url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view' },
      { id: 2, url: 'https://twenty.acme-internal.test/object/person/1' },
    ]);
    restore = () => {
      watched.restore();
      vi.restoreAllMocks();
    };
    await runInOpenTabs('update', [site('https://twenty.acme-internal.test/*')]);
    expect(watched.ran).toEqual([{ tabId: 2, file: '/content-scripts/custom-site.js' }]);
  });

  it('leaves a tab where a copy of ours already answers (loaded while Sameroom was installed)', async () => {
    const watched = watchBrowser(
      [
        { id: 1, url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view' },
        { id: 4, url: 'https://app.hubspot.com/contacts/1/record/0-1/2' },
      ],
      [1],
    );
    restore = watched.restore;
    await runInOpenTabs('install', []);
    expect(watched.ran).toEqual([{ tabId: 4, file: '/content-scripts/crm.js' }]);
  });

  it('does nothing when the browser, not Sameroom, was updated', async () => {
    const watched = watchBrowser([
      { id: 1, url: 'https://acme.lightning.force.com/lightning/r/Lead/x/view' },
    ]);
    restore = watched.restore;
    await runInOpenTabs('chrome_update', []);
    expect(watched.queried).toEqual([]);
    expect(watched.ran).toEqual([]);
  });
});

describe('runInAllowedTabs and runSiteInOpenTabs: tabs open before pages were allowed get the panel', () => {
  const tabs = [
    { id: 1, url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view' },
    { id: 2, url: 'https://twenty.acme-internal.test/object/person/1' },
    { id: 4, url: 'https://app.hubspot.com/contacts/1/record/0-1/2' },
  ];

  it('runs the CRM script where it is missing once pages are allowed again', async () => {
    const watched = watchBrowser(tabs, [4]);
    restore = watched.restore;
    await runInAllowedTabs(['https://*.lightning.force.com/*'], []);
    expect(watched.ran).toEqual([{ tabId: 1, file: '/content-scripts/crm.js' }]);
  });

  it('runs the custom-site script in a kept site’s open tabs once its access is given back', async () => {
    const watched = watchBrowser(tabs, [4]);
    restore = watched.restore;
    await runInAllowedTabs(
      ['https://twenty.acme-internal.test/*', 'https://old.test/*'],
      [
        site('https://twenty.acme-internal.test/*'),
        site('https://old.test/*', true),
        site('https://crm.other.test/*'),
      ],
    );
    // A site the rules refuse, or not among those allowed, is not run.
    expect(watched.queried[1]).toEqual(['https://twenty.acme-internal.test/*']);
    expect(watched.ran).toEqual([
      { tabId: 1, file: '/content-scripts/crm.js' },
      { tabId: 2, file: '/content-scripts/custom-site.js' },
    ]);
  });

  it('does nothing for a grant without pages', async () => {
    const watched = watchBrowser(tabs);
    restore = watched.restore;
    await runInAllowedTabs(undefined, [site('https://twenty.acme-internal.test/*')]);
    await runInAllowedTabs([], [site('https://twenty.acme-internal.test/*')]);
    expect(watched.queried).toEqual([]);
  });

  it('runs the custom-site script in the open tabs of a site just added', async () => {
    const watched = watchBrowser(tabs);
    restore = watched.restore;
    await runSiteInOpenTabs(site('https://twenty.acme-internal.test/*'));
    expect(watched.queried).toEqual([['https://twenty.acme-internal.test/*']]);
    expect(watched.ran).toEqual([{ tabId: 2, file: '/content-scripts/custom-site.js' }]);
  });
});

describe('a custom site just added, run in its tabs by Options and by the worker at once', () => {
  it('gets one copy: the second looks once the first has run, and finds it answering', async () => {
    const running: number[] = [];
    const watched = watchBrowser(
      [{ id: 4, url: 'https://twenty.acme-internal.test/object/person/1' }],
      running,
    );
    restore = watched.restore;
    const fake = fakeBrowser as unknown as { scripting: Record<string, unknown> };
    const ran = fake.scripting.executeScript as (details: {
      target: { tabId: number };
      files: string[];
    }) => Promise<unknown>;
    // The copy answers once its script has run (a moment after the call).
    fake.scripting.executeScript = async (details: { target: { tabId: number }; files: string[] }) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      running.push(details.target.tabId);
      return ran(details);
    };
    const added = site('https://twenty.acme-internal.test/*');
    await Promise.all([runSiteInOpenTabs(added), runInAllowedTabs([added.match], [added])]);
    // Before: both looked before either copy answered, and both ran it.
    expect(watched.ran.filter((run) => run.file === '/content-scripts/custom-site.js')).toEqual([
      { tabId: 4, file: '/content-scripts/custom-site.js' },
    ]);
  });
});
