import { browser } from 'wxt/browser';
import type { LeadContext } from '../crm';
import { t } from '../i18n';

/** What Sameroom reads on a tab: which site's settings apply there, and the lead they find. */
export interface TabCheck {
  url: string;
  site: string | null;
  lead: LeadContext | null;
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
    return answer?.result as TabCheck;
  } catch {
    throw new Error(t('checkCannotRead'));
  }
}
