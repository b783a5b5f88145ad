import { defineBackground } from 'wxt/utils/define-background';
import { handleMessage } from '../lib/background/router';
import { createSyncRunner } from '../lib/background/sync-runner';
import { activeAdapters, adapterFor } from '../lib/crm';
import { showBadge } from '../lib/platform/badge';
import { listenForCommands } from '../lib/platform/commands';
import { syncSiteScripts } from '../lib/platform/custom-sites';
import { listenForMessages, openOptionsPage, ourExtension } from '../lib/platform/runtime';
import { loadSettings, managedSettings } from '../lib/platform/settings';
import { listenForSyncTriggers, wakeAt } from '../lib/platform/sync-triggers';
import { openSameroomDb } from '../lib/store/db';

const currentSettings = async () => (await loadSettings()).settings;

export default defineBackground({
  type: 'module',
  main() {
    let db: ReturnType<typeof openSameroomDb> | undefined;
    const openDb = () => (db ??= openSameroomDb());
    const sync = createSyncRunner({ db: openDb, wakeAt, showBadge });
    // Listeners are registered synchronously: a worker woken by an event must find them at once.
    listenForMessages((message, sender) =>
      handleMessage(message, sender, {
        ours: ourExtension(),
        isCrmUrl: async (url) => adapterFor(url, activeAdapters(await currentSettings())) !== null,
        sendRecordUrl: async () => (await currentSettings()).sendRecordUrl,
        managedWorkspaceUrl: async () => (await managedSettings()).workspaceUrl,
        db: openDb,
        openOptions: openOptionsPage,
        sync: (force) => sync.run(force),
        outboxChanged: () => void sync.changed(),
      }),
    );
    const triggers = listenForSyncTriggers(() => void sync.onTrigger());
    listenForCommands();
    // Custom sites' content scripts persist, but are re-checked against the settings at every start.
    void currentSettings()
      .then((settings) => syncSiteScripts(settings.customSites))
      .catch(() => undefined);
    // Every start of the worker: alarms re-armed, the outbox drained, the briefs refreshed if stale.
    void triggers.arm();
    void sync.onTrigger();
  },
});
