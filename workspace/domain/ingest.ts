/**
 * Ingest: a batch of verdicts checked and hashed outside the transaction, then stored each exactly once
 * with the rollups moved in the same transaction (./rollups.ts keeps them; ./feed.ts reads them back).
 */
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import { toSalesforceId18 } from '../../lib/crm/salesforce-id';
import { type FeedbackItem, type FeedbackResult, idOf, type Member, requests } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { canonicalHash } from './canonical';

/** One lead, whatever page or id form it was seen on: Salesforce ids count in their 18-character form. */
export function leadKey(lead: FeedbackItem['lead']): string {
  const recordId =
    lead.crm === 'salesforce' ? (toSalesforceId18(lead.recordId) ?? lead.recordId) : lead.recordId;
  return leadKeyOf({ ...lead, recordId });
}

/** An item that passed its checks: what is stored, its lead and its canonical hash. */
export interface Stored {
  item: FeedbackItem;
  key: string;
  hash: Buffer;
}

function invalid(
  raw: unknown,
  error: { issues: Array<{ path: PropertyKey[]; message: string }> },
): FeedbackResult {
  const problem = error.issues[0];
  const where = problem?.path.map(String).join('.');
  return {
    id: idOf(raw),
    status: 'invalid',
    error: `${where ? `${where}: ` : ''}${problem?.message ?? 'invalid'}`,
  };
}

/** A batch checked and hashed: work done before the transaction, so the workspace lock is held briefly. */
export type PreparedBatch = Array<FeedbackResult | Stored>;

const isStored = (entry: FeedbackResult | Stored): entry is Stored => 'item' in entry;

export function prepareBatch(rawItems: unknown[]): PreparedBatch {
  return rawItems.map((raw) => {
    const parsed = requests.FeedbackItem.safeParse(raw);
    if (!parsed.success) return invalid(raw, parsed.error);
    return { item: parsed.data, key: leadKey(parsed.data.lead), hash: canonicalHash(parsed.data) };
  });
}

/**
 * Stores a batch of feedback, each item exactly once, and updates the rollups in the same transaction.
 * Results come in the order of the items: created, duplicate (same id, same content: nothing stored),
 * conflict (same id, other content), or invalid (with the reason) while the valid items are stored.
 *
 * Ingests take turns on the workspace row (the change cursor must commit in order), so what runs from
 * taking it to committing is ingest throughput: one call (ingest_batch) does all the work set-based,
 * whatever the batch size. Given the database rather than a transaction, that call is a transaction
 * of its own, which commits the moment it ends: the row is never held while this process answers.
 */
export async function ingest(sql: Sql, member: Member, batch: PreparedBatch): Promise<FeedbackResult[]> {
  const results = [...batch];
  const entries = results.filter(isStored);
  // One call, one round trip (ingest_batch, migrations 005, 006 and 010): it takes the workspace row,
  // from which ingests take turns until commit, then stores what is new, answers included, and moves the
  // rollups in one statement.
  const rows = await sql.query<{ item_id: string; item_stored: boolean }>(
    'SELECT item_id, item_stored FROM ingest_batch($1::jsonb, $2::uuid)',
    [
      JSON.stringify(
        entries.map(({ item, key, hash }, n) => ({
          n,
          id: item.id,
          campaign_id: item.campaignId,
          lead_key: key,
          crm: item.lead.crm,
          object_type: item.lead.objectType,
          record_id: item.lead.recordId,
          url: item.lead.url ?? null,
          signals: item.signals,
          verdict: item.verdict,
          region: item.region ?? null,
          note: item.note ?? null,
          answers: item.answers?.length ? item.answers : null,
          created_at: item.createdAt,
          hash: `\\x${hash.toString('hex')}`,
        })),
      ),
      member.id,
    ],
  );
  // Ids and campaigns come back as the database writes UUIDs: in lower case.
  const inserted = new Set(rows.filter((r) => r.item_stored).map((r) => r.item_id));
  const unknownCampaigns = new Set(rows.filter((r) => !r.item_stored).map((r) => r.item_id));
  // One id twice in one batch: the first occurrence decides, later ones are answered like a resend.
  // Ids are compared as the database compares UUIDs, whatever their case.
  const idOf = (entry: Stored) => entry.item.id.toLowerCase();
  const firstHash = new Map<string, Buffer>();
  for (const [index, entry] of results.entries()) {
    if (!isStored(entry)) continue;
    if (entry.item.campaignId && unknownCampaigns.has(entry.item.campaignId.toLowerCase())) {
      results[index] = {
        id: entry.item.id,
        status: 'invalid',
        error: 'campaignId: no such campaign in this workspace',
      };
    } else if (!firstHash.has(idOf(entry))) {
      firstHash.set(idOf(entry), entry.hash);
    }
  }

  const resentIds = results
    .filter(isStored)
    .map(idOf)
    .filter((id) => !inserted.has(id));
  const existing = new Map(
    (resentIds.length === 0
      ? []
      : await sql.query<{ id: string; hash: Uint8Array; member_id: string }>(
          'SELECT id::text, hash, member_id FROM feedback WHERE id = ANY($1::uuid[])',
          [resentIds],
        )
    ).map((row) => [row.id, row]),
  );
  const createdNow = new Set<string>();
  return results.map((entry) => {
    if (!isStored(entry)) return entry;
    const id = entry.item.id;
    const key = idOf(entry);
    if (inserted.has(key) && !createdNow.has(key)) {
      createdNow.add(key);
      return { id, status: 'created' };
    }
    const row =
      existing.get(key) ??
      (inserted.has(key) ? { hash: firstHash.get(key)!, member_id: member.id } : undefined);
    const same = row && row.member_id === member.id && Buffer.from(row.hash).equals(entry.hash);
    return same
      ? { id, status: 'duplicate' }
      : { id, status: 'conflict', error: 'an item with this id and other content is already stored' };
  });
}
