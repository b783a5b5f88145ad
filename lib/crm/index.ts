import { MatchPattern } from 'wxt/utils/match-patterns';
import { salesforceLightning } from './salesforce-lightning';
import type { CrmAdapter, LeadContext } from './types';

export type { CrmAdapter, LeadContext, RecordRef } from './types';

/** Every built-in CRM adapter. Adding a CRM is adding its file and one line here. */
export const ADAPTERS: readonly CrmAdapter[] = [salesforceLightning];

const patterns = new Map(
  ADAPTERS.map((adapter) => [adapter, adapter.matches.map((p) => new MatchPattern(p))]),
);

/** The match patterns of every built-in CRM's hosts: the content script's matches. */
export const CRM_MATCHES: readonly string[] = [...new Set(ADAPTERS.flatMap((adapter) => adapter.matches))];

export function adapterFor(url: URL): CrmAdapter | null {
  return ADAPTERS.find((adapter) => patterns.get(adapter)?.some((p) => p.includes(url))) ?? null;
}

/**
 * The lead this page shows, or null when it is not a record page of a CRM we know. Pure: the URL
 * decides whether this is a record; the document only adds signals, and a page whose fields cannot be
 * read (or that throws while we read it) is still the record.
 */
export function detectLead(url: string, doc: Document): LeadContext | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const adapter = adapterFor(parsed);
  const record = adapter?.recognise(parsed);
  if (!adapter || !record) return null;
  let signals = {};
  try {
    signals = adapter.readSignals(doc, record);
  } catch {
    // A hostile or half-rendered page: the record is still recognised, with no signals.
  }
  return { crm: adapter.crm, ...record, signals };
}
