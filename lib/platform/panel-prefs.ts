import { browser } from 'wxt/browser';
import type { PanelLayout, PanelPrefs } from '../../components/Panel';
import type { Crm } from '../protocol';

/**
 * Read and written through `storage.local` directly: the content script sizes the panel's frame from
 * these, and stays free of a storage library (issue 11: it loads on every CRM page).
 */
const PREFS_KEY = 'panelPrefs';
/** The brief's folded sections and the note's box, the same in every CRM: they follow how the rep reads. */
const LAYOUT_KEY = 'panelLayout';

export type AllPrefs = Partial<Record<Crm, PanelPrefs>>;

async function read<T>(key: string): Promise<T | undefined> {
  return (await browser.storage.local.get(key))[key] as T | undefined;
}

/**
 * Every CRM's panel prefs (width and fold, per CRM: a rep may want it wide in Salesforce and folded in
 * HubSpot). The content script starts this read beside the settings', the view as it loads.
 */
export async function allPrefs(): Promise<AllPrefs> {
  const stored = await read<AllPrefs>(PREFS_KEY);
  return stored && typeof stored === 'object' ? stored : {};
}

export async function savePanelPrefs(crm: Crm, prefs: PanelPrefs): Promise<void> {
  await browser.storage.local.set({ [PREFS_KEY]: { ...(await allPrefs()), [crm]: prefs } });
}

export async function loadPanelLayout(fallback: PanelLayout): Promise<PanelLayout> {
  const stored = await read<PanelLayout | null>(LAYOUT_KEY);
  return stored && Array.isArray(stored.closed) ? { ...fallback, ...stored } : fallback;
}

export async function savePanelLayout(layout: PanelLayout): Promise<void> {
  await browser.storage.local.set({ [LAYOUT_KEY]: layout });
}

/** Calls `onChange` with every CRM's panel prefs whenever they change (the view and the frame's host). */
export function watchPanelPrefs(onChange: (all: AllPrefs) => void): () => void {
  const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local' || !Object.hasOwn(changes, PREFS_KEY)) return;
    const value = changes[PREFS_KEY]?.newValue;
    onChange(value && typeof value === 'object' ? (value as AllPrefs) : {});
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
