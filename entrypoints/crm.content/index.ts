import { defineContentScript } from 'wxt/utils/define-content-script';
import { CRM_MATCHES, enabledAdapters } from '../../lib/crm';
import { markStarting } from '../../lib/platform/script-restarts';
import { startPanel } from './start-panel';
// The panel host's display (see host.css): a manifest sheet, which Firefox takes out when Sameroom goes.
import './host.css';

// Before WXT's context announces this copy: an older copy takes that word from us alone.
markStarting();

/** The built-in CRMs' content script. Custom sites get entrypoints/custom-site.content instead. */
export default defineContentScript({
  matches: [...CRM_MATCHES],
  // As the page starts to parse: on a record's address the frame goes up at once, so the panel's page
  // loads while the CRM's does; the record is read when the DOM is parsed, and its render watched 5 s.
  runAt: 'document_start',
  main: (ctx) => startPanel(ctx, enabledAdapters),
});
