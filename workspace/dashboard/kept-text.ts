import { effect, type Signal } from '@preact/signals';

/*
 * What a marketer types in the dashboard (a reply, a brief) is kept in this tab's sessionStorage as it
 * changes: another cell or filter, Back, Cancel, a link to another page or a reload rebuilds the page
 * that held it in memory, and the next one that opens it gives it back. Closing the tab with text not
 * sent asks first (the browser's own "leave site?").
 */

const PREFIX = 'sameroom.typed.';
/** Kept beside the text, not text itself (a reply's id while it is being sent): not asked about on close. */
export const ASIDE = 'aside.';

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage switched off: the text lives only in the page, as before
  }
}

/** The text kept under `key`, as it was last written; undefined when none is. */
export function readKept<T>(key: string): T | undefined {
  const text = storage()?.getItem(PREFIX + key);
  if (text == null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Keeps `value` under `key`; null (or what `empty` says is nothing) removes it. */
export function writeKept<T>(key: string, value: T | null): void {
  const kept = storage();
  if (!kept) return;
  try {
    if (value === null) kept.removeItem(PREFIX + key);
    else kept.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Full (5 MB a site): the text stays in the page.
  }
}

/** Whether any text is kept that was not sent: the tab asks before it closes. */
export function anyKept(): boolean {
  const kept = storage();
  if (!kept) return false;
  for (let index = 0; index < kept.length; index++) {
    const key = kept.key(index);
    if (key?.startsWith(PREFIX) && !key.startsWith(PREFIX + ASIDE)) return true;
  }
  return false;
}

/**
 * Keeps `value` under `key` from now on (removed while `unsent` says there is nothing to keep); returns
 * the function that stops it. The signal starts with what was kept, if anything.
 */
export function keepTyped<T>(key: string, value: Signal<T>, unsent: (value: T) => boolean): () => void {
  const kept = readKept<T>(key);
  if (kept !== undefined) value.value = kept;
  return effect(() => {
    const now = value.value;
    writeKept(key, unsent(now) ? now : null);
  });
}

globalThis.addEventListener?.('beforeunload', (event) => {
  if (anyKept()) event.preventDefault();
});
