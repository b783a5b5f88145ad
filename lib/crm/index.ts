import { MatchPattern } from 'wxt/utils/match-patterns';
import { LIMITS } from '../protocol/limits';
import { type CustomSite, crmEnabled, customSiteMatches, DEFAULT_SETTINGS, type Settings } from '../settings';
import { readsFragment, recordSubject } from '../settings/site-rules';
import { attio } from './attio';
import { close } from './close';
import { dynamics } from './dynamics';
import { readingPage } from './fields';
import { freshsales } from './freshsales';
import { hubspot } from './hubspot';
import { pageOnPattern } from './pattern-page';
import { pipedrive } from './pipedrive';
import { salesforceClassic } from './salesforce-classic';
import { salesforceLightning } from './salesforce-lightning';
import type { CrmAdapter, LeadContext, RecordRef } from './types';
import { zoho } from './zoho';

export type { CrmAdapter, LeadContext, RecordRef } from './types';

/** Every built-in CRM adapter. Adding a CRM is adding its file and one line here. */
export const ADAPTERS: readonly CrmAdapter[] = [
  salesforceLightning,
  salesforceClassic,
  hubspot,
  pipedrive,
  dynamics,
  zoho,
  close,
  freshsales,
  attio,
];

/** The match patterns of every built-in CRM's hosts: the content script's matches. */
export const CRM_MATCHES: readonly string[] = [...new Set(ADAPTERS.flatMap((adapter) => adapter.matches))];

/** Each adapter's patterns, compiled the first time it is asked about (custom sites' too). */
const patterns = new WeakMap<CrmAdapter, MatchPattern[]>();

function compiled(adapter: CrmAdapter): MatchPattern[] {
  let found = patterns.get(adapter);
  if (!found) {
    try {
      found = adapter.matches.map((p) => new MatchPattern(p));
    } catch {
      found = []; // a custom site with a pattern the browser would refuse matches nothing
    }
    patterns.set(adapter, found);
  }
  return found;
}

/** Each adapter's last answer: a page asks about its own address on every read of the record. */
const lastAnswer = new WeakMap<CrmAdapter, { href: string; serves: boolean }>();

function servesHost(adapter: CrmAdapter, url: URL): boolean {
  // The match-pattern library builds three regular expressions per test: on a busy page's re-reads
  // that was 10 ms of the content script's 110 (CDP trace, issue 11).
  const last = lastAnswer.get(adapter);
  if (last?.href === url.href) return last.serves;
  // A string, not the URL: for a URL object the library tests `instanceof Location`, which throws in a
  // service worker (workers have no Location).
  const serves = compiled(adapter).some((pattern) => pattern.includes(url.href));
  lastAnswer.set(adapter, { href: url.href, serves });
  return serves;
}

/**
 * The adapter for a page: the one that serves its host, or, where several do (two custom sites on one
 * CRM, its leads and its accounts), the first that recognises the page as a record (the first alone
 * took every page of the host, and the second site never recognised one).
 */
export function adapterFor(url: URL, adapters: readonly CrmAdapter[] = ADAPTERS): CrmAdapter | null {
  const first = adapters.findIndex((adapter) => servesHost(adapter, url));
  if (first < 0) return null;
  // A built-in CRM's host stays the built-in adapter's (a custom site over it runs only while that CRM
  // is switched off): taken by a custom site's script on one page, the tab had two panels after a move.
  if (adapters[first]!.crm !== 'custom') return adapters[first]!;
  const others = adapters.slice(first + 1).filter((adapter) => servesHost(adapter, url));
  if (others.length === 0) return adapters[first]!;
  return [adapters[first]!, ...others].find((adapter) => adapter.recognise(url)) ?? adapters[first]!;
}

/**
 * The built-in CRM (of `adapters`) whose pages are on a match pattern's host, or null: a custom site on
 * them (for HubSpot's custom objects) serves them only while that CRM is off, and removing it keeps the
 * CRM's access. A `*.` host is asked about by one name under it.
 */
