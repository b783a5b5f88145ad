/**
 * The rep's settings, as stored in `browser.storage.local` (content scripts read them, so they never
 * hold a secret). Plain types and pure functions only: the content script imports this module and
 * stays free of zod; `custom-site.ts` validates what the options page saves.
 */
import type { ObjectType } from '../protocol';

/** How a custom site shows one signal: a CSS selector of its value, or the label beside it. */
export interface FieldRule {
  selector?: string;
  label?: string;
}

/**
 * Why a custom site saved by an earlier version no longer runs (issue 13): plain HTTP, a wildcard over
 * a public suffix, or a record pattern that read the whole address or could backtrack. Kept and shown
 * in Options, never silently dropped, until the rep removes it and adds it again.
 */
export type SiteAttention = 'http' | 'publicSuffix' | 'notPattern' | 'pattern';

/** A CRM Sameroom does not know, described by the team: where its records live and how to read them. */
export interface CustomSite {
  id: string;
  label: string;
  /** A match pattern of its HTTPS pages, e.g. https://crm.example.com/* (also the host permission asked for). */
  match: string;
  /** An RE2 pattern over the record page's path (and `recordQuery`) with a named group `id`. */
  recordPattern: string;
  /** Query parameters the pattern also sees, for a CRM that puts the record id there (`?lid=…`). */
  recordQuery: string[];
  objectType: ObjectType;
  fields: Partial<Record<'leadSource' | 'campaignName' | 'utmCampaign' | 'region', FieldRule>>;
  attention?: SiteAttention;
}

export const SETTINGS_VERSION = 3;

export interface Settings {
  /** Built-in adapters by id; missing means on. */
  enabledCrms: Record<string, boolean>;
  /** Whether a verdict carries the record's own address (recordAddress in lib/crm: never a search). */
  sendRecordUrl: boolean;
  customSites: CustomSite[];
}

/** Version 2's custom sites: any scheme, and a JavaScript regular expression over the whole URL. */
export interface CustomSiteV2 {
  id: string;
  label: string;
  match: string;
  recordUrl: string;
  objectType: ObjectType;
  fields: CustomSite['fields'];
}

export interface SettingsV2 {
  enabledCrms: Record<string, boolean>;
  sendRecordUrl: boolean;
  customSites: CustomSiteV2[];
}

/** Version 1 only had the on/off switches of the built-in CRMs. */
export interface SettingsV1 {
  crms: Record<string, boolean>;
}

export const DEFAULT_SETTINGS: Settings = { enabledCrms: {}, sendRecordUrl: true, customSites: [] };

/**
 * Version 1 to 2. Settings of a later version whose version mark is missing (WXT writes the value and
 * the mark in two writes: the browser closed between them) read as version 1: they are kept as they
 * are, not reset (which dropped the rep's switches and sites and sent record addresses again).
 */
export function migrateSettingsV1(old: SettingsV1 | Partial<SettingsV2> | null | undefined): SettingsV2 {
  if (old && ('enabledCrms' in old || 'customSites' in old || 'sendRecordUrl' in old))
    return {
      enabledCrms: { ...(old.enabledCrms ?? {}) },
      sendRecordUrl: old.sendRecordUrl ?? DEFAULT_SETTINGS.sendRecordUrl,
      customSites: [...(old.customSites ?? [])],
    };
  const crms = old && 'crms' in old ? old.crms : {};
  return { ...DEFAULT_SETTINGS, enabledCrms: { ...crms }, customSites: [] };
}

/** What an admin preset through `storage.managed`; each key present is locked in Options. */
export interface ManagedSettings {
  /** As the policy wrote it; a value that is not an address refuses every link (fails closed). */
  workspaceUrl?: string;
  /** The built-in CRMs that are on; every other is off. */
  enabledCrms?: string[];
  sendRecordUrl?: boolean;
}

/** The settings in force: the rep's, with whatever the admin preset taking precedence. */
export function effectiveSettings(
  user: Settings,
  managed: ManagedSettings,
  builtIn: readonly string[],
): Settings {
  return {
    ...user,
    enabledCrms: managed.enabledCrms
      ? Object.fromEntries(builtIn.map((id) => [id, managed.enabledCrms!.includes(id)]))
      : user.enabledCrms,
    sendRecordUrl: managed.sendRecordUrl ?? user.sendRecordUrl,
  };
}

export function crmEnabled(settings: Settings, adapterId: string): boolean {
  return settings.enabledCrms[adapterId] !== false;
}

/**
 * The pages a custom site serves: its one HTTPS match pattern, or none when an earlier version saved
 * it under rules that no longer hold (`attention`), or over plain HTTP.
 */
export function customSiteMatches(site: CustomSite): string[] {
  return !site.attention && site.match.startsWith('https://') ? [site.match] : [];
}
