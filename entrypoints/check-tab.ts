import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { adapterFor, detectLead } from '../lib/crm';
import { activeAdapters } from '../lib/crm/custom';
import type { TabCheck } from '../lib/platform/check-tab';
import { loadSettings } from '../lib/platform/settings';

/**
 * Injected by the popup's "Check this tab": what Sameroom's settings read on this page. The answer is
 * left on the isolated world's global, where the popup's second injection picks it up.
 */
export default defineUnlistedScript(() => {
  const check = async (): Promise<TabCheck> => {
    const { settings } = await loadSettings();
    const adapters = activeAdapters(settings);
    const adapter = adapterFor(new URL(location.href), adapters);
    return {
      url: location.href,
      site: adapter?.label ?? null,
      lead: detectLead(location.href, document, adapters),
    };
  };
  (globalThis as { __sameroomCheck?: Promise<TabCheck> }).__sameroomCheck = check();
});
