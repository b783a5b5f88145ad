import { storage } from 'wxt/utils/storage';
import type { PanelLayout, PanelPrefs } from '../../components/Panel';
import type { Crm } from '../protocol';

/** Panel width and fold, per CRM (a rep may want it wide in Salesforce and folded in HubSpot). */
const prefsItem = storage.defineItem<Partial<Record<Crm, PanelPrefs>>>('local:panelPrefs', { fallback: {} });

/** The brief's folded sections and the note's box, the same in every CRM: they follow how the rep reads. */
const layoutItem = storage.defineItem<PanelLayout | null>('local:panelLayout', { fallback: null });

export async function loadPanelPrefs(crm: Crm, fallback: PanelPrefs): Promise<PanelPrefs> {
  return (await prefsItem.getValue())[crm] ?? fallback;
}

export async function savePanelPrefs(crm: Crm, prefs: PanelPrefs): Promise<void> {
  await prefsItem.setValue({ ...(await prefsItem.getValue()), [crm]: prefs });
}

export async function loadPanelLayout(fallback: PanelLayout): Promise<PanelLayout> {
  const stored = await layoutItem.getValue();
  return stored && Array.isArray(stored.closed) ? { ...fallback, ...stored } : fallback;
}

export async function savePanelLayout(layout: PanelLayout): Promise<void> {
  await layoutItem.setValue(layout);
}

/** Calls `onChange` with every CRM's panel prefs whenever they change (the view and the frame's host). */
export function watchPanelPrefs(onChange: (all: Partial<Record<Crm, PanelPrefs>>) => void): () => void {
  return prefsItem.watch((value) => onChange(value ?? {}));
}
