import { defineBackground } from 'wxt/utils/define-background';
import { handleMessage } from '../lib/background/router';
import { createSyncRunner } from '../lib/background/sync-runner';
import { adapterFor } from '../lib/crm';
import { showBadge } from '../lib/platform/badge';
import { listenForMessages, openOptionsPage, ourExtension } from '../lib/platform/runtime';
import { listenForSyncTriggers, wakeAt } from '../lib/platform/sync-triggers';
import { openSameroomDb } from '../lib/store/db';

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
        isCrmUrl: (url) => adapterFor(url) !== null,
        db: openDb,
        openOptions: openOptionsPage,
        sync: (force) => sync.run(force),
        outboxChanged: () => void sync.changed(),
      }),
    );
    const triggers = listenForSyncTriggers(() => void sync.onTrigger());
    // Every start of the worker: alarms re-armed, the outbox drained, the briefs refreshed if stale.
    void triggers.arm();
    void sync.onTrigger();
  },
});
