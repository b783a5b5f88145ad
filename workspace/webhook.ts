import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { type Language, verdictLabel } from '../lib/i18n';
import type { FeedbackItem, Verdict } from '../lib/protocol';
import { retryAfterMs } from '../lib/workspace/client';
import type { Database, Sql } from './db/database';
import { nonPublicKind, publicOnlyLookup, WebhookTargetRefused } from './webhook-target';

const BATCH = 20;
export const WEBHOOK_TRIES = 12;
/**
 * A message is given up this long after it was queued, tried or not: a chat server that keeps saying
 * "wait" (a retired endpoint's 503 with Retry-After) held the queue's oldest messages, untried, for good,
 * and a message queued while the webhook was off went, months later, to whatever address was set then.
 * Twelve tries with backoff take under four hours.
 */
const MAX_AGE_HOURS = 24;
const TIMEOUT_MS = 10_000;
/**
 * How long a claim holds a message from other instances: renewed just before its post, so it covers
 * that post (10 s at most) with room to spare, however long the pass's earlier posts took.
 */
const CLAIM_SECONDS = 300;
/**
 * A failure the chat server or the network had, not the message: a 5xx, a 429, no answer at all (a
 * refusal of the message itself, a 4xx or a redirect, is not), as the pass writes it in `last_error`.
 * One pattern for the pass (JavaScript) and the claim (PostgreSQL's regular expressions read it alike).
 */
const TRANSIENT = '^(?:HTTP (?:5|429)|(?!HTTP ))';
const TRANSIENT_ERROR = new RegExp(TRANSIENT);

/**
 * Saves the team webhook's address. Another address (or none) starts with a clean slate: what the old
 * one met (passOutcomes) is not its own. Turned off, what waited for the old address is dropped, not
 * posted to one set later.
 */
export async function saveWebhookAddress(sql: Sql, url: string | null): Promise<void> {
  await sql.query(
    `UPDATE workspace SET webhook_delivered_at = NULL, webhook_refused_at = NULL, webhook_refusal = NULL,
            webhook_lost = 0
      WHERE webhook_url IS DISTINCT FROM $1`,
    [url],
  );
  await sql.query('UPDATE workspace SET webhook_url = $1', [url]);
  if (url === null) await sql.query('DELETE FROM webhook_queue');
}

/**
 * What became of a pass's messages, kept for the dashboard's Team settings (GET /api/v1/workspace): when
 * one was last delivered, the last refusal, and how many were lost. Written once, as the pass ends:
 * written for each message, every delivery was a commit on the workspace's one row, which each ingest
 * transaction updates too (its change counter), so a pass of 20 messages queued 20 commits behind the
 * verdicts coming in, and them behind it. Each time is its event's own, counted back from the write on
 * the database's clock (Team settings says the webhook is failing when the refusal came later). Only
 * while the team's webhook is still the address the messages went to: one the admin saved meanwhile
 * starts with a clean slate.
 */
function passOutcomes(db: Sql, url: string | undefined) {
  let deliveredAt: number | null = null;
  let refused: { at: number; refusal: string } | null = null;
  let lost = 0;
  const ago = (at: number | undefined | null) => (at == null ? null : (performance.now() - at) / 1_000);
  return {
    delivered() {
      deliveredAt = performance.now();
    },
    refused(refusal: string, given: boolean) {
      refused = { at: performance.now(), refusal: refusal.slice(0, 200) };
      if (given) lost++;
    },
    async save() {
      if (url === undefined || (deliveredAt === null && refused === null)) return;
      await db.query(
        `UPDATE workspace
            SET webhook_delivered_at = coalesce(now() - make_interval(secs => $2::float8), webhook_delivered_at),
                webhook_refused_at = coalesce(now() - make_interval(secs => $3::float8), webhook_refused_at),
                webhook_refusal = coalesce($4, webhook_refusal), webhook_lost = webhook_lost + $5
          WHERE webhook_url = $1`,
        [url, ago(deliveredAt), ago(refused?.at), refused?.refusal ?? null, lost],
      );
    },
  };
}

/** Slack's mrkdwn control characters as entities: no mentions, links or markup can be smuggled in a note. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Due {
  queue_id: number;
  attempts: number;
  feedback_id: string;
  webhook_url: string;
  verdict: Verdict;
  note: string | null;
  region: string | null;
  rep: string;
  campaign: string | null;
  answers?: FeedbackItem['answers'] | null;
  /** The workspace's choice for its webhook's messages; English when not said. */
  language?: Language;
}

/** What a message says: a due one without its queue's bookkeeping. */
type Said = Omit<Due, 'queue_id' | 'attempts' | 'webhook_url' | 'feedback_id'>;

