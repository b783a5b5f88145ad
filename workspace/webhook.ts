import { verdictLabel } from '../lib/i18n';
import type { Verdict } from '../lib/protocol';
import type { Database } from './db/database';

const BATCH = 20;
const MAX_ATTEMPTS = 12;
const TIMEOUT_MS = 10_000;

/** Slack's mrkdwn control characters as entities: no mentions, links or markup can be smuggled in a note. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Due {
  queue_id: number;
  attempts: number;
  webhook_url: string;
  verdict: Verdict;
  note: string | null;
  region: string | null;
  rep: string;
  campaign: string | null;
}

export function webhookText(due: Omit<Due, 'queue_id' | 'attempts' | 'webhook_url'>): string {
  const parts = [
    `*${escapeSlack(due.rep)}*: ${verdictLabel(due.verdict)}`,
    `on ${due.campaign ? `“${escapeSlack(due.campaign)}”` : 'a lead no campaign matched'}`,
    due.region ? `(${escapeSlack(due.region)})` : '',
  ].filter(Boolean);
  return `${parts.join(' ')}${due.note ? `\n> ${escapeSlack(due.note).replace(/\n/g, '\n> ')}` : ''}`;
}

/** Seconds until the next try: 10 s doubling, at most an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3_600, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * One pass of the webhook queue: posts due messages (Slack-compatible `{ text }`), deletes the delivered,
 * reschedules the failed with backoff, and gives up after 12 tries (kept with the last error). Runs apart
 * from ingest, which only queues, so a slow chat server never slows feedback down.
 */
export async function deliverWebhooks(
  db: Database,
  post: typeof fetch = fetch,
): Promise<{ sent: number; failed: number }> {
  const due = await db.query<Due>(
    `SELECT q.id AS queue_id, q.attempts, w.webhook_url, f.verdict, f.note, f.region, m.name AS rep, b.data->>'name' AS campaign
       FROM webhook_queue q
       JOIN feedback f ON f.id = q.feedback_id
       JOIN members m ON m.id = f.member_id
       LEFT JOIN briefs b ON b.id = f.campaign_id
       CROSS JOIN workspace w
      WHERE q.next_attempt_at <= now() AND q.attempts < $1 AND w.webhook_url IS NOT NULL
      ORDER BY q.id LIMIT $2`,
    [MAX_ATTEMPTS, BATCH],
  );
  let sent = 0;
  let failed = 0;
  for (const message of due) {
    // Claim it first: another instance running this pass skips what is no longer due.
    const claimed = await db.query(
      `UPDATE webhook_queue SET next_attempt_at = now() + interval '1 minute', attempts = attempts + 1
        WHERE id = $1 AND next_attempt_at <= now() RETURNING id`,
      [message.queue_id],
    );
    if (claimed.length === 0) continue;
    let error: string | null = null;
    try {
      const response = await post(message.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: webhookText(message) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (error === null) {
      await db.query('DELETE FROM webhook_queue WHERE id = $1', [message.queue_id]);
      sent++;
    } else {
      await db.query(
        `UPDATE webhook_queue SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
        [message.queue_id, error.slice(0, 500), backoffSeconds(message.attempts + 1)],
      );
      failed++;
    }
  }
  return { sent, failed };
}
