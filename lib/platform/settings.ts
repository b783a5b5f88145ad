import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { ADAPTERS } from '../crm';
import {
  DEFAULT_SETTINGS,
  effectiveSettings,
  type ManagedSettings,
  migrateSettingsV1,
  SETTINGS_VERSION,
  type Settings,
  type SettingsV1,
  type SettingsV2,
} from '../settings';
import { migrateSettingsV2 } from '../settings/site-rules';
import { watchSettings } from './rep-settings';

/** Versioned through WXT storage: an older stored object is migrated the first time it is read. */
export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: SETTINGS_VERSION,
  migrations: {
    2: (old: SettingsV1) => migrateSettingsV1(old),
    // Issue 13: custom sites HTTPS only, patterns on the path in RE2; a site that no longer fits is
    // kept with the reason, for Options to say.
    3: (old: SettingsV2) => migrateSettingsV2(old),
  },
});

/**
 * The admin's presets as last read: managed storage answers in seconds on the first read after the
 * browser starts (Chromium), so the background answers from these until the fresh read is in.
 */
const managedSeen = storage.defineItem<ManagedSettings>('local:managedSeen', { fallback: {} });

/**
 * A policy as the admin wrote it, failing closed (issue 13): a key that is present but malformed
 * locks its setting to the cautious side instead of being ignored. A workspace that is not a string
 * is kept as text that is no address, so every link is refused; a malformed list of CRMs turns them
 * all off; a malformed privacy switch sends no record address.
 */
export function readManaged(raw: Record<string, unknown>): ManagedSettings {
  const managed: ManagedSettings = {};
  if (Object.hasOwn(raw, 'workspaceUrl'))
    managed.workspaceUrl =
      typeof raw.workspaceUrl === 'string' ? raw.workspaceUrl : (JSON.stringify(raw.workspaceUrl) ?? '');
  if (Object.hasOwn(raw, 'enabledCrms'))
    managed.enabledCrms = Array.isArray(raw.enabledCrms)
      ? raw.enabledCrms.filter((v): v is string => typeof v === 'string')
      : [];
  if (Object.hasOwn(raw, 'sendRecordUrl'))
    managed.sendRecordUrl = typeof raw.sendRecordUrl === 'boolean' ? raw.sendRecordUrl : false;
  return managed;
}

/** What the admin preset; empty where there is no policy (or the browser has no managed storage). */
export async function managedSettings(): Promise<ManagedSettings> {
  try {
    const raw = (await browser.storage.managed.get(null)) as Record<string, unknown>;
    return readManaged(raw);
  } catch {
    return {};
  }
}

export { loadRepSettings, watchSettings } from './rep-settings';

/** The settings in force (the rep's under the admin's presets), and the presets themselves. */
export async function loadSettings(): Promise<{ settings: Settings; managed: ManagedSettings }> {
  const [user, managed] = await Promise.all([settingsItem.getValue(), managedSettings()]);
  const builtIn = ADAPTERS.map((adapter) => adapter.id);
  return { settings: effectiveSettings(user, managed, builtIn), managed };
}

/**
 * The settings in force, read once and again only after they change: the background asks on every
 * message (is this sender on a CRM site?) and should not read two storage areas each time. Call it
 * synchronously at start, so its change listener is registered with the others.
 */
export function cachedSettings(): () => Promise<{ settings: Settings; managed: ManagedSettings }> {
  let cached: Promise<{ settings: Settings; managed: ManagedSettings }> | undefined;
  watchSettings(() => {
    cached = undefined;
  });
  return () =>
    (cached ??= loadSettings()
      .then((current) => {
        void managedSeen.setValue(current.managed).catch(() => undefined);
        return current;
      })
      .catch((error: unknown) => {
        cached = undefined; // a failed read is tried again next time, not remembered
        throw error;
      }));
}

/**
 * The settings in force without waiting for managed storage (issue 11): the full read once it is in,
 * and until then the rep's settings under the presets as last seen. What a content script waits on
 * (is this a CRM page, which CRMs are on) is answered in milliseconds after the browser starts; a
 * policy that changed while the browser was closed applies a moment later, when the fresh read lands
 * and the content script is told.
 *
 * Both are read once per state of the settings (`full` gives a new read after every change): in
 * Chromium the full read lands about 4 s after the worker starts, and reading the last-seen presets
 * again for every message until then cost each move between records 5–20 ms.
 */
export function settingsNow(
  full: () => Promise<{ settings: Settings; managed: ManagedSettings }>,
): () => Promise<Settings> {
  const builtIn = ADAPTERS.map((adapter) => adapter.id);
  // The full read that has landed, so every later message is answered without touching storage.
  let landed: { read: ReturnType<typeof full>; settings: Settings } | null = null;
  // Until then: that read, and the settings as last seen, read once beside it.
  let pending: { read: ReturnType<typeof full>; answer: Promise<Settings> } | null = null;
  return () => {
    const read = full();
    if (landed?.read === read) return Promise.resolve(landed.settings);
    if (pending?.read !== read) {
      const fresh = read.then((current) => {
        landed = { read, settings: current.settings };
        return current.settings;
      });
      const lastSeen = Promise.all([settingsItem.getValue(), managedSeen.getValue()]).then(
        ([user, managed]) => effectiveSettings(user, managed, builtIn),
      );
      // Whichever answers first: the two local reads usually do.
      pending = { read, answer: Promise.race([fresh, lastSeen.catch(() => fresh)]) };
    }
    return pending.answer;
  };
}

export async function saveSettings(change: (current: Settings) => Settings): Promise<Settings> {
  const next = change(await settingsItem.getValue());
  await settingsItem.setValue(next);
  return next;
}