/** The words of a message around the verdict's label (the panel's own), in each language the webhook writes. */
const WORDS: Record<Language, { onCampaign: (name: string) => string; noCampaign: string }> = {
  en: { onCampaign: (name) => `on “${name}”`, noCampaign: 'on a lead no campaign matched' },
  es: { onCampaign: (name) => `en «${name}»`, noCampaign: 'en un lead sin campaña' },
};

export function webhookText(due: Said): string {
  const language = due.language ?? 'en';
  const words = WORDS[language];
  const parts = [
    `*${escapeSlack(due.rep)}*: ${verdictLabel(due.verdict, language)}`,
    due.campaign ? words.onCampaign(escapeSlack(due.campaign)) : words.noCampaign,
    due.region ? `(${escapeSlack(due.region)})` : '',
  ].filter(Boolean);
  const line = (text: string) => escapeSlack(text).replace(/\s*\n\s*/g, ' ');
  const answers = (due.answers ?? []).map((a) => `\n• ${line(a.question)}: ${line(a.answer)}`).join('');
  return `${parts.join(' ')}${due.note ? `\n> ${escapeSlack(due.note).replace(/\n/g, '\n> ')}` : ''}${answers}`;
}

/**
 * The JSON posted: Slack-compatible `{ text }`, and the rep's answers to the brief's questions as
 * `answers` ({ question, answer }[]) for a receiver that reads them, only when the item has some: a
 * message without answers is what it always was. Not to Google Chat, whose API refuses a message with
 * a field it does not know (400 "Cannot find field"): every verdict with answers was lost there (the
 * answers are in the text anyway).
 */
export function webhookBody(due: Said, url = ''): string {
  const text = webhookText(due);
  const googleChat = /^https:\/\/chat\.googleapis\.com\//i.test(url);
  return JSON.stringify(due.answers?.length && !googleChat ? { text, answers: due.answers } : { text });
}

/** Seconds until the next try: 10 s doubling, at most an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3_600, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Posts `body` as JSON; answers the status, and the wait a 429 or 503 asks for (Retry-After, seconds).
 * Redirects are not followed: a 3xx is a failure. `deliveryId` (the verdict's id) goes as the
 * `X-Sameroom-Delivery` header, the same on every try: a post is tried again when its answer did not
 * come (a timeout, a lost connection) though the chat server may have taken it, so a message can arrive
 * twice, and a receiver that keeps the ids drops the repeat.
 */
export type WebhookPost = (
  url: string,
  body: string,
  deliveryId: string,
) => Promise<{ status: number; retryAfterSeconds: number | null }>;

/**
 * Retry-After in whole seconds from now, or null when absent or unreadable: the extension's reading of
 * it (lib/workspace/client.ts: seconds or an HTTP date, an hour at most).
 */
export function retryAfterSeconds(header: string | undefined, now = Date.now()): number | null {
  const ms = retryAfterMs(header ?? null, now);
  return ms === null ? null : Math.ceil(ms / 1000);
}

/**
 * Posts to a public address only (unless `allowLocal`): IP literals are checked here, host names in the
 * connection's own DNS lookup, so the address checked is the address connected to.
 */
