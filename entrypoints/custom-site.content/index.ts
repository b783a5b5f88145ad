import { defineContentScript } from 'wxt/utils/define-content-script';
import { adapterFor } from '../../lib/crm';
import { activeAdapters } from '../../lib/crm/custom';
import { markStarting } from '../../lib/platform/script-restarts';
import type { Settings } from '../../lib/settings';
import { startPanel } from '../crm.content/start-panel';

// Before WXT's context announces this copy: an older copy takes that word from us alone.
markStarting();

/**
 * Custom sites' content script, registered per site by lib/platform/custom-sites.ts: the CRM content
 * script with the custom sites' adapters, which carry the RE2 engine the built-in one does without.
 */
export default defineContentScript({
  registration: 'runtime',
  runAt: 'document_idle',
  main: (ctx) => startPanel(ctx, customAdaptersHere),
});

/** A custom site on a built-in CRM's host that is on is served by the built-in content script. */
function customAdaptersHere(settings: Settings) {
  const adapters = activeAdapters(settings);
  return adapterFor(new URL(location.href), adapters)?.crm === 'custom' ? adapters : [];
}
