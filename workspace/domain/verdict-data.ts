import { adapterFor } from '../../lib/crm';
import type { FeedbackItem } from '../../lib/protocol';
import { canonicalHash } from './canonical';
import type { PreparedBatch } from './ingest';

/** How far ahead of the server's clock a verdict's createdAt may be (clock skew, not the future). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Why this item's data cannot be true, or null; `url` is the record address to store (no fragment). */
function problem(item: FeedbackItem, now: number): { error: string } | { url: string | undefined } {
  if (Date.parse(item.createdAt) > now + MAX_CLOCK_SKEW_MS)
    return { error: 'createdAt: is more than 5 minutes in the future' };
  if (!item.lead.url) return { url: undefined };
  const url = new URL(item.lead.url);
  url.hash = '';
  if (item.lead.crm === 'custom') {
    if (url.protocol !== 'https:') return { error: 'lead.url: must be an https address' };
  } else if (adapterFor(url)?.crm !== item.lead.crm) {
    return { error: `lead.url: is not an address of ${item.lead.crm}` };
  }
  return { url: url.href };
}

/**
 * Checks what the schema cannot: a verdict is not from the future, and its record address is on its
 * CRM's hosts (the built-in adapters' match patterns; any https address for a custom site). Addresses
 * are stored without their fragment.
 */
export function checkVerdictData(batch: PreparedBatch, now = Date.now()): PreparedBatch {
  return batch.map((entry) => {
    if (!('item' in entry)) return entry;
    const found = problem(entry.item, now);
    if ('error' in found) return { id: entry.item.id, status: 'invalid', error: found.error };
    if (found.url === entry.item.lead.url) return entry;
    const item = { ...entry.item, lead: { ...entry.item.lead, url: found.url } };
    return { ...entry, item, hash: canonicalHash(item) };
  });
}
