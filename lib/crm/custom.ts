import { MatchPattern } from 'wxt/utils/match-patterns';
import { LIMITS } from '../protocol/limits';
import { type CustomSite, customSiteMatches, type FieldRule, type Settings } from '../settings';
import { compileRecordPattern, type RecordPattern, recordIn } from '../settings/record-pattern';
import { cleanText, openShadowRoots } from './fields';
import { ADAPTERS, adapterFor, detectLead, enabledAdapters } from './index';
import { valueText } from './layouts';
import type { CrmAdapter, LeadContext, RecordRef } from './types';

/** The same shape the protocol accepts for a record id. */
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const LABELS = 'label, dt, th, td, span, div, p, strong, b';

/** The value beside a visible label: the control a <label for> names, else the next element. */
function besideLabel(root: ParentNode, wanted: string): string | undefined {
  const target = wanted.trim().toLowerCase();
  for (const element of root.querySelectorAll(LABELS)) {
    if (element.children.length > 0) continue;
    if (cleanText(element.textContent)?.toLowerCase().replace(/:$/, '') !== target) continue;
    const forId = element instanceof HTMLLabelElement ? element.htmlFor : '';
    const value = forId
      ? valueText(element.ownerDocument.getElementById(forId))
      : valueText(element.nextElementSibling);
    if (value) return value;
  }
  return undefined;
}

function readRule(doc: Document, rule: FieldRule | undefined): string | undefined {
  if (!rule) return undefined;
  for (const root of [doc, ...openShadowRoots(doc)]) {
    if (rule.selector) {
      let value: string | undefined;
      try {
        value = valueText(root.querySelector(rule.selector));
      } catch {
        return undefined; // a selector the page's document cannot parse reads nothing
      }
      if (value) return value;
    }
    if (rule.label) {
      const value = besideLabel(root, rule.label);
      if (value) return value;
    }
  }
  return undefined;
}

/**
 * An adapter built from a custom site's settings, read the way the built-in ones are. A site an
 * earlier version saved that today's rules refuse (`attention`) serves no page until it is added again.
 */
export function customAdapter(site: CustomSite): CrmAdapter {
  const compiled = site.attention ? null : compileRecordPattern(site.recordPattern);
  const pattern: RecordPattern | null = compiled?.ok ? compiled.pattern : null;
  return {
    id: `custom:${site.id}`,
    crm: 'custom',
    label: site.label,
    objectTypes: [site.objectType],
    // Only HTTPS, whatever an older version stored: a page over plain HTTP is never a custom site.
    matches: pattern ? customSiteMatches(site) : [],
    recognise(url: URL): RecordRef | null {
      if (!pattern || url.protocol !== 'https:') return null;
      const found = recordIn(pattern, url, site.recordQuery ?? []);
      if (!found || !RECORD_ID.test(found.id)) return null;
      const record = { objectType: site.objectType, recordId: found.id, site: url.host };
      return found.route && found.route.length <= LIMITS.url ? { ...record, route: found.route } : record;
    },
    readSignals(doc: Document) {
      const signals: Record<string, string> = {};
      for (const [key, rule] of Object.entries(site.fields)) {
        const value = readRule(doc, rule);
        if (value) signals[key] = value;
      }
      return signals;
    },
  };
}

const active = new WeakMap<Settings, CrmAdapter[]>();

/**
 * The adapters in force: the built-in CRMs that are switched on, then the team's custom sites. The
 * same settings object gives the same adapters, so each custom site's pattern is compiled once.
 */
export function activeAdapters(settings: Settings): CrmAdapter[] {
  let adapters = active.get(settings);
  if (!adapters) {
    adapters = [...enabledAdapters(settings), ...settings.customSites.map(customAdapter)];
    active.set(settings, adapters);
  }
  return adapters;
}

/** What the settings read on a page: the popup's "Check this tab" (lib/platform/check-tab.ts). */
export interface PageCheck {
  url: string;
  /** The site whose settings apply (a built-in CRM switched on, or a custom site): its name. */
  site: string | null;
  lead: LeadContext | null;
  /** The built-in CRM whose pages these are, switched on or off: its id, name and pages. */
  crm: Pick<CrmAdapter, 'id' | 'label' | 'matches'> | null;
  /** The built-in CRM's name when the rep switched it off in Options: nothing runs here. */
  switchedOff: string | null;
  /** The custom site whose settings apply here: its id, name and pages (whose access may be withheld). */
  custom?: Pick<CrmAdapter, 'id' | 'label' | 'matches'>;
  /** The name of a custom site kept on these pages that stopped under today's rules (Options says why). */
  stopped?: string;
}

export function checkPage(href: string, document: Document, settings: Settings): PageCheck {
  const adapters = activeAdapters(settings);
  const url = new URL(href);
  const adapter = adapterFor(url, adapters);
  const builtIn = adapterFor(url, ADAPTERS);
  const custom = adapter?.crm === 'custom' ? adapter : null;
  // A site an earlier version kept that today's rules refuse serves no page (its adapter has none), and
  // was said to be "not a site Sameroom runs on: add it as a custom site", which Options then refused
  // as one already added.
  const stopped =
    adapter === null
      ? settings.customSites.find(
          (site) =>
            site.attention &&
            (() => {
              // Its pattern as kept (customSiteMatches gives a stopped site none).
              try {
                return new MatchPattern(site.match).includes(url.href);
              } catch {
                return false;
              }
            })(),
        )
      : undefined;
  return {
    url: href,
    site: adapter?.label ?? null,
    lead: detectLead(href, document, adapters),
    crm: builtIn ? { id: builtIn.id, label: builtIn.label, matches: builtIn.matches } : null,
    switchedOff: adapter === null && builtIn !== null ? builtIn.label : null,
    ...(custom ? { custom: { id: custom.id, label: custom.label, matches: custom.matches } } : {}),
    ...(stopped ? { stopped: stopped.label } : {}),
  };
}
