import { browser } from 'wxt/browser';
import { MatchPattern } from 'wxt/utils/match-patterns';
import type { CrmAdapter } from '../crm';
import { pageOnPattern } from '../crm/pattern-page';

/**
 * The built-in CRMs whose pages the browser does not let Sameroom read. The manifest asks for them,
 * but a rep can withhold them afterwards (Chrome's site access "On click" or "On specific sites",
 * Firefox's switches in about:addons), and then the content script never runs there: no panel, and
 * nothing said why. Their ids.
 */
export async function withheldCrms(sites: readonly CrmAdapter[]): Promise<Set<string>> {
  const withheld = new Set<string>();
  for (const site of sites) if (!(await mayRead(site))) withheld.add(site.id);
  return withheld;
}

/**
 * Of the withheld CRMs, those some of whose pages the rep allowed (Chrome's "On specific sites" naming
 * their org): the panel shows there, and Options said it showed nowhere. Their ids.
 */
export async function partlyAllowed(
  sites: readonly CrmAdapter[],
  withheld: ReadonlySet<string>,
): Promise<Set<string>> {
  const granted = await Promise.resolve()
    .then(() => browser.permissions.getAll())
    .then((all) => all.origins ?? [])
    .catch((): string[] => []);
  const grants = patternsOf(granted.filter((origin) => /^(?:\*|https):\/\//.test(origin)));
  const partly = new Set<string>();
  for (const site of sites) {
    if (!withheld.has(site.id)) continue;
    const crm = patternsOf(site.matches);
    // A grant of one org (its host one of the CRM's pages), or of a wider wildcard that covers some of
    // them (`*.force.com` for Lightning's orgs).
    const some = grants.some(({ pattern, page }) =>
      crm.some((own) => covers(own.pattern, page) || covers(pattern, own.page)),
    );
    if (some) partly.add(site.id);
  }
  return partly;
}

/** Each match pattern with an HTTPS page it matches. */
function patternsOf(origins: readonly string[]): Array<{ pattern: MatchPattern; page: string }> {
  return origins.flatMap((origin) => {
    const page = pageOnPattern(origin);
    if (!page) return [];
    try {
      return [{ pattern: new MatchPattern(origin), page }];
    } catch {
      return [];
    }
  });
}

function covers(pattern: MatchPattern, page: string): boolean {
  try {
    return pattern.includes(page);
  } catch {
    return false;
  }
}

/** Whether the browser lets Sameroom read all of a CRM's pages (a failed question counts as yes). */
export function mayRead(site: Pick<CrmAdapter, 'matches'>): Promise<boolean> {
  // A throw as it is called (an API the browser lacks) is taken as a refusal to tell, as a rejection is.
  return Promise.resolve()
    .then(() => browser.permissions.contains({ origins: site.matches }))
    .catch(() => true);
}

/**
 * Asks the browser to let Sameroom read the CRM's pages again. Must be the first thing a click handler
 * does: browsers only show the prompt for a user gesture, and an `await` before it loses the gesture.
 */
export function allowCrm(site: CrmAdapter): Promise<boolean> {
  return browser.permissions.request({ origins: site.matches });
}

/** Calls `changed` when the rep grants or withdraws a site's access (in this page or the browser's). */
export function watchAccess(changed: () => void): () => void {
  browser.permissions.onAdded.addListener(changed);
  browser.permissions.onRemoved.addListener(changed);
  return () => {
    browser.permissions.onAdded.removeListener(changed);
    browser.permissions.onRemoved.removeListener(changed);
  };
}
