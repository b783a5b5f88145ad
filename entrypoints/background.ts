import { defineBackground } from 'wxt/utils/define-background';
import { enforceWorkspacePolicy } from '../lib/background/link';
import { handleMessage } from '../lib/background/router';
import { createSyncRunner } from '../lib/background/sync-runner';
import { servesCrm } from '../lib/crm';
import { showBadge } from '../lib/platform/badge';
import { listenForCommands } from '../lib/platform/commands';
import { syncSiteScripts } from '../lib/platform/custom-sites';
import { listenForMessages, openOptionsPage, ourExtension } from '../lib/platform/runtime';
import {
  cachedSettings,
  loadSettings,
  managedSettings,
  settingsNow,
  watchSettings,
} from '../lib/platform/settings';
import { listenForSyncTriggers, wakeAt } from '../lib/platform/sync-triggers';
import { openSameroomDb } from '../lib/store/db';

export default defineBackground({
  type: 'module',
  main() {
    let db: ReturnType<typeof openSameroomDb> | undefined;
    const openDb = () => (db ??= openSameroomDb());
    const sync = createSyncRunner({ db: openDb, wakeAt, showBadge });
    const settings = cachedSettings();
    // What content scripts wait on is answered without waiting for managed storage (issue 11).
    const now = settingsNow(settings);
    // Listeners are registered synchronously: a worker woken by an event must find them at once.
    listenForMessages((message, sender) =>
      handleMessage(message, sender, {
        ours: ourExtension(),
        // Cached, as every message asks; a refusal is checked against a fresh read, so a site added a
        // moment ago is never turned away by a change event that has not arrived yet.
        isCrmUrl: async (url) =>
          servesCrm(url, await now()) || servesCrm(url, (await loadSettings()).settings),
        // From memory: the content script asks this instead of reading managed storage (issue 11); the
        // fresh read's answer follows through the settings watch when it differs.
        enabledCrms: async () => (await now()).enabledCrms,
        // Read fresh: a verdict sent right after the rep turned this off must not carry the address.
        sendRecordUrl: async () => (await loadSettings()).settings.sendRecordUrl,
        managedWorkspaceUrl: async () => (await managedSettings()).workspaceUrl,
        db: openDb,
        openOptions: openOptionsPage,
        sync: (force) => sync.run(force),
        outboxChanged: () => void sync.changed(),
      }),
    );
    // A link the admin's policy does not allow is undone at start and at every change of the policy.
    const holdToPolicy = () =>
      managedSettings()
        .then(async (managed) => enforceWorkspacePolicy(await openDb(), managed.workspaceUrl))
        .then((notice) => (notice ? sync.changed() : undefined))
        .catch(() => undefined);
    watchSettings(() => void holdToPolicy());
    const triggers = listenForSyncTriggers(() => void sync.onTrigger());
    listenForCommands();
    // Custom sites' content scripts persist, but are re-checked against the settings at every start.
    void settings()
      .then((current) => syncSiteScripts(current.settings.customSites))
      .catch(() => undefined);
    // Every start of the worker: alarms re-armed, the outbox drained, the briefs refreshed if stale.
    void triggers.arm();
    void holdToPolicy().then(() => sync.onTrigger());
  },
});
