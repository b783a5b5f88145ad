import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { cachedSettings, settingsItem, settingsNow } from '../../../lib/platform/settings';
import { crmEnabled, DEFAULT_SETTINGS } from '../../../lib/settings';

describe('the settings the background answers content scripts with (issue 11)', () => {
  it('do not wait for a managed storage that has not answered: the rep’s, under the policy last seen', async () => {
    await settingsItem.setValue({
      ...DEFAULT_SETTINGS,
      enabledCrms: { ...DEFAULT_SETTINGS.enabledCrms, zoho: false },
    });
    await fakeBrowser.storage.local.set({ managedSeen: { enabledCrms: ['salesforce-lightning'] } });
    const never = () => new Promise<never>(() => undefined);
    const now = settingsNow(never);
    const answer = await Promise.race([
      now(),
      new Promise((resolve) => setTimeout(() => resolve('waited'), 500)),
    ]);
    expect(answer).not.toBe('waited');
    const settings = answer as Awaited<ReturnType<typeof now>>;
    expect(settings.enabledCrms['salesforce-lightning']).toBe(true);
    expect(settings.enabledCrms.hubspot).toBe(false); // the policy last seen turned it off
  });

  it('use the full read once it is in, and remember its policy for the next start', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockResolvedValue({ enabledCrms: ['hubspot'] });
    const full = cachedSettings();
    await full();
    const settings = await settingsNow(full)();
    expect(settings.enabledCrms.hubspot).toBe(true);
    expect(settings.enabledCrms['salesforce-lightning']).toBe(false);
    await vi.waitFor(async () =>
      expect((await fakeBrowser.storage.local.get('managedSeen')).managedSeen).toEqual({
        enabledCrms: ['hubspot'],
      }),
    );
  });

  it('read the last-seen settings once while the full read is out, and again after a change', async () => {
    // In Chromium the full read lands about 4 s after the worker starts; every move between records
    // until then asked again, and each time the two local reads cost 5–20 ms.
    let read = new Promise<never>(() => undefined);
    const now = settingsNow(() => read);
    const local = vi.spyOn(fakeBrowser.storage.local, 'get');
    for (let n = 0; n < 10; n++) expect(crmEnabled(await now(), 'zoho')).toBe(true);
    const readsForTen = local.mock.calls.length;
    expect(readsForTen).toBeGreaterThan(0);
    expect(readsForTen).toBeLessThanOrEqual(2); // the settings and the presets last seen, once
    await settingsItem.setValue({
      ...DEFAULT_SETTINGS,
      enabledCrms: { ...DEFAULT_SETTINGS.enabledCrms, zoho: false },
    });
    read = new Promise<never>(() => undefined); // as cachedSettings does after a change
    local.mockClear();
    expect(crmEnabled(await now(), 'zoho')).toBe(false);
    expect(crmEnabled(await now(), 'zoho')).toBe(false);
    expect(local.mock.calls.length).toBeLessThanOrEqual(readsForTen);
  });
});
