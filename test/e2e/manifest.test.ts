import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CRM_MATCHES } from '../../lib/crm';
import { CHROME_BUILD, CHROME_TEST_BUILD, CUSTOM_SITE_MATCH, FIREFOX_BUILD, ROOT } from './harness/paths';
import { testManifest } from './harness/test-build';

/** What docs/architecture.md allows a built manifest to ask for; anything else fails. */
const ALLOWED_PERMISSIONS = {
  // unlimitedStorage: Chromium evicts an extension's IndexedDB (the outbox) under storage pressure without it.
  Chrome: ['activeTab', 'alarms', 'scripting', 'storage', 'unlimitedStorage'],
  Firefox: ['activeTab', 'alarms', 'scripting', 'storage'],
};
/** Custom CRM sites: one site at a time, asked for in Options when the rep adds it. */
const OPTIONAL_HOSTS = ['https://*/*'];
const ALLOWED_KEYS = [
  'manifest_version',
  'name',
  'description',
  'version',
  'permissions',
  'host_permissions',
  'background',
  'action',
  'options_ui',
  'content_scripts',
  'web_accessible_resources',
  'browser_specific_settings',
  'optional_host_permissions',
  'commands',
  'default_locale',
  'storage',
];

const builds = [
  ['Chrome', CHROME_BUILD],
  ['Firefox', FIREFOX_BUILD],
] as const;

describe.each(builds)('the %s build', (browserName, dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

  it('is Manifest V3 with only the allowed keys', () => {
    expect(manifest.manifest_version).toBe(3);
    expect(Object.keys(manifest).filter((key) => !ALLOWED_KEYS.includes(key))).toEqual([]);
  });

  it('asks for storage, alarms, scripting and activeTab (and in Chromium storage without eviction); custom sites only as optional hosts', () => {
    expect([...manifest.permissions].sort()).toEqual(ALLOWED_PERMISSIONS[browserName]);
    expect(manifest.optional_permissions).toBeUndefined();
    expect([...manifest.optional_host_permissions].sort()).toEqual(OPTIONAL_HOSTS);
  });

  it('names itself and its keyboard commands in English and Spanish, with Alt+Shift+S for the panel', () => {
    expect(manifest.name).toBe('__MSG_extName__');
    expect(manifest.default_locale).toBe('en');
    expect(manifest.commands['toggle-panel'].suggested_key.default).toBe('Alt+Shift+S');
    expect(Object.keys(manifest.commands).sort()).toEqual(['focus-verdicts', 'toggle-panel']);
    for (const language of ['en', 'es']) {
      const messages = JSON.parse(readFileSync(join(dir, '_locales', language, 'messages.json'), 'utf8'));
      expect(messages.extName.message).toBe('Sameroom');
      expect(messages.commandTogglePanel.message).toBeTruthy();
    }
  });

  it('gives admins a managed-storage schema where the browser reads one', () => {
    if (browserName === 'Chrome') {
      expect(manifest.storage).toEqual({ managed_schema: 'managed-schema.json' });
      const schema = JSON.parse(readFileSync(join(dir, 'managed-schema.json'), 'utf8'));
      expect(Object.keys(schema.properties).sort()).toEqual(['enabledCrms', 'sendRecordUrl', 'workspaceUrl']);
    } else {
      expect(manifest.storage).toBeUndefined();
    }
  });

  it("reaches only the built-in CRMs' hosts: no workspace, localhost or fixture host", () => {
    expect([...manifest.host_permissions].sort()).toEqual([...CRM_MATCHES].sort());
    const everyPattern = [
      ...manifest.host_permissions,
      ...manifest.content_scripts.flatMap((script: { matches: string[] }) => script.matches),
    ];
    for (const pattern of everyPattern) {
      expect(CRM_MATCHES, pattern).toContain(pattern);
      expect(pattern).not.toMatch(/localhost|127\.0\.0\.1|<all_urls>|^\*:\/\/\*\//);
    }
  });

  it('lets pages frame the panel view and nothing else: on the CRMs and, for custom sites, https pages', () => {
    // A custom site is an https origin the rep adds at run time (optional_host_permissions), which a
    // manifest cannot list. The view shows only what the background binds to its own tab.
    expect(manifest.web_accessible_resources).toEqual([
      {
        resources: ['panel.html'],
        matches: [...new Set([...CRM_MATCHES, 'https://*/*'])],
        ...(browserName === 'Firefox' ? {} : { use_dynamic_url: true }),
      },
    ]);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*']);
  });

  it('keeps zod out of the content script, which loads on every CRM page', () => {
    const contentScript = readFileSync(join(dir, manifest.content_scripts[0].js[0]), 'utf8');
    expect(contentScript).not.toContain('ZodError');
  });

  // The popup and the panel view open cold after a browser start (issue 11): the CRM adapters (every
  // CRM's patterns and readers) load when the popup sends a verdict, never with either page.
  it('loads no CRM adapter and no zod with the popup or the panel view', () => {
    for (const page of ['popup.html', 'panel.html']) {
      const html = readFileSync(join(dir, page), 'utf8');
      const pending = [...html.matchAll(/(?:src|href)="\/(chunks\/[^"]+\.js)"/g)].map((m) => m[1]!);
      const loaded = new Set<string>();
      while (pending.length > 0) {
        const file = pending.pop()!;
        if (loaded.has(file)) continue;
        loaded.add(file);
        const code = readFileSync(join(dir, file), 'utf8');
        expect(code, `${page} loads ${file}`).not.toContain('force.com');
        // zod (100 KB) stays in the background: the pages' messages are checked there.
        expect(code, `${page} loads ${file}`).not.toContain('ZodError');
        // Static imports only: a dynamic import() loads later, when it is called.
        for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) pending.push(`chunks/${m[1]}`);
      }
      expect(loaded.size).toBeGreaterThan(1);
    }
  });

  it('runs its content script on every built-in CRM', () => {
    expect(manifest.content_scripts).toHaveLength(1);
    expect([...manifest.content_scripts[0].matches].sort()).toEqual([...CRM_MATCHES].sort());
  });

  it('names its Firefox add-on id and minimum version only where Firefox reads them', () => {
    if (browserName === 'Firefox') {
      expect(manifest.browser_specific_settings.gecko).toEqual({
        id: 'sameroom@sameroom.app',
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['websiteContent', 'websiteActivity'] },
      });
    } else {
      expect(manifest.browser_specific_settings).toBeUndefined();
    }
  });
});

