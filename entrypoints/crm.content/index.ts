import { defineContentScript } from 'wxt/utils/define-content-script';
import { CRM_MATCHES, enabledAdapters } from '../../lib/crm';
import { startPanel } from './start-panel';

/** The built-in CRMs' content script. Custom sites get entrypoints/custom-site.content instead. */
export default defineContentScript({
  matches: [...CRM_MATCHES],
  runAt: 'document_idle',
  main: (ctx) => startPanel(ctx, enabledAdapters),
});
