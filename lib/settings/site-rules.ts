import { MatchPattern } from 'wxt/utils/match-patterns';
import type { CustomSite, CustomSiteV2, Settings, SettingsV2, SiteAttention } from './index';
import { isPublicSuffix } from './public-suffix';
import { compileRecordPattern } from './record-pattern';

/**
 * What a custom site may be (issue 13), free of zod so the content script can run the settings'
 * migration: one HTTPS site, a wildcard only below a registrable domain, a pattern RE2 runs.
 */
export type MatchProblem = 'notPattern' | 'http' | 'publicSuffix';

export function matchProblem(value: string): MatchProblem | null {
  try {
    new MatchPattern(value);
  } catch {
    return 'notPattern';
  }
  const parts = value.match(/^(https?|\*):\/\/([^/]+)\/.*$/);
  const host = parts?.[2];
  if (!parts || !host || host === '*' || host.includes(':')) return 'notPattern';
  if (parts[1] !== 'https') return 'http';
  if (host.startsWith('*.') && isPublicSuffix(host.slice(2))) return 'publicSuffix';
  return null;
}

export type PatternProblem = 'syntax' | 'noId' | 'wholeUrl';

/** A pattern that names the scheme or host was written for the whole URL; it now runs on the path. */
function readsWholeUrl(source: string): boolean {
  return /(^|[^\\])(\\\/|\/){2}/.test(source) || /https?:/i.test(source);
}

export function patternProblem(source: string): PatternProblem | null {
  if (readsWholeUrl(source)) return 'wholeUrl';
  const compiled = compileRecordPattern(source);
  return compiled.ok ? null : compiled.problem;
}

/** A query parameter's name as a pattern may name it. */
export const QUERY_NAME = /^[A-Za-z0-9_.[\]-]{1,40}$/;

/**
 * A version 2 site in today's rules. `*://` narrows to `https://` (the permission granted for it
 * covers that); anything else that no longer holds is kept with the reason it stopped running.
 */
export function migrateCustomSite(old: CustomSiteV2): CustomSite {
  const match = old.match.replace(/^\*:\/\//, 'https://');
  const site: CustomSite = {
    id: old.id,
    label: old.label,
    match,
    recordPattern: old.recordUrl,
    recordQuery: [],
    objectType: old.objectType,
    fields: old.fields,
  };
  const wrongMatch = matchProblem(match);
  // A query or fragment in the old pattern read what anyone can add to a link: it must be redone.
  const wrongPattern = patternProblem(old.recordUrl) !== null || /\\\?|#/.test(old.recordUrl);
  const attention: SiteAttention | null = wrongMatch ?? (wrongPattern ? 'pattern' : null);
  return attention ? { ...site, attention } : site;
}

export function migrateSettingsV2(old: SettingsV2 | null | undefined): Settings {
  return {
    enabledCrms: { ...(old?.enabledCrms ?? {}) },
    sendRecordUrl: old?.sendRecordUrl ?? true,
    customSites: (old?.customSites ?? []).map(migrateCustomSite),
  };
}
