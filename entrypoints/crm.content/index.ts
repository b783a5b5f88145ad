import { defineContentScript } from 'wxt/utils/define-content-script';
import { CRM_MATCHES, enabledAdapters } from '../../lib/crm';
import { startPanel } from './start-panel';

/** The built-in CRMs' content script. Custom sites get entrypoints/custom-site.content instead. */
export default defineContentScript({
  matches: [...CRM_MATCHES],
  // As soon as the DOM is parsed (DOMContentLoaded): the record's render is watched for 5 s after.
  runAt: 'document_end',
  main: (ctx) => startPanel(ctx, enabledAdapters),
});
