import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { CRM_MATCHES } from './lib/crm';

/** Sameroom's add-on id in Firefox; e2e tests pin its internal UUID through this id. */
export const GECKO_ID = 'sameroom@sameroom.app';

/** The only API permissions DESIGN.md allows; a test fails on anything else in a built manifest. */
export const PERMISSIONS = ['storage', 'alarms', 'scripting'];

export default defineConfig({
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Sameroom',
    description: "Shows the campaign behind each CRM lead and sends the rep's verdict back to marketing.",
    permissions: PERMISSIONS,
    host_permissions: [...CRM_MATCHES],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '128.0' } } }
      : {}),
  }),
});
