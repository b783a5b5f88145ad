import type { BackgroundDeps } from '../../../lib/background/router';
import { adapterFor } from '../../../lib/crm';
import { openSameroomDb } from '../../../lib/store/db';

/** The extension as the router knows itself in these tests. */
export const OURS = { id: 'sameroom-test-id', origin: 'chrome-extension://sameroom-test-id/' };

/**
 * What the router is given, as entrypoints/background.ts gives it, on the test's fake IndexedDB: the
 * real CRM adapters decide which pages are CRM pages; nothing is synced or opened.
 */
export function backgroundDeps(overrides: Partial<BackgroundDeps> = {}): BackgroundDeps {
  return {
    ours: OURS,
    isCrmUrl: (url) => adapterFor(url) !== null,
    db: openSameroomDb,
    openOptions: async () => undefined,
    sync: async () => undefined,
    outboxChanged: () => undefined,
    ...overrides,
  };
}
