import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { CRM_MATCHES } from './lib/crm';

/** Sameroom's add-on id in Firefox; e2e tests pin its internal UUID through this id. */
export const GECKO_ID = 'sameroom@sameroom.app';

/** The API permissions both builds ask for (Chromium's adds unlimitedStorage); a test fails on anything else. */
export const PERMISSIONS = ['storage', 'alarms', 'scripting', 'activeTab'];

/**
 * Test builds only (SAMEROOM_TEST_HOSTS): the custom CRM sites the tests add, granted at install so no
 * permission dialog is needed. Production builds list none. The e2e setup makes its test build by
 * patching the release build's manifest the same way (test/e2e/harness/test-build.ts, whose test checks
 * it against this config), so what this changes must stay in the manifest.
 */
const TEST_HOSTS = (process.env.SAMEROOM_TEST_HOSTS ?? '').split(',').filter(Boolean);

export default defineConfig({
  imports: false,
  // Test builds go beside the release builds, so a test can prove the release manifests list no test host.
  outDir: TEST_HOSTS.length > 0 ? '.output/test' : '.output',
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  hooks: {
    // The content scripts use the browser's own API object, not webextension-polyfill: the polyfill
    // was a fifth of the CRM content script (9.6 of 46 KB) and a wrapper around every call on every CRM
    // page, for the one thing Chromium lacks natively (an onMessage listener answering by a returned
    // promise), which the content scripts do without (they answer through `sendResponse`). The
    // extension's pages and background keep the polyfill.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((entrypoint) => entrypoint.type === 'content-script')) return;
      const native = { find: /^wxt\/browser$/, replacement: '@wxt-dev/browser' };
      const alias = config.resolve?.alias ?? [];
      config.resolve = {
        ...config.resolve,
        alias: [
          native,
          ...(Array.isArray(alias)
            ? alias
            : Object.entries(alias).map(([find, replacement]) => ({ find, replacement }))),
        ],
      };
    },
  },
  vite: () => ({
    plugins: [preact()],
    build: {
      rollupOptions: {
        // zod's published files carry /* @__PURE__ */ comments where Rollup cannot use them: harmless,
        // and not ours to fix, so they do not reach the build output.
        onLog(level, log, handler) {
          if (log.code === 'INVALID_ANNOTATION' && log.id?.includes('node_modules')) return;
          handler(level, log);
        },
        // The extension's pages share chunks; Rollup merges the small ones into a few larger ones
        // wherever that runs no code a page did not run before. After a browser start every file a page
        // loads is a request to the busy browser process: the panel's view loads 3 files instead of 7,
        // the popup 4 instead of 7, with the same bytes (issue 11).
        output: { experimentalMinChunkSize: 200_000 },
      },
    },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    // Chromium evicts an extension's IndexedDB under storage pressure like any site's (least recently
    // used first) unless it may store without limit: the outbox's unsent verdicts and the reps' drafts
    // live there. No prompt asks for it in Chromium. Firefox never evicts an extension's origin, and
    // would ask the rep for it ("store unlimited client-side data"), so its build does without.
    permissions: browser === 'firefox' ? PERMISSIONS : [...PERMISSIONS, 'unlimitedStorage'],
    host_permissions: [...CRM_MATCHES, ...TEST_HOSTS],
    // Custom CRM sites: asked for one site at a time, in Options, when the rep adds it.
    optional_host_permissions: ['https://*/*'],
    // The panel view, framed into CRM pages by the content script (docs/architecture.md, "The panel").
    // Custom sites are https origins only known at run time, which a manifest cannot list; the frame's
    // URL is unguessable (Chromium: a per-session dynamic id; Firefox: a per-install UUID), and a view
    // shows only what the background binds to its own tab, where our content script found a record.
    web_accessible_resources: [
      {
        resources: ['panel.html'],
        matches: [...new Set([...CRM_MATCHES, ...TEST_HOSTS, 'https://*/*'])],
        ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
      },
    ],
    default_locale: 'en',
    commands: {
      'toggle-panel': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandTogglePanel__',
      },
      'focus-verdicts': {
        suggested_key: { default: 'Alt+Shift+V' },
        description: '__MSG_commandFocusVerdicts__',
      },
    },
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              // 140 (an ESR) is the first Firefox that knows data_collection_permissions. Firefox for
              // Android is not declared (no gecko_android): Sameroom is built and tested for desktop only.
              strict_min_version: '140.0',
              // Verdicts carry what the CRM page says about the lead's origin and, unless turned off in
              // Options, the record's address: both go to the team's workspace.
              data_collection_permissions: { required: ['websiteContent', 'websiteActivity'] },
            },
          },
        }
      : {}),
  }),
});
