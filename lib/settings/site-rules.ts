import { MatchPattern } from 'wxt/utils/match-patterns';
import type { CustomSite, CustomSiteV2, Settings, SettingsV2, SiteAttention } from './index';
import { isPublicSuffix } from './public-suffix';

/**
 * What a custom site may be (issue 13), free of zod and of the RE2 engine so every part of the
 * extension can run the settings' migration: one HTTPS site, a wildcard only below a registrable
 * domain, a pattern on the path. Whether RE2 compiles a pattern is `record-pattern.ts`'s question.
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
  // A browser takes `*` only as the host's first label: `*.example.*` passed WXT's check and then
  // failed the permission request itself.
  if (host.slice(host.startsWith('*.') ? 2 : 0).includes('*')) return 'notPattern';
  if (host.startsWith('*.') && isPublicSuffix(host.slice(2))) return 'publicSuffix';
  return null;
}

export type PatternProblem = 'syntax' | 'noId' | 'wholeUrl' | 'hashInside';

/**
 * A `#` the pattern needs somewhere past its start: it runs on the path (which holds no `#`) unless it
 * starts with one, so `/#/leads/record/(?<id>…)`, typed for a SuiteCRM 8 page, never matched.
 */
export function readsHashInside(source: string): boolean {
  // Not in a character class ([^#/]+ only says what the id is not).
  const outsideClasses = source.replace(/\[(?:\\.|[^\]\\])*\]/g, '');
  return !readsFragment(source) && /(^|[^\\])#/.test(outsideClasses);
}

/**
 * A match pattern as the browser compares it: its host in lower case and an international domain in
 * its ASCII form (a page's hostname is always so), so `https://CRM.acme.com/*` or `https://crm.bücher.de/*`
 * matches its pages. Anything that is not a pattern is left for matchProblem to refuse.
 */
export function normalizeMatch(value: string): string {
  const parts = value.match(/^([A-Za-z*]+):\/\/([^/]+)(\/.*)$/);
  if (!parts) return value;
  const [, scheme, host, path] = parts as unknown as [string, string, string, string];
  // A port is no part of a match pattern: left as typed, for matchProblem to refuse (URL would drop it).
  if (host.includes(':')) return value;
  const wildcard = host.startsWith('*.');
  try {
    const ascii = new URL(`https://${wildcard ? host.slice(2) : host}`).hostname;
    return `${scheme.toLowerCase()}://${wildcard ? '*.' : ''}${ascii}${path}`;
  } catch {
    return value;
  }
}

/** A pattern that names the scheme or host was written for the whole URL; it now runs on the path. */
export function readsWholeUrl(source: string): boolean {
  return /(^|[^\\])(\\\/|\/){2}/.test(source) || /https?:/i.test(source);
}

/**
 * What a version 2 pattern (a JavaScript regular expression) uses that RE2 refuses or that reads
 * what anyone can add to a link: backreferences, lookarounds, escapes RE2 spells otherwise (`\u`,
 * `\c`, `\0`), `[^]`, a query or a fragment. Without the RE2 engine: the migration runs in the
 * background and the built-in content script, which do not carry it. A pattern this misses but RE2
 * still refuses matches nothing (`customAdapter` fails closed).
 */
const NOT_RE2 = /\\[1-9kuc0]|\(\?<?[=!]|\[\^\]|\\\?|#/;

/**
 * What only a query or a host holds, which a version 2 pattern (run on the whole address) could read
 * and today's (run on the path) never finds: a `?` or `&` in a class (`[?&]lid=`), a `=`
 * (`record=(?<id>…)`, SuiteCRM 7's query), or a dotted name before the first `/` (`crm\.acme\.com/…`).
 * Migrated as they were, such sites silently stopped showing the panel, with nothing said in Options.
 */
function readsQueryOrHost(source: string): boolean {
  // A class that may match a `?` or `&` (`[?&]`); a negated one only keeps them out (`[^/?]+`, written
  // so that a version 2 id stopped before the query), and still works on the path.
  const CLASS = /\[(?:\\.|[^\]\\])*\]/g;
  const classes = source.match(CLASS) ?? [];
  if (classes.some((found) => !found.startsWith('[^') && /[?&]/.test(found))) return true;
  const outsideClasses = source.replace(CLASS, '');
  return outsideClasses.includes('=') || /^[^/]*\\\.[^/]*\//.test(outsideClasses);
}

function migratesAsIs(source: string): boolean {
  return (
    !readsWholeUrl(source) && !NOT_RE2.test(source) && !readsQueryOrHost(source) && /\(\?P?<id>/.test(source)
  );
}

/** A query parameter's name as a pattern may name it. */
export const QUERY_NAME = /^[A-Za-z0-9_.[\]-]{1,40}$/;

/**
 * A version 2 site in today's rules. `*://` narrows to `https://` (the permission granted for it
 * covers that); anything else that no longer holds is kept with the reason it stopped running.
 */
export function migrateCustomSite(old: CustomSiteV2 | CustomSite): CustomSite {
  // Already in today's shape (settings whose version mark was lost: lib/settings/index.ts).
  if ('recordPattern' in old) return old;
  // As the browser compares hosts (lower case, ASCII): `https://CRM.Acme.com/*` matched none of its pages.
  const match = normalizeMatch(old.match.replace(/^\*:\/\//, 'https://'));
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
  const wrongPattern = !migratesAsIs(old.recordUrl);
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

/**
 * A pattern written for the address's fragment (it starts with `#`, or `^#`): for CRMs whose pages
 * route by it, as SuiteCRM 8 does (`/#/contacts/record/<id>`, SuiteCRM-Core#822) and Odoo before 17
 * (`/web#id=5&view_type=form&model=crm.lead`, OCA/crm#141). There the fragment is the page's own
 * route, so what it names is the record the page shows. Such a pattern runs on the fragment alone,
 * `#` included (`recordIn`), never on `recordSubject`.
 */
export function readsFragment(source: string): boolean {
  return /^\^?#/.test(source);
}

/**
 * What the pattern runs on: the path, then `?name=value&…` for the named query parameters the site
 * needs, in the order named. Never the host, the rest of the query or the fragment: a pattern cannot
 * be satisfied by something an attacker adds to a link (`?x=/lead/123`, `#/lead/123`). After the
 * origin, it is also the record address a verdict carries from the site (`recordAddress` in lib/crm).
 */
export function recordSubject(url: URL, query: readonly string[] = []): string {
  const picked = new URLSearchParams();
  for (const name of query) {
    const value = url.searchParams.get(name);
    if (value !== null) picked.append(name, value);
  }
  const params = picked.toString();
  return params ? `${url.pathname}?${params}` : url.pathname;
}
