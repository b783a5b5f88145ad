import { adapterFor, idIn } from '../../lib/crm';
import type { FeedbackItem } from '../../lib/protocol';
import { canonicalHash } from './canonical';
import type { PreparedBatch } from './ingest';

/**
 * Why this item's data cannot be true, or null; `url` is the record address to store: without its
 * fragment, unless a custom site names its records there (SuiteCRM 8's `/#/leads/record/<id>`, Odoo's
 * `/web#id=42&model=crm.lead`): the extension sends the route the site's pattern matched there, and the
 * workspace keeps a fragment only when it holds the record id as a whole token (`7` is not in
 * `#token=a7f`); any other fragment goes (it may carry anything: a search, a token). A createdAt ahead
 * of the server's clock is not refused: it is stored as the time it came (./ingest.ts, prepareBatch).
 * Refused (more than 5 minutes ahead, until this was changed), every verdict of a rep whose clock ran
 * ahead became a dead letter that no resend could cure.
 */
function problem(item: FeedbackItem): { error: string } | { url: string | undefined } {
  if (!item.lead.url) return { url: undefined };
  const url = new URL(item.lead.url);
  if (item.lead.crm !== 'custom' || !idIn(url.hash, item.lead.recordId)) url.hash = '';
  if (item.lead.crm === 'custom') {
    if (url.protocol !== 'https:') return { error: 'lead.url: must be an https address' };
  } else if (adapterFor(url)?.crm !== item.lead.crm) {
    return { error: `lead.url: is not an address of ${item.lead.crm}` };
  }
  return { url: url.href };
}

/**
 * Checks what the schema cannot: a verdict's record address is on its CRM's hosts (the built-in
 * adapters' match patterns; any https address for a custom site). Addresses are stored without their
 * fragment, but for a custom site's that holds the record id (`problem`). The item's hash stays that of
 * the item as sent: hashed as stored, an upgrade that changed which fragments are kept made the same
 * item, resent after a lost answer, a `conflict` (a dead letter). The hash as stored is kept beside it,
 * for items stored before (`formerHash`).
 */
export function checkVerdictData(batch: PreparedBatch): PreparedBatch {
  return batch.map((entry) => {
    if (!('item' in entry)) return entry;
    const found = problem(entry.item);
    if ('error' in found) return { id: entry.item.id, status: 'invalid', error: found.error };
    if (found.url === entry.item.lead.url) {
      // A custom site's fragment kept today (its record's route) was dropped by the rule before 5
      // December, which stored and hashed the item without it: that hash is the former one.
      const url = found.url ? new URL(found.url) : null;
      if (entry.item.lead.crm !== 'custom' || !url?.hash) return entry;
      url.hash = '';
      return {
        ...entry,
        formerHash: canonicalHash({ ...entry.item, lead: { ...entry.item.lead, url: url.href } }),
      };
    }
    const item = { ...entry.item, lead: { ...entry.item.lead, url: found.url } };
    return { ...entry, item, formerHash: canonicalHash(item) };
  });
}