describe('the Chrome test build', () => {
  it('lists the custom-site fixture host that the release builds do not', () => {
    const test = JSON.parse(readFileSync(join(CHROME_TEST_BUILD, 'manifest.json'), 'utf8'));
    expect(test.host_permissions).toContain(CUSTOM_SITE_MATCH);
    for (const [, dir] of builds) {
      const release = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(release.host_permissions).not.toContain(CUSTOM_SITE_MATCH);
    }
  });

  // The e2e setup patches a copy of the release build (harness/test-build.ts) instead of running
  // `wxt build` with SAMEROOM_TEST_HOSTS: the patch must be what wxt.config.ts does with that variable.
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  it('is the release manifest with the host added where wxt.config.ts adds SAMEROOM_TEST_HOSTS', async () => {
    // Made from this checkout's release build (SAMEROOM_CHROME_BUILD may name another).
    const release = JSON.parse(readFileSync(join(ROOT, '.output', 'chrome-mv3', 'manifest.json'), 'utf8'));
    const patched = testManifest(release, [CUSTOM_SITE_MATCH]);
    expect(JSON.parse(readFileSync(join(CHROME_TEST_BUILD, 'manifest.json'), 'utf8'))).toEqual(patched);
    vi.resetModules();
    vi.stubEnv('SAMEROOM_TEST_HOSTS', CUSTOM_SITE_MATCH);
    const { default: config } = await import('../../wxt.config');
    expect(config.outDir).toBe('.output/test');
    const manifest = (config.manifest as (env: { browser: string }) => Record<string, unknown>)({
      browser: 'chrome',
    });
    // Every field wxt.config.ts writes (WXT adds the entrypoints' own) is as the patch made it.
    for (const key of Object.keys(manifest)) expect(patched[key], key).toEqual(manifest[key]);
    expect(Object.keys(manifest)).toEqual(
      expect.arrayContaining(['host_permissions', 'web_accessible_resources']),
    );
  });
});
