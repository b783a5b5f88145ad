import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { checkPage, type PageCheck } from '../lib/crm/custom';
import { loadSettings } from '../lib/platform/settings';

/**
 * Injected by the popup's "Check this tab": what Sameroom's settings read on this page. The answer is
 * left on the isolated world's global, where the popup's second injection picks it up.
 */
export default defineUnlistedScript(() => {
  const check = async (): Promise<PageCheck> =>
    checkPage(location.href, document, (await loadSettings()).settings);
  (globalThis as { __sameroomCheck?: Promise<PageCheck> }).__sameroomCheck = check();
});
