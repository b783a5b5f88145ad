import { defineBackground } from 'wxt/utils/define-background';
import { handleMessage } from '../lib/background/router';
import { adapterFor } from '../lib/crm';
import { listenForMessages, openOptionsPage, ourExtension } from '../lib/platform/runtime';
import { openSameroomDb } from '../lib/store/db';

export default defineBackground({
  type: 'module',
  main() {
    let db: ReturnType<typeof openSameroomDb> | undefined;
    // Listeners are registered synchronously: a worker woken by an event must find them at once.
    listenForMessages((message, sender) =>
      handleMessage(message, sender, {
        ours: ourExtension(),
        isCrmUrl: (url) => adapterFor(url) !== null,
        db: () => (db ??= openSameroomDb()),
        openOptions: openOptionsPage,
      }),
    );
  },
});
