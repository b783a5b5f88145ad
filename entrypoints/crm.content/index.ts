import { defineContentScript } from 'wxt/utils/define-content-script';
import { CRM_MATCHES, enabledAdapters } from '../../lib/crm';
import { startPanel } from './start-panel';

/** The built-in CRMs' content script. Custom sites get entrypoints/custom-site.content instead. */
export default defineContentScript({
  matches: [...CRM_MATCHES],
  // Before the page parses: a record's address starts the panel's frame loading beside the CRM's own
  // page (issue 11: its cold load was most of the first page's wait); the record is read at
  // DOMContentLoaded, and its render watched for 5 s after.
  runAt: 'document_start',
  main: (ctx) => startPanel(ctx, enabledAdapters),
});
