import { browser } from 'wxt/browser';
import { builtInOn } from '../crm';
import type { CustomSite } from '../settings';
import { mayRead } from './crm-access';
import { inTurn } from './turns';

/**
 * The content script WXT builds from entrypoints/custom-site.content: the CRM content script with
 * custom sites' adapters, and the RE2 engine their record patterns need, which built-in CRMs do without.
 */
export const CONTENT_SCRIPT = 'content-scripts/custom-site.js';
/**
 * The panel host's sheet, as WXT builds entrypoints/crm.content/host.css: in Firefox it alone shows the
 * host, so that Firefox, which takes an extension's sheets out of open pages when it goes, takes the
 * panel too (in Chromium it does nothing). Every way our content script is run puts it in too.
 */
export const HOST_SHEET = 'content-scripts/crm.css';
const scriptId = (site: CustomSite) => `sameroom-custom-${site.id}`;

/**
 * Asks for access to the site's pages. Must be the first thing a click handler does: browsers only
 * show the prompt for a user gesture, and an `await` before it loses the gesture.
 */
export function requestSiteAccess(site: CustomSite): Promise<boolean> {
  return browser.permissions.request({ origins: [site.match] });
}

/**
 * One change to the custom sites' scripts at a time, across Options and the background. The
 * background's start read the settings, Options registered a new site's script and saved the site, and
 * the background then found that script missing from the settings it had read and unregistered it as a
 * removed site's: the site stayed listed and no panel showed on it until the background's next start.
 * (Granting a site's access wakes the background: the race met every site added while it slept.)
 */
export function inSiteTurn<T>(work: () => Promise<T>): Promise<T> {
  return inTurn('sameroom-custom-sites', work);
}

/** Runs the content script on the site from now on, across browser restarts. */
export async function registerSite(site: CustomSite): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [scriptId(site)] });
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [scriptId(site)] });
  await browser.scripting.registerContentScripts([
    {
      id: scriptId(site),
      matches: [site.match],
      js: [CONTENT_SCRIPT],
      css: [HOST_SHEET],
      runAt: 'document_idle',
      persistAcrossSessions: true,
    },
  ]);
}

/** A match pattern's scheme and host: browsers grant host access by these, whatever the path. */
const originOf = (match: string) => match.replace(/^([^:]+:\/\/[^/]+)\/.*$/, '$1');

/** Stops running on the site and gives its permission back. */
export async function removeSite(site: CustomSite, others: readonly CustomSite[]): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [scriptId(site)] });
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [scriptId(site)] });
  // The access goes with the last site on its host: another site there (a corrected copy of the one
  // removed, or one on another path of it, which the same host access covers: browsers grant it by
  // scheme and host) would stay listed and registered, and never run. A built-in CRM's host keeps its
  // access: Firefox lets an extension give up a host it asked for in its manifest, and the CRM's
  // panel would have gone with the custom site.
  if (others.some((other) => other.id !== site.id && originOf(other.match) === originOf(site.match))) return;
  if (builtInOn(site.match)) return;
  await browser.permissions.remove({ origins: [site.match] }).catch(() => false);
}

/**
 * The custom sites whose pages the browser does not let Sameroom read: their access was withdrawn in
 * the browser's settings (Chrome's site access, Firefox's permissions in about:addons), and their panel
 * stopped showing with nothing said why. Their ids (a site kept for attention is not running anyway).
 */
export async function withheldSites(sites: readonly CustomSite[]): Promise<Set<string>> {
  const withheld = new Set<string>();
  for (const site of sites)
    if (!site.attention && !(await mayRead({ matches: [site.match] }))) withheld.add(site.id);
  return withheld;
}

/**
 * At every start of the background: each custom site with its permission still granted has its
 * script registered for exactly its pattern, and scripts of removed sites, or of sites an earlier
 * version saved that today's rules refuse (`attention`), are gone.
 */
export async function syncSiteScripts(sites: CustomSite[]): Promise<void> {
  const registered = await browser.scripting.getRegisteredContentScripts();
  const running = sites.filter((site) => !site.attention);
  const wanted = new Set(running.map(scriptId));
  const stale = registered
    .map((script) => script.id)
    .filter((id) => id.startsWith('sameroom-custom-') && !wanted.has(id));
  if (stale.length > 0) await browser.scripting.unregisterContentScripts({ ids: stale });
  for (const site of running) {
    const script = registered.find((candidate) => candidate.id === scriptId(site));
    // A site migrated from *:// to https:// keeps its id: its script is registered again, narrower;
    // one an earlier version registered with the CRM content script gets the custom sites' one, and one
    // registered without the host's sheet (Chromium keeps registrations across updates) gets it: its
    // panel would not show.
    if (
      script?.matches?.length === 1 &&
      script.matches[0] === site.match &&
      script.js?.length === 1 &&
      script.js[0]?.endsWith(CONTENT_SCRIPT) &&
      script.css?.length === 1 &&
      script.css[0]?.endsWith(HOST_SHEET)
    )
      continue;
    if (await browser.permissions.contains({ origins: [site.match] })) await registerSite(site);
  }
}

/** syncSiteScripts in its turn (inSiteTurn), on the sites as stored when the turn comes. */
export function syncSitesInTurn(stored: () => Promise<CustomSite[]>): Promise<void> {
  return inSiteTurn(async () => syncSiteScripts(await stored()));
}

/** A new site's script registered, then the site kept (`keep`: saved in the settings), in their turn. */
export function addSiteInTurn<T>(site: CustomSite, keep: () => Promise<T>): Promise<T> {
  return inSiteTurn(async () => {
    await registerSite(site);
    return keep();
  });
}

/**
 * A site's script unregistered and its access given back unless a site still stored needs it, then
 * the site forgotten (`forget`), in their turn.
 */
export function dropSiteInTurn(
  site: CustomSite,
  stored: () => Promise<CustomSite[]>,
  forget: () => Promise<unknown>,
): Promise<void> {
  return inSiteTurn(async () => {
    await removeSite(site, await stored());
    await forget();
  });
}
