import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';

/** Set in the content scripts' world while a copy of ours starts: a page's script cannot see or set it. */
const STARTING = '__sameroomScriptStarting';
const world = globalThis as Record<string, unknown>;

/**
 * Called as a content script's module loads, before WXT makes its context, which announces on the page's
 * document that a newer copy started (so that the older one stops).
 */
export function markStarting(): void {
  world[STARTING] = true;
}

/**
 * WXT stops a content script when an event on the document says a newer copy of it started. The event's
 * name holds the extension's id, which is public, so a page's own script could send it and take the panel
 * down for good (tried: it did, in Chromium). Such an event goes no further unless a copy of ours is
 * starting in this world (a copy run in an open tab after an install or update, lib/platform/open-tabs.ts),
 * or this copy's extension is gone (updated or removed: the new version's copy then takes over).
 */
export function refuseForgedRestarts(ctx: ContentScriptContext): void {
  delete world[STARTING];
  const guard = (event: Event) => {
    if (world[STARTING] !== true && browser.runtime?.id) event.stopImmediatePropagation();
  };
  // WXT's own name for the event, from the context's class (private in its types, and not imported: WXT
  // loads entrypoints in Node to read their options, where the class cannot load; wxt is pinned, and
  // the hostile-page tests fail should the name change under us).
  const type = (ctx.constructor as unknown as { SCRIPT_STARTED_MESSAGE_TYPE: string })
    .SCRIPT_STARTED_MESSAGE_TYPE;
  // On the window, capturing: before WXT's listener on the document.
  window.addEventListener(type, guard, { capture: true });
  ctx.onInvalidated(() => window.removeEventListener(type, guard, { capture: true }));
}
