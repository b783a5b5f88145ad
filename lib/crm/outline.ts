/**
 * "Report this page": a redacted outline of a CRM page that a team can send in when Sameroom
 * recognises a record but reads nothing on it (or reads it wrong), so an adapter can be fixed or a
 * custom site written. It keeps the page's structure — tags, attribute names, ids, classes, the
 * values of the attributes CRMs use as field anchors, and the text of labels — and nothing a rep
 * typed or a lead is: no field values, no names, no e-mail addresses, no form values, no links.
 */
import { cleanText, OUR_PANEL } from './fields';
import { ADAPTERS, adapterFor, detectWith } from './index';
import type { CrmAdapter } from './types';

/** Attributes whose value says which field an element is, never what it holds: kept (redacted). */
const ANCHOR_ATTRIBUTES = new Set([
  'data-id',
  'data-lp-id',
  'data-target-selection-name',
  'data-zcqa',
  'data-selenium-test',
  'data-test-id',
  'data-testid',
  'data-test',
  'data-attribute',
  'data-field',
  'field-label',
  'role',
  'type',
  'slot',
  'for',
]);
/** Elements whose text is a field's label rather than its value. */
const LABELS = [
  'label',
  'th',
  'dt',
  'legend',
  '[class*="label" i]',
  '[id*="label" i]',
  '[data-zcqa^="dtVw_lbl_"]',
  '[data-selenium-test*="property-label"]',
  '[data-testid*="label"]',
].join(', ');
/** Never walked: no page structure a field could be read from, or text that is not the page's. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'canvas', OUR_PANEL]);
const MAX_LINES = 3_000;
const MAX_DEPTH = 60;
const MAX_TEXT = 80;
const MAX_CLASSES = 8;

/** Removes what could identify a person or a record from a kept string: e-mails, ids, long numbers. */
export function redact(text: string): string {
  const scrubbed = text
    .replace(/[^\s@"'<>]+@[^\s@"'<>]+\.[^\s@"'<>]+/g, '<e-mail>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{15,}(?![A-Za-z0-9])/g, '<id>')
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '#')
    .replace(/\d{4,}/g, '#');
  return scrubbed.length > MAX_TEXT ? `${scrubbed.slice(0, MAX_TEXT)}…` : scrubbed;
}

function describe(element: Element): string {
  let line = element.localName;
  if (element.id) line += `#${redact(element.id)}`;
  const classes = [...element.classList].slice(0, MAX_CLASSES).map(redact);
  if (classes.length > 0) line += `.${classes.join('.')}`;
  for (const attribute of element.attributes) {
    if (attribute.name === 'id' || attribute.name === 'class') continue;
    line += ANCHOR_ATTRIBUTES.has(attribute.name)
      ? ` [${attribute.name}="${redact(attribute.value)}"]`
      : ` [${attribute.name}]`;
  }
  if (element.matches(LABELS) && !element.matches('input, select, textarea, button')) {
    const label = cleanText(element.textContent);
    if (label) line += ` "${redact(label)}"`;
  }
  return line;
}

/** The outline of `root`'s elements, one per line, indented by depth, open shadow roots included (ours not). */
export function pageOutline(root: ParentNode): string[] {
  const lines: string[] = [];
  let omitted = 0;
  const walk = (parent: ParentNode, depth: number) => {
    for (const element of parent.children) {
      if (SKIPPED.has(element.localName)) continue;
      if (lines.length >= MAX_LINES || depth > MAX_DEPTH) {
        omitted++;
        continue;
      }
      lines.push(`${'  '.repeat(depth)}${describe(element)}`);
      if (element.shadowRoot) {
        lines.push(`${'  '.repeat(depth + 1)}#shadow-root`);
        walk(element.shadowRoot, depth + 2);
      }
      walk(element, depth + 1);
    }
  };
  walk(root, 0);
  if (omitted > 0) lines.push(`… ${omitted} more elements left out`);
  return lines;
}

/** The page's address with its ids and query values redacted (parameter names and short words kept). */
function redactedAddress(url: URL): string {
  const query = [...url.searchParams]
    .map(([key, value]) => `${redact(key)}=${/^[A-Za-z_]{1,24}$/.test(value) ? value : '…'}`)
    .join('&');
  return `${url.origin}${redact(url.pathname)}${query ? `?${query}` : ''}${url.hash ? redact(url.hash) : ''}`;
}

/**
 * The report to copy for this page: which adapter saw it (and its version), what record it
 * recognised, which signals it read (their names, not values), then the outline. Null when no
 * adapter serves the page's host.
 */
export function pageReport(
  href: string,
  doc: Document,
  adapters: readonly CrmAdapter[] = ADAPTERS,
): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  const adapter = adapterFor(url, adapters);
  if (!adapter) return null;
  const lead = detectWith(adapter, url, doc);
  const read = lead ? Object.keys(lead.signals) : [];
  return [
    'Sameroom page report',
    `adapter: ${adapter.id} ${adapter.version ?? '(custom site)'} — ${adapter.label}`,
    `record: ${lead ? lead.objectType : 'not recognised'}`,
    `signals read: ${read.length > 0 ? read.join(', ') : 'none'}`,
    `page: ${redactedAddress(url)}`,
    `title: ${doc.title ? '(set)' : '(none)'}`,
    '',
    ...pageOutline(doc.body ?? doc),
  ].join('\n');
}
