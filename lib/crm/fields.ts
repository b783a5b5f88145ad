/**
 * Reading a field's value from a rendered CRM page, in tiers: an anchor tied to the field's API name
 * first (stable across layouts and languages), then its visible label, then the same inside open
 * shadow roots. Values are trimmed text; nothing here reads HTML.
 */

export interface FieldLookup {
  /** Selectors of a field's container, tied to the field's API name. */
  anchors: string[];
  /** Visible labels in the languages we know; matched case-insensitively, whole label. */
  labels: string[];
}

/** How one CRM lays out a field: where labels are, and where the value sits in a field's container. */
export interface FieldLayout {
  labelSelector: string;
  labelText(label: Element): string | undefined;
  containerOf(label: Element): Element | null;
  valueIn(container: Element): string | undefined;
}

const MAX_VALUE = 200;
const MAX_SHADOW_HOSTS = 2_000;
/** Our own panel's host element (entrypoints/crm.content): its shadow root is never the CRM's page. */
export const OUR_PANEL = 'sameroom-panel';

export function cleanText(raw: string | null | undefined): string | undefined {
  const value = raw?.replace(/\s+/g, ' ').trim();
  if (!value) return undefined;
  return value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) : value;
}

/**
 * Open shadow roots below `root`, breadth-first and bounded, so a hostile page cannot stall us. Our
 * own panel's is left out: what it shows (a brief, the signals it read) must never be read back as
 * the lead's.
 */
export function openShadowRoots(root: ParentNode): ShadowRoot[] {
  const known = walked?.get(root);
  if (known) return known;
  const found: ShadowRoot[] = [];
  const queue: ParentNode[] = [root];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_SHADOW_HOSTS) {
    const node = queue.shift()!;
    for (const element of node.querySelectorAll('*')) {
      if (++visited > MAX_SHADOW_HOSTS) break;
      if (element.shadowRoot && element.localName !== OUR_PANEL) {
        found.push(element.shadowRoot);
        queue.push(element.shadowRoot);
      }
    }
  }
  walked?.set(root, found);
  return found;
}

/** The shadow roots found under each root during the current `readingPage`, or null outside one. */
let walked: Map<ParentNode, ShadowRoot[]> | null = null;

/**
 * Runs `read` (one synchronous read of a page's fields) with each root's shadow roots looked for once:
 * a record page read for eight fields, most of them not on it, walked the whole page eight times, tens
 * of ms on a busy page's main thread (issue 11). The page cannot change during a synchronous read.
 */
export function readingPage<T>(read: () => T): T {
  if (walked) return read();
  walked = new Map();
  try {
    return read();
  } finally {
    walked = null;
  }
}

/** CRMs keep hidden tabs and previews of other records in the DOM (HubSpot does): skip what is hidden. */
function hidden(element: Element): boolean {
  return element.closest('[hidden], [aria-hidden="true"], [inert]') !== null;
}

function byAnchor(root: ParentNode, lookup: FieldLookup, layout: FieldLayout): string | undefined {
  for (const selector of lookup.anchors) {
    for (const container of root.querySelectorAll(selector)) {
      if (hidden(container)) continue;
      const value = layout.valueIn(container);
      if (value) return value;
    }
  }
  return undefined;
}

function byLabel(root: ParentNode, lookup: FieldLookup, layout: FieldLayout): string | undefined {
  const wanted = new Set(lookup.labels.map((label) => label.toLowerCase()));
  for (const label of root.querySelectorAll(layout.labelSelector)) {
    if (hidden(label)) continue;
    const text = layout.labelText(label)?.toLowerCase();
    if (!text || !wanted.has(text)) continue;
    const container = layout.containerOf(label);
    const value = container ? layout.valueIn(container) : undefined;
    if (value) return value;
  }
  return undefined;
}

/**
 * The field's value in `root`: anchors, then labels, then both again inside open shadow roots.
 * Undefined when the page does not show it.
 */
export function readField(root: ParentNode, lookup: FieldLookup, layout: FieldLayout): string | undefined {
  const plain = byAnchor(root, lookup, layout) ?? byLabel(root, lookup, layout);
  if (plain) return plain;
  for (const shadow of openShadowRoots(root)) {
    const value = byAnchor(shadow, lookup, layout) ?? byLabel(shadow, lookup, layout);
    if (value) return value;
  }
  return undefined;
}
