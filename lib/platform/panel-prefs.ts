import { storage } from 'wxt/utils/storage';
import type { PanelPrefs } from '../../components/Panel';
import type { Crm } from '../protocol';

/** Panel width and fold, per CRM (a rep may want it wide in Salesforce and folded in HubSpot). */
const prefsItem = storage.defineItem<Partial<Record<Crm, PanelPrefs>>>('local:panelPrefs', { fallback: {} });

export async function loadPanelPrefs(crm: Crm, fallback: PanelPrefs): Promise<PanelPrefs> {
  return (await prefsItem.getValue())[crm] ?? fallback;
}

export async function savePanelPrefs(crm: Crm, prefs: PanelPrefs): Promise<void> {
  await prefsItem.setValue({ ...(await prefsItem.getValue()), [crm]: prefs });
}