export function builtInOn(match: string, adapters: readonly CrmAdapter[] = ADAPTERS): CrmAdapter | null {
  const page = pageOnPattern(match);
  if (!page) return null;
  try {
    return adapterFor(new URL(page), adapters);
  } catch {
    return null;
  }
}

const enabled = new WeakMap<Settings, CrmAdapter[]>();

/**
 * The built-in CRMs that are switched on. Custom sites' adapters (and the RE2 engine their record
 * patterns need) live in `./custom`, imported only where a custom site's page is read, so the
 * built-in content script, the background and the popup stay free of it.
 */
export function enabledAdapters(settings: Settings): CrmAdapter[] {
  let adapters = enabled.get(settings);
  if (!adapters) {
    adapters = ADAPTERS.filter((adapter) => crmEnabled(settings, adapter.id));
    enabled.set(settings, adapters);
  }
  return adapters;
}

/** Each custom site's host patterns, compiled the first time it is asked about. */
const sitePatterns = new WeakMap<CustomSite, MatchPattern[]>();

function servesSiteHost(site: CustomSite, url: URL): boolean {
  let found = sitePatterns.get(site);
  if (!found) {
    try {
      found = customSiteMatches(site).map((p) => new MatchPattern(p));
    } catch {
      found = [];
    }
    sitePatterns.set(site, found);
  }
  return found.some((pattern) => pattern.includes(url.href));
}

/**
 * Whether a page at this address is one Sameroom serves under these settings: a built-in CRM that is
 * on, or a custom site. By host only, the way content scripts are matched: the background asks this
 * of every content script's message and needs no record pattern for it.
 */
export function servesCrm(url: URL, settings: Settings): boolean {
  return (
    adapterFor(url, enabledAdapters(settings)) !== null ||
    settings.customSites.some((site) => servesSiteHost(site, url))
  );
}

/**
 * The lead `adapter` sees on this page, or null. The URL decides whether this is a record (host and
 * path); the document only adds signals, and a page whose fields cannot be read (or that throws while
 * we read it) is still the record.
 */
export function detectWith(adapter: CrmAdapter, url: URL, doc: Document): LeadContext | null {
  if (!servesHost(adapter, url)) return null;
  const record = adapter.recognise(url);
  if (!record) return null;
  let signals = {};
  try {
    signals = readingPage(() => adapter.readSignals(doc, record));
  } catch {
    // A hostile or half-rendered page: the record is still recognised, with no signals.
  }
  return { crm: adapter.crm, ...record, signals };
}

/** The lead this page shows, or null when it is not a record page of a CRM we know. Pure. */
export function detectLead(
  url: string,
  doc: Document,
  adapters: readonly CrmAdapter[] = ADAPTERS,
): LeadContext | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const adapter = adapterFor(parsed, adapters);
  return adapter ? detectWith(adapter, parsed, doc) : null;
}

/**
 * The record an address points at, from the address alone (no reading of any page), or null: one pasted
 * in the popup's verdict form, or the page's own, on which the content script puts the panel's frame up
 * before it walks the page for signals.
 */
export function recordFromUrl(
  text: string,
  adapters: readonly CrmAdapter[] = ADAPTERS,
): (RecordRef & { crm: LeadContext['crm'] }) | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  const adapter = adapterFor(url, adapters);
  const record = adapter?.recognise(url);
  return adapter && record ? { crm: adapter.crm, ...record } : null;
}

/** A custom site's record id as the protocol takes one (lib/protocol's crmId). */
const ID_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * A fragment-routed custom site's record address: the path and the record's route in the fragment
 * (SuiteCRM 8's `/#/leads/record/<id>`, Odoo's `/web#id=42&model=crm.lead&`): what the site's pattern
 * matched there, as the content script found it (`RecordRef.route`), when it holds the record id; the
 * path alone would open the CRM's home. The rest of the fragment goes (a search, a person's details, a
 * token). Not the address's own fragment, which may be gone: Chromium tells the background a content
 * script's address without it (`MessageSender.url`). Undefined otherwise (a list, a search: then the
 * verdict carries no address). Not by running the site's pattern again: RE2 would double the
 * background's and Options' code (bench: 72 KB to 117 KB gzipped), and the content script ran it.
 */