export function postToPublicAddress(allowLocal: boolean, timeoutMs = TIMEOUT_MS): WebhookPost {
  return (url, body, deliveryId) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
      const kind = isIP(host) && !allowLocal ? nonPublicKind(host) : null;
      if (kind) return reject(new WebhookTargetRefused(host, host, kind));
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-sameroom-delivery': deliveryId,
          },
          agent: false,
          signal: AbortSignal.timeout(timeoutMs),
          ...(allowLocal ? {} : { lookup: publicOnlyLookup as never }),
        },
        (response) => {
          response.resume();
          const header = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfterSeconds: retryAfterSeconds(Array.isArray(header) ? header[0] : header),
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

/** What one pass of the webhook queue did. */
export interface WebhookPass {
  sent: number;
  failed: number;
  /** Claimed and given back untried: the server is stopping, or the chat server said to wait. */
  waiting?: number;
  /** Why each message given up at its last try this pass was refused. */
  givenUp?: string[];
  /** Each message dropped a day after it was queued: its last refusal, or null where never tried. */
  expired?: Array<string | null>;
}

/**
 * Gives back messages this pass claimed, as they were before it claimed them (the try not counted), due
 * in `waitSeconds`; each only while this pass still holds it. `said` notes why on one of them.
 */
async function giveBack(
  db: Database,
  held: Due[],
  waitSeconds = 0,
  said?: { queueId: number; error: string },
): Promise<void> {
  if (held.length === 0) return;
  await db.query(
    `UPDATE webhook_queue q SET attempts = q.attempts - 1, next_attempt_at = now() + make_interval(secs => $3),
            last_error = CASE WHEN q.id = $4 THEN $5 ELSE q.last_error END
       FROM unnest($1::bigint[], $2::int[]) AS held(id, attempts)
      WHERE q.id = held.id AND q.attempts = held.attempts`,
    [
      held.map((m) => m.queue_id),
      held.map((m) => m.attempts),
      waitSeconds,
      said?.queueId ?? null,
      said?.error ?? null,
    ],
  );
}

/**
 * One pass of the webhook queue: posts due messages (webhookBody), deletes the delivered,
 * reschedules the failed with backoff, and gives up after 12 tries or a day (each said with its last error). Runs apart
 * from ingest, which only queues, so a slow chat server never slows feedback down. Due rows are claimed
 * in one statement that skips rows another instance holds, so each message goes out from one instance.
 *
 * A chat server that says to wait (429 or 503 with Retry-After: Slack takes about a message a second
 * from one webhook) is waited for: the pass ends, and this message and the rest of the pass's go out
 * after the wait, none of them counted as a try. Posted on regardless, a burst of verdicts met 429 on
 * most of its messages at every pass and each one's tries ran out, so the team's chat lost them.
 */
export async function deliverWebhooks(
  db: Database,
  options: { allowLocal?: boolean; post?: WebhookPost; stop?: AbortSignal } = {},
): Promise<WebhookPass> {
  const post = options.post ?? postToPublicAddress(options.allowLocal ?? false);
  // A day in the queue and still not sent (the workspace stopped for longer, or a chat server that
  // kept saying wait, which counts no try): dropped, and said. Left to the next start's cleanup, they
  // went without a word, however many verdicts' messages they were. One another instance's pass holds
  // (claimed just before the day was up, and being posted) is left to that pass.
  const dropped = await db.query<{ last_error: string | null }>(
    `DELETE FROM webhook_queue
      WHERE created_at <= now() - make_interval(hours => $1) AND next_attempt_at <= now()
      RETURNING last_error`,
    [MAX_AGE_HOURS],
  );
  const expired = dropped.map((row) => row.last_error);
  // Lost to whatever address is the team's now (the queue carries over an address the admin changed).
  if (expired.length > 0)
    await db.query('UPDATE workspace SET webhook_lost = webhook_lost + $1', [expired.length]);
  const due = await db.query<Due>(
    `WITH claimed AS (
       UPDATE webhook_queue SET next_attempt_at = now() + make_interval(secs => $3), attempts = attempts + 1
        WHERE id IN (SELECT q.id FROM webhook_queue q
                      WHERE q.next_attempt_at <= now() AND q.attempts < $1
                        AND q.created_at > now() - make_interval(hours => $4)
                        AND EXISTS (SELECT 1 FROM workspace WHERE webhook_url IS NOT NULL)
                        -- In the order queued: none goes past an earlier one waiting out the chat
                        -- server's failure (or its 'wait'), which the channel would show out of order.
                        AND NOT EXISTS (SELECT 1 FROM webhook_queue e
                                         WHERE e.id < q.id AND e.next_attempt_at > now()
                                           AND e.last_error ~ '${TRANSIENT}')
                      ORDER BY q.id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, attempts, feedback_id)
     SELECT c.id AS queue_id, c.attempts, c.feedback_id::text, w.webhook_url, w.webhook_language AS language, f.verdict, f.note, f.region, m.name AS rep, b.data->>'name' AS campaign,
            f.answers
       FROM claimed c
       JOIN feedback f ON f.id = c.feedback_id
       JOIN members m ON m.id = f.member_id
       LEFT JOIN briefs b ON b.id = f.campaign_id
       CROSS JOIN workspace w
      ORDER BY c.id`,
    [WEBHOOK_TRIES, BATCH, CLAIM_SECONDS, MAX_AGE_HOURS],
  );
  let sent = 0;
  let failed = 0;
  /** Why each message given up this pass was refused at its last try. */
  const givenUp: string[] = [];
  /** What the pass gave up or dropped, for the server's log (each only when there is some). */
  const told = () => ({
    ...(givenUp.length > 0 ? { givenUp } : {}),
    ...(expired.length > 0 ? { expired } : {}),
  });
  const outcomes = passOutcomes(db, due[0]?.webhook_url);
  try {
    for (const [index, message] of due.entries()) {
      if (options.stop?.aborted) {
        // The server is stopping: what this pass claimed and has not posted is given back as it was, due
        // now. Posted on, a pass of 20 slow posts outlasted a process manager's stop timeout and was
        // killed mid-way, each claimed message a try down (one at its last try never posted at all).
        const rest = due.slice(index);
        await giveBack(db, rest);
        return { sent, failed, waiting: rest.length, ...told() };
      }
      // Still ours (no other instance took it after an earlier post of this pass ran long): held anew, and
      // only while the team's webhook is still the address it was claimed for. An admin who cleared or
      // changed it (it pointed at the wrong channel) stops the rest of a pass that a slow target keeps
      // going for minutes; the messages wait for the address there is now (cleared, the queue was
      // emptied with it: none are left to wait).
      const held = await db.query(
        `UPDATE webhook_queue SET next_attempt_at = now() + make_interval(secs => $3)
          WHERE id = $1 AND attempts = $2
            AND EXISTS (SELECT 1 FROM workspace WHERE webhook_url = $4)
          RETURNING id`,
        [message.queue_id, message.attempts, CLAIM_SECONDS, message.webhook_url],
      );
      if (held.length === 0) {
        // Not taken by another instance but kept from an address no longer the team's: given back as it
        // was before this pass claimed it, due now, for the address there is.
        await giveBack(db, [message]);
        continue;
      }
      let error: string | null = null;
      try {
        const { status, retryAfterSeconds: wait } = await post(
          message.webhook_url,
          webhookBody(message, message.webhook_url),
          message.feedback_id,
        );
        if ((status === 429 || status === 503) && wait !== null) {
          // Given back, this message and the rest of the pass's, as they were before this pass claimed them,
          // due once the wait is over (at most an hour); each only while this pass still holds it.
          const seconds = Math.min(3_600, Math.max(1, wait));
          const rest = due.slice(index);
          await giveBack(db, rest, seconds, {
            queueId: message.queue_id,
            error: `HTTP ${status}: the chat server asked to wait ${seconds} s`,
          });
          return { sent, failed, waiting: rest.length, ...told() };
        }
        if (status >= 300 && status < 400) error = `HTTP ${status} (redirects are not followed)`;
        else if (status < 200 || status >= 300) error = `HTTP ${status}`;
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      if (error === null) {
        await db.query('DELETE FROM webhook_queue WHERE id = $1', [message.queue_id]);
        outcomes.delivered();
        sent++;
        continue;
      }
      outcomes.refused(error, message.attempts >= WEBHOOK_TRIES);
      if (message.attempts >= WEBHOOK_TRIES) {
        // Its last try: given up, and gone from the queue. Kept, every pass's claim looked through all
        // such rows (thousands, after a few weeks of a chat webhook that no longer exists) for the due ones.
        await db.query('DELETE FROM webhook_queue WHERE id = $1', [message.queue_id]);
        failed++;
        givenUp.push(error.slice(0, 200));
      } else {
        await db.query(
          `UPDATE webhook_queue SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
          [message.queue_id, error.slice(0, 500), backoffSeconds(message.attempts)],
        );
        failed++;
        if (TRANSIENT_ERROR.test(error)) {
          // The chat server failing (or out of reach): the rest of the pass would most likely fail too, and
          // any that got through would reach the channel before this one. Given back as they were before
          // this pass claimed them, due now; the claim keeps them behind this one until it has gone.
          const rest = due.slice(index + 1);
          await giveBack(db, rest);
          return { sent, failed, ...(rest.length > 0 ? { waiting: rest.length } : {}), ...told() };
        }
      }
    }
    return { sent, failed, ...told() };
  } finally {
    await outcomes.save();
  }
}

/**
 * The server's log line for messages dropped a day after they were queued (a pass's `expired`): how
 * many, and the refusals they last met (a few, each once), or that none was tried.
 */
export function expiredLine(expired: ReadonlyArray<string | null>): string {
  const one = expired.length === 1;
  const count = one ? "a verdict's message" : `${expired.length} verdicts' messages`;
  const reasons = [...new Set(expired.filter((reason): reason is string => reason !== null))];
  const why =
    reasons.length === 0
      ? 'never tried: the workspace was not running'
      : `last refused: ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? '; …' : ''}`;
  return `workspace: ${count} to the team webhook ${one ? 'was' : 'were'} dropped unsent a day after ${one ? 'it was' : 'they were'} queued (${why}); check the webhook in the dashboard's Team settings`;
}

/** Messages an earlier version kept after their last try: every pass's claim looked through them. */
export async function forgetGivenUp(db: Sql): Promise<void> {
  await db.query('DELETE FROM webhook_queue WHERE attempts >= $1 AND next_attempt_at <= now()', [
    WEBHOOK_TRIES,
  ]);
}
