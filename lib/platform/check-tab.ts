import { browser } from 'wxt/browser';
import type { PageCheck } from '../crm/custom';
import { t } from '../i18n';
import { mayRead } from './crm-access';

/** What Sameroom reads on a tab: which site's settings apply there, and the lead they find. */
export interface TabCheck extends PageCheck {
  /**
   * The built-in CRM or custom site whose pages the browser does not let Sameroom read (site access
   * withheld): the popup could read the tab only through the toolbar click's one-time access, and no
   * panel shows. (A custom site's was not asked: the check showed its record as if its panel ran.)
   */
  withheld?: NonNullable<PageCheck['crm']>;
}

/**
 * Runs the settings' detection on the tab the rep is looking at (the active tab of the last focused
 * browser window, under the popup). activeTab lets this read any site the rep opened the popup on.
 */
export async function checkActiveTab(): Promise<TabCheck> {
  const window = await browser.windows.getLastFocused({ windowTypes: ['normal'] });
  const [tab] = await browser.tabs.query({ active: true, windowId: window.id });
  if (tab?.id === undefined) throw new Error(t('checkNoTab'));
  const target = { tabId: tab.id };
  try {
    await browser.scripting.executeScript({ target, files: ['/check-tab.js'] });
    const [answer] = await browser.scripting.executeScript({
      target,
      func: () => (globalThis as { __sameroomCheck?: Promise<unknown> }).__sameroomCheck,
    });
    const check = answer?.result as PageCheck;
    // The CRM's patterns come with the answer: the popup loads no adapter. This tab's own pages are
    // asked about: Chrome's "On specific sites" may allow this org of a CRM and no other, and the panel
    // runs here (asked for all the CRM's pages, the check said no panel showed on a tab showing one).
    const reader = check.custom ?? (check.switchedOff ? null : check.crm);
    if (reader && !(await mayRead({ matches: [`${new URL(check.url).origin}/*`] })))
      return { ...check, withheld: reader };
    return check;
  } catch {
    throw new Error(t('checkCannotRead'));
  }
}
