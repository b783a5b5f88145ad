import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { render } from 'preact';
import { afterEach, beforeEach, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { resetRevalidation } from '../../lib/background/campaigns';

// The suite's files share their threads' globals and modules (vitest.config.ts, isolate: false), so what
// one file leaves behind is cleared here.

/**
 * The fake extension APIs as `chrome` and `browser`. A dashboard file's vi.unstubAllGlobals() takes them
 * away, and @wxt-dev/browser, loaded once per thread, reads them as it loads: put back after every test,
 * so the next file's imports see them.
 */
function stubExtensionGlobals(): void {
  vi.stubGlobal('chrome', fakeBrowser);
  vi.stubGlobal('browser', fakeBrowser);
}
stubExtensionGlobals();

// Each test starts with an empty fake browser, an empty IndexedDB, and an empty document and storage.
beforeEach(() => {
  stubExtensionGlobals();
  fakeBrowser.reset();
  globalThis.indexedDB = new IDBFactory();
  resetRevalidation();
  render(null, document.body);
  document.body.replaceChildren();
  sessionStorage.clear();
  localStorage.clear();
});
afterEach(stubExtensionGlobals);
