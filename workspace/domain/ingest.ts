/**
 * Ingest: a batch of verdicts checked and hashed outside the transaction, then stored each exactly once
 * with the rollups moved in the same transaction (./rollups.ts keeps them; ./feed.ts reads them back).
 */
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import { toSalesforceId18 } from '../../lib/crm/salesforce-id';
import { type FeedbackItem, type FeedbackResult, idOf, type Member, requests } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { canonicalHash } from './canonical';
import { updateRollups } from './rollups';
import { nextChange } from './workspace';

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
 */
export async function ingest(tx: Sql, member: Member, batch: PreparedBatch): Promise<FeedbackResult[]> {
  const results = [...batch];

  const named = [
    ...new Set(results.filter(isStored).flatMap((s) => (s.item.campaignId ? [s.item.campaignId] : []))),
  ];
  const campaigns = new Set(
    (named.length === 0
      ? []
      : await tx.query<{ id: string }>(
          "SELECT id FROM briefs WHERE id = ANY($1::uuid[]) AND status <> 'draft'",
          [named],
        )
    ).map((r) => r.id),
  );
  // One id twice in one batch: the first occurrence decides, later ones are answered like a resend.
  const seen = new Set<string>();
  const candidates: Stored[] = [];
  for (const [index, entry] of results.entries()) {
    if (!isStored(entry)) continue;
    if (entry.item.campaignId && !campaigns.has(entry.item.campaignId)) {
      results[index] = {
        id: entry.item.id,
        status: 'invalid',
        error: 'campaignId: no such campaign in this workspace',
      };
    } else if (!seen.has(entry.item.id)) {
      seen.add(entry.item.id);
      candidates.push(entry);
    }
  }

  // Taken last before writing: from here to commit, ingests take turns on the workspace row.
  const { changeSeq, webhook } = await nextChange(tx);
  const rows = candidates.map(({ item, key, hash }) => ({
    id: item.id,
    member_id: member.id,
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
    created_at: item.createdAt,
    hash: `\\x${hash.toString('hex')}`,
    change_seq: changeSeq,
  }));
  const inserted = new Set(
    rows.length === 0
      ? []
      : (
          await tx.query<{ id: string }>(
            `INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                                   region, note, created_at, hash, change_seq)
             SELECT id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                    region, note, created_at, hash, change_seq
               FROM jsonb_populate_recordset(null::feedback, $1::jsonb)
             ON CONFLICT (id) DO NOTHING RETURNING id`,
            [JSON.stringify(rows)],
          )
        ).map((r) => r.id),
  );
  const stored = candidates.filter((c) => inserted.has(c.item.id));
  await updateRollups(tx, stored, member.id);
  // From here to commit every round trip holds the workspace row: each one skipped when it has nothing
  // to do is ingest throughput.
  if (stored.length > 0 && webhook) {
    await tx.query('INSERT INTO webhook_queue (feedback_id) SELECT unnest($1::uuid[])', [
      stored.map((s) => s.item.id),
    ]);
  }

  const resentIds = results
    .filter(isStored)
    .map((s) => s.item.id)
    .filter((id) => !inserted.has(id));
  const existing = new Map(
    (resentIds.length === 0
      ? []
      : await tx.query<{ id: string; hash: Uint8Array; member_id: string }>(
          'SELECT id, hash, member_id FROM feedback WHERE id = ANY($1::uuid[])',
          [resentIds],
        )
    ).map((row) => [row.id, row]),
  );
  const firstHash = new Map(candidates.map((c) => [c.item.id, c.hash]));
  const createdNow = new Set<string>();
  return results.map((entry) => {
    if (!isStored(entry)) return entry;
    const id = entry.item.id;
    if (inserted.has(id) && !createdNow.has(id)) {
      createdNow.add(id);
      return { id, status: 'created' };
    }
    const row =
      existing.get(id) ?? (inserted.has(id) ? { hash: firstHash.get(id)!, member_id: member.id } : undefined);
    const same = row && row.member_id === member.id && Buffer.from(row.hash).equals(entry.hash);
    return same
      ? { id, status: 'duplicate' }
      : { id, status: 'conflict', error: 'an item with this id and other content is already stored' };
  });
}
