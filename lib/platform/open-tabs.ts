import { browser } from 'wxt/browser';
import { CRM_MATCHES } from '../crm';
import type { PageQuestion } from '../panel-port';
import type { CustomSite } from '../settings';
import { CONTENT_SCRIPT as CUSTOM_SITE_SCRIPT, HOST_SHEET } from './custom-sites';
import { inTurn } from './turns';

/** The built-in CRMs' content script, as WXT builds entrypoints/crm.content, and the custom sites'. */
const CRM_SCRIPT = '/content-scripts/crm.js';
const SITE_SCRIPT = `/${CUSTOM_SITE_SCRIPT}` as const;

/**
 * Whether a copy of our content script of this version already runs in the tab: it answers our
 * messages (a copy cut off by an update does not). One loaded with the page before onInstalled ran
 * would otherwise be replaced by a second copy under the rep's hands (the chaos rounds met it after a
 * browser killed and relaunched with the extension loaded from the command line).
 */
async function runsThere(tabId: number): Promise<boolean> {
  // Its own question, which every copy answers: one with no lead gives no answer for a lead (another
  // script of ours on the page may have it), and Chromium rejects a message nobody answers.
  const question: PageQuestion = { sameroom: 'here' };
  return browser.tabs.sendMessage(tabId, question, { frameId: 0 }).then(
    () => true,
    () => false,
  );
}

/** Why the extension's worker started: the reasons runtime.onInstalled gives that put new code in place. */
export type InstalledReason =
  | 'install'
  | 'update'
  | 'browser_update'
  | 'chrome_update'
  | 'shared_module_update';

/**
 * One look-and-run per tab at a time, across the extension's pages and its worker (a Web Lock by the
 * tab's id): a custom site just added is run in its tabs by Options and, through the grant's
 * permissions.onAdded, by the worker; both looked before either copy answered, and the tab got two
 * copies, the first torn down by the second (its panel made twice).
 */
const inTabTurn = (tabId: number, work: () => Promise<void>): Promise<void> =>
  inTurn(`sameroom-run-in-tab-${tabId}`, work);

/** Runs `file` in the open tabs on `matches` where no copy of ours answers. */
async function runWhereMissing(
  matches: string[],
  file: typeof CRM_SCRIPT | typeof SITE_SCRIPT,
): Promise<void> {
  // Tabs the extension may not read (a custom site whose access was withdrawn) are simply not listed.
  const tabs = matches.length === 0 ? [] : await browser.tabs.query({ url: matches }).catch(() => []);
  await Promise.all(
    tabs.map(async (tab) => {
      const tabId = tab.id;
      if (tabId === undefined || tab.discarded) return;
      await inTabTurn(tabId, async () => {
        if (await runsThere(tabId)) return;
        // The sheet that shows the panel's host first (custom-sites.ts, HOST_SHEET); a tab closed or
        // navigated away meanwhile, or an error page: nothing to run in.
        await browser.scripting
          .insertCSS({ target: { tabId }, files: [`/${HOST_SHEET}`] })
          .then(() => browser.scripting.executeScript({ target: { tabId }, files: [file] }))
          .catch(() => undefined);
      });
    }),
  );
}

/**
 * After Sameroom is installed or updated, Chromium runs its content scripts only in pages loaded from
 * then on: a CRM tab open since before (a rep keeps one open for days, and the store updates extensions
 * in the background) lost its panel at the update, its old script cut off from the new extension, and
 * got none at install, until the rep reloaded it. The scripts are run in those tabs now. Firefox runs
 * a new version's manifest scripts in open tabs itself, but not the custom sites' (registered at run
 * time, which it deletes at an update): their tabs kept the old version's panel, its view gone, until
 * reloaded. Those are run in both browsers.
 */
export async function runInOpenTabs(
  reason: InstalledReason,
  customSites: readonly CustomSite[],
): Promise<void> {
  if (reason !== 'install' && reason !== 'update') return;
  if (!browser.runtime.getURL('/').startsWith('moz-extension:'))
    await runWhereMissing([...CRM_MATCHES], CRM_SCRIPT);
  await runWhereMissing(
    customSites.filter((site) => !site.attention).map((site) => site.match),
    SITE_SCRIPT,
  );
}

/**
 * Pages allowed again (Allow in Options or the popup, the browser's site access turned back on): neither
 * browser runs content scripts in tabs loaded before the grant, so the CRM tab the rep allowed from
 * kept showing no panel until reloaded. The CRM script is run in open CRM tabs that lack it, and the
 * custom sites' script in the kept sites' tabs (a new site's grant comes before the site is kept:
 * runSiteInOpenTabs follows its keeping).
 */
export async function runInAllowedTabs(
  origins: readonly string[] | undefined,
  customSites: readonly CustomSite[],
): Promise<void> {
  if (!origins?.length) return;
  await runWhereMissing([...CRM_MATCHES], CRM_SCRIPT);
  // The kept sites among those just allowed (a new site is not kept yet: Options runs its script).
  await runWhereMissing(
    customSites.filter((site) => !site.attention && origins.includes(site.match)).map((site) => site.match),
    SITE_SCRIPT,
  );
}

/** A custom site just added: its open tabs get the panel without a reload. */
export function runSiteInOpenTabs(site: CustomSite): Promise<void> {
  return runWhereMissing([site.match], SITE_SCRIPT);
}