function fragmentAddress(url: URL, record: Partial<RecordRef> | undefined): string | undefined {
  const { recordId, route } = record ?? {};
  return recordId && route?.startsWith('#') && ID_VALUE.test(recordId) && idIn(route, recordId)
    ? `${url.origin}${url.pathname}${route}`
    : undefined;
}

/** Whether `id` is in `text` as a whole token (not a part of a longer id, or of a word). */
export function idIn(text: string, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9_.:-])${escaped}(?![A-Za-z0-9_.:-])`).test(text);
}

/**
 * The record's own address, as a verdict carries it to the workspace (where marketing opens it): what
 * names the record and nothing more. A query string may carry a search or a person's details, and a
 * fragment anything at all, so both go, except where the CRM names its records there: an adapter's
 * `address` rebuilds those from the record (Dynamics 365's main.aspx?appid&pagetype&etn&id,
 * Salesforce's one.app#/sObject/…), and a custom site keeps the query parameters its record pattern
 * reads, each only when its value is an id, or, where its pattern runs on the fragment, the route there
 * that the content script found with the record (`fragmentAddress`). A built-in CRM switched off still has its address
 * rebuilt (a link pasted in the popup), after the team's custom sites. Undefined for anything but
 * http(s), or past the protocol's length for an address.
 */
export function recordAddress(
  text: string,
  settings: Settings = DEFAULT_SETTINGS,
  record?: Partial<RecordRef> & { crm?: string },
): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const address = (adapter: CrmAdapter | null) => {
    const found = adapter?.recognise(url);
    if (!found) return null;
    return adapter?.address ? adapter.address(url, found) : `${url.origin}${url.pathname}`;
  };
  // The address of another record than the verdict's (a tab's address read a moment before a single-page
  // CRM moved on): none is better than one that opens the wrong lead.
  // Compared by the verdict's own CRM only: a custom site on a built-in CRM's host reads ids as the
  // address writes them, the built-in adapter as it normalises them (Salesforce's 18 characters).
  const builtInHere = adapterFor(url);
  const named = builtInHere && record?.crm === builtInHere.crm ? builtInHere.recognise(url) : null;
  if (record?.recordId && named && named.recordId !== record.recordId) return undefined;
  const builtIn = address(adapterFor(url, enabledAdapters(settings)));
  const site = builtIn ? undefined : siteAddress(url, settings, record);
  // A custom site that names its records in the fragment: the route there, or no address at all.
  if (site?.fragment) return site.address && site.address.length <= LIMITS.url ? site.address : undefined;
  const found = builtIn ?? site?.address ?? address(adapterFor(url)) ?? `${url.origin}${url.pathname}`;
  return found.length <= LIMITS.url ? found : undefined;
}

/**
 * A custom site's address for the record, where one of the team's sites serves the host: the address
 * of the site that names the verdict's record in it, as two sites on one host (a CRM's leads by path,
 * its accounts by a query parameter or a fragment route) each read their own; else the first site's.
 * Before, the first site serving the host gave every verdict there its address: a record recognised by
 * the second went with the CRM's home page, or with no address at all.
 */
function siteAddress(
  url: URL,
  settings: Settings,
  record: Partial<RecordRef> | undefined,
): { address: string | undefined; fragment: boolean } | undefined {
  const sites = settings.customSites.filter((s) => !s.attention && servesSiteHost(s, url));
  const addressOf = (site: CustomSite) => {
    const fragment = readsFragment(site.recordPattern);
    const address = fragment
      ? fragmentAddress(url, record)
      : `${url.origin}${recordSubject(
          url,
          (site.recordQuery ?? []).filter((name) => ID_VALUE.test(url.searchParams.get(name) ?? '')),
        )}`;
    return { address, fragment };
  };
  const all = sites.map(addressOf);
  const id = record?.recordId;
  return (id ? all.find(({ address }) => address !== undefined && idIn(address, id)) : undefined) ?? all[0];
}
