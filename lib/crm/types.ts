import type { Crm, ObjectType, Signals } from '../protocol';

/** What a record page's URL alone says: which record this is. */
export interface RecordRef {
  objectType: ObjectType;
  recordId: string;
  /**
   * A fragment-routed custom site's route to the record (SuiteCRM 8's `#/leads/record/<id>`): the part
   * of the address's fragment that the site's pattern matched, the record's address there; nothing else
   * of the fragment (a search, a token) goes with a verdict.
   */
  route?: string;
  /**
   * A custom site's host (`url.host`): its record ids are its own, and two custom CRMs' records 1 are
   * two leads (lib/campaigns/lead-key.ts). Built-in CRMs have none.
   */
  site?: string;
}

/** A recognised lead page: the record and what the page says about where the lead came from. */
export interface LeadContext extends RecordRef {
  crm: Crm;
  signals: Signals;
}

/**
 * One CRM's knowledge of its pages. `id` is the adapter's file name; every adapter is listed in
 * `lib/crm/index.ts`, and a test fails when a file is not, or has no fixture page.
 */
export interface CrmAdapter {
  id: string;
  crm: Crm;
  /** The product name a rep knows, e.g. "Salesforce Lightning". */
  label: string;
  /**
   * Bumped whenever what the adapter recognises or reads changes, so a page report says which
   * adapter saw the page (custom sites have none).
   */
  version?: string;
  /** The record types it recognises; each has a fixture page under test/fixtures/crm/<id>/. */
  objectTypes: readonly ObjectType[];
  /** Match patterns of the hosts its record pages live on (content script matches, host permissions). */
  matches: string[];
  /** The record from the URL alone, or null when this is not a record page of this CRM. */
  recognise(url: URL): RecordRef | null;
  /**
   * The record's own address, for a CRM that names its records in the query string or the fragment
   * (which `recordAddress` otherwise drops). Built from the record, never copied from the page.
   */
  address?(url: URL, record: RecordRef): string;
  /** Signals from the rendered record; empty when none can be read (the record still counts). */
  readSignals(doc: Document, record: RecordRef): Signals;
}
