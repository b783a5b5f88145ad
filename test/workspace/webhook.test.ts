import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverWebhooks,
  expiredLine,
  forgetGivenUp,
  retryAfterSeconds,
  saveWebhookAddress,
  webhookBody,
} from '../../workspace/webhook';
import { nonPublicKind } from '../../workspace/webhook-target';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

let ws: TestWorkspace;
let chat: Server;
let chatUrl: string;
const received: string[] = [];
/** The X-Sameroom-Delivery header of every post, answered or not. */
const deliveries: Array<string | undefined> = [];
let failNext = 0;
/** Answers 400 (the message refused, as Slack's invalid_payload) to the next posts. */
let refuseNext = 0;
/** Answers 429 with Retry-After: 1 (as Slack does past about a message a second) from the nth post on. */
let limitFrom = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  chat = createServer((request, response) => {
    deliveries.push(request.headers['x-sameroom-delivery'] as string | undefined);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (failNext > 0) {
        failNext--;
        response.writeHead(503).end();
        return;
      }
      if (refuseNext > 0) {
        refuseNext--;
        response.writeHead(400).end('invalid_payload');
        return;
      }
      if (--limitFrom <= 0) {
        response.writeHead(429, { 'Retry-After': '1' }).end('rate_limited');
        return;
      }
      received.push((JSON.parse(body) as { text: string }).text);
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/hook`;
  // A long interval: the test runs each delivery pass itself.
  ws = await startTestWorkspace('pglite', { webhookIntervalMs: 3_600_000 });
});

afterAll(async () => {
  await ws?.destroy();
  chat?.close();
});

describe('the team webhook', () => {
  it('refuses a plain-HTTP address that is not localhost', async () => {
    const response = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookUrl: 'http://chat.example.com/hook' },
    });
    expect(response.status).toBe(422);
  });

  it('posts new feedback as escaped text, retries a failing server with backoff, and sends each item once', async () => {
    // The chat server is on loopback: only an operator's allowLocalWebhooks lets it be saved and reached.
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [chatUrl]);
    const deliver = () => deliverWebhooks(ws.db, { allowLocal: true });
    const marketer = await ws.join('marketer');
    const rep = await ws.join('rep', 'Ana <b>Ruiz</b>', 'Iberia');
    const brief = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ name: 'Spring & <Co>' }),
    });
    const campaignId = ((await brief.json()) as { id: string }).id;
    const item = feedbackItem({
      id: randomUUID(),
      campaignId,
      verdict: 'tire_kicker',
      note: 'Ping <!channel> <http://evil.example|click>',
    });
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items: [item] } });

    failNext = 1;
    expect(await deliver()).toEqual({ sent: 0, failed: 1 });
    const [queued] = await ws.db.query<{ attempts: number; last_error: string; wait: number }>(
      'SELECT attempts, last_error, extract(epoch FROM next_attempt_at - now())::int AS wait FROM webhook_queue',
    );
    expect(queued).toMatchObject({ attempts: 1, last_error: 'HTTP 503' });
    expect(queued!.wait).toBeGreaterThan(5);
    expect(await deliver()).toEqual({ sent: 0, failed: 0 }); // not due yet

    await ws.db.query('UPDATE webhook_queue SET next_attempt_at = now()');
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(received).toEqual([
      '*Ana &lt;b&gt;Ruiz&lt;/b&gt;*: Tire-kicker (price only) on “Spring &amp; &lt;Co&gt;” (DACH)\n> Ping &lt;!channel&gt; &lt;http://evil.example|click&gt;',
    ]);
    // Each try names the verdict it delivers: a receiver drops a repeat (a post whose answer was lost).
    expect(deliveries.slice(-2)).toEqual([item.id, item.id]);
  });

  it('writes the messages in the language the admin chose for them, English until then', async () => {
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [chatUrl]);
    await ws.db.query('DELETE FROM webhook_queue');
    const read = async () =>
      (
        (await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json()) as {
          webhookLanguage: string;
        }
      ).webhookLanguage;
    expect(await read()).toBe('en');
    const chosen = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookLanguage: 'es' },
    });
    expect(chosen.status).toBe(200);
    expect(await read()).toBe('es');
    // A language it cannot write in is refused, the choice kept.
    const wrong = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookLanguage: 'de' },
    });
    expect(wrong.status).toBe(422);
    expect(await read()).toBe('es');
    const rep = await ws.join('rep', 'Lucía Gómez');
    const marketer = await ws.join('marketer');
    const brief = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ name: 'Feria de Sevilla' }),
    });
    const campaignId = ((await brief.json()) as { id: string }).id;
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: {
        items: [
          feedbackItem({
            id: randomUUID(),
            campaignId,
            verdict: 'good_fit',
            region: undefined,
            note: undefined,
          }),
          feedbackItem({
            id: randomUUID(),
            campaignId: null,
            verdict: 'spam',
            region: undefined,
            note: undefined,
          }),
        ],
      },
    });
    const before = received.length;
    expect(await deliverWebhooks(ws.db, { allowLocal: true })).toMatchObject({ sent: 2, failed: 0 });
    expect(received.slice(before).sort()).toEqual(
      [
        '*Lucía Gómez*: Encaja bien en «Feria de Sevilla»',
        '*Lucía Gómez*: Spam / falso en un lead sin campaña',
      ].sort(),
    );
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookLanguage: 'en' } });
  });

  it('keeps the channel in the order the verdicts came while the chat server fails, and lets a refused message pass', async () => {
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [chatUrl]);
    await ws.db.query('DELETE FROM webhook_queue');
    const rep = await ws.join('rep', 'In Order');
    const send = async (...notes: string[]) =>
      ws.call('POST', '/api/v1/feedback', {
        token: rep.token,
        body: { items: notes.map((note) => feedbackItem({ id: randomUUID(), campaignId: null, note })) },
      });
    const deliver = () => deliverWebhooks(ws.db, { allowLocal: true });
    const said = () =>
      received.filter((text) => text.startsWith('*In Order*')).map((text) => text.split('> ')[1]);
    await send('first', 'second', 'third');
    // The chat server fails the first: the pass stops there, the other two untried and not counted.
    failNext = 1;
    expect(await deliver()).toEqual({ sent: 0, failed: 1, waiting: 2 });
    expect(await ws.db.query<{ attempts: number }>('SELECT attempts FROM webhook_queue ORDER BY id')).toEqual(
      [{ attempts: 1 }, { attempts: 0 }, { attempts: 0 }],
    );
    // While the first waits out its backoff, neither they nor a verdict that came since go past it.
    await send('fourth');
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(said()).toEqual([]);
    // Its time come: all four, in the order they came.
    await ws.db.query('UPDATE webhook_queue SET next_attempt_at = now() WHERE attempts > 0');
    expect(await deliver()).toEqual({ sent: 4, failed: 0 });
    expect(said()).toEqual(['first', 'second', 'third', 'fourth']);
    // A message the chat server refuses (a 4xx: the message, not the server) holds nothing up.
    await send('refused', 'after it');
    refuseNext = 1;
    expect(await deliver()).toEqual({ sent: 1, failed: 1 });
    expect(said().slice(-1)).toEqual(['after it']);
    await ws.db.query('DELETE FROM webhook_queue');
  });

  it('gives a message up after its last try: nothing of it is left for every pass to look through', async () => {
    const rep = await ws.join('rep', 'Given Up');
    const item = feedbackItem({ id: randomUUID(), campaignId: null });
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items: [item] } });
    // Eleven tries failed already (a chat webhook gone for half a day).
    await ws.db.query('UPDATE webhook_queue SET attempts = 11, next_attempt_at = now()');
    failNext = 1;
    // And says why, for the server's log (the webhook gone: every verdict's message lost without a word).
    expect(await deliverWebhooks(ws.db, { allowLocal: true })).toEqual({
      sent: 0,
      failed: 1,
      givenUp: ['HTTP 503'],
    });
    expect(await ws.db.query('SELECT id FROM webhook_queue')).toEqual([]);
  });

  it('sends Google Chat the text alone: its API refuses a message with a field it does not know', () => {
    const said = {
      rep: 'Ben Okafor',
      verdict: 'won' as const,
      note: null,
      region: null,
      campaign: null,
      answers: [{ question: 'Budget?', answer: 'Yes' }],
    };
    expect(Object.keys(JSON.parse(webhookBody(said, 'https://hooks.slack.com/services/T/B/x')))).toEqual([
      'text',
      'answers',
    ]);
    expect(
      JSON.parse(webhookBody(said, 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t')),
    ).toEqual({ text: '*Ben Okafor*: Won on a lead no campaign matched\n• Budget?: Yes' });
  });
});

describe('messages that cannot go', () => {
  it('are given up a day after they were queued, tried or not (a chat server that keeps saying wait)', async () => {
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [chatUrl]);
    await ws.db.query('DELETE FROM webhook_queue');
    const rep = await ws.join('rep', 'Day Old');
    const items = [
      feedbackItem({ id: randomUUID(), campaignId: null }),
      feedbackItem({ id: randomUUID(), campaignId: null }),
    ];
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    // The first has been told to wait, untried, since yesterday.
    await ws.db.query(
      `UPDATE webhook_queue SET created_at = now() - interval '25 hours', last_error = 'HTTP 429: the chat server asked to wait 1 s'
        WHERE id = (SELECT min(id) FROM webhook_queue)`,
    );
    received.length = 0;
    // Dropped by the pass, and said with the wait it last met for the server's log (left to the next
    // start's cleanup, they went without a word).
    expect(await deliverWebhooks(ws.db, { allowLocal: true })).toEqual({
      sent: 1,
      failed: 0,
      expired: ['HTTP 429: the chat server asked to wait 1 s'],
    });
    expect(await ws.db.query('SELECT id FROM webhook_queue')).toEqual([]);
  });

  it('are left to the pass that holds one (claimed just before its day was up, being posted)', async () => {
    await ws.db.query('DELETE FROM webhook_queue');
    const rep = await ws.join('rep', 'Held Late');
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
    });
    // Another instance's claim holds it for a few minutes more.
    await ws.db.query(
      "UPDATE webhook_queue SET created_at = now() - interval '25 hours', attempts = 1, next_attempt_at = now() + interval '5 minutes'",
    );
    expect(await deliverWebhooks(ws.db, { allowLocal: true })).toEqual({ sent: 0, failed: 0 });
    expect(await ws.db.query('SELECT id FROM webhook_queue')).toHaveLength(1);
    // Its claim over (that pass failed and went), the next pass drops it and says so.
    await ws.db.query("UPDATE webhook_queue SET last_error = 'HTTP 500', next_attempt_at = now()");
    expect(await deliverWebhooks(ws.db, { allowLocal: true })).toEqual({
      sent: 0,
      failed: 0,
      expired: ['HTTP 500'],
    });
  });

  it('an earlier version kept after their last try are forgotten at the start', async () => {
    const rep = await ws.join('rep', 'Kept Given Up');
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
    });
    await ws.db.query('UPDATE webhook_queue SET attempts = 12, next_attempt_at = now()');
    await forgetGivenUp(ws.db);
    expect(await ws.db.query('SELECT id FROM webhook_queue')).toEqual([]);
  });

  it('says in one line how many were dropped after a day, and why', () => {
    expect(expiredLine([null])).toBe(
      "workspace: a verdict's message to the team webhook was dropped unsent a day after it was queued (never tried: the workspace was not running); check the webhook in the dashboard's Team settings",
    );
    expect(expiredLine(['HTTP 404', 'HTTP 404', null, 'HTTP 410'])).toBe(
      "workspace: 4 verdicts' messages to the team webhook were dropped unsent a day after they were queued (last refused: HTTP 404; HTTP 410); check the webhook in the dashboard's Team settings",
    );
  });

  it('are dropped when the admin turns the webhook off, not posted to an address set later', async () => {
    await ws.db.query('UPDATE workspace SET webhook_url = $1', ['https://8.8.8.8/old-channel']);
    await ws.db.query('DELETE FROM webhook_queue');
    const rep = await ws.join('rep', 'Turned Off');
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
    });
    expect(await ws.db.query('SELECT id FROM webhook_queue')).toHaveLength(1);
    const off = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookUrl: null },
    });
    expect(off.status).toBe(200);
    expect(await ws.db.query('SELECT id FROM webhook_queue')).toEqual([]);
  });
});

describe('a server that stops while a pass posts', () => {
  it('gives back what the pass claimed and has not posted, untried and due now', async () => {
    await ws.db.query('UPDATE workspace SET webhook_url = $1', ['https://8.8.8.8/hook']);
    await ws.db.query('DELETE FROM webhook_queue');
    const rep = await ws.join('rep', 'Stopping');
    const items = Array.from({ length: 4 }, () => feedbackItem({ id: randomUUID(), campaignId: null }));
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    const stop = new AbortController();
    let posts = 0;
    const post = async () => {
      posts++;
      stop.abort(); // the stop comes while the first post is under way
      return { status: 200, retryAfterSeconds: null };
    };
    expect(await deliverWebhooks(ws.db, { post, stop: stop.signal })).toEqual({
      sent: 1,
      failed: 0,
      waiting: 3,
    });
    expect(posts).toBe(1);
    const left = await ws.db.query<{ attempts: number; due: boolean }>(
      'SELECT attempts, next_attempt_at <= now() AS due FROM webhook_queue ORDER BY id',
    );
    expect(left).toEqual([
      { attempts: 0, due: true },
      { attempts: 0, due: true },
      { attempts: 0, due: true },
    ]);
  });
});

describe('a chat server that says to wait (429 with Retry-After)', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(retryAfterSeconds('1', now)).toBe(1);
    expect(retryAfterSeconds(' 120 ', now)).toBe(120);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 12:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 11:59:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(undefined, now)).toBeNull();
    expect(retryAfterSeconds('soon', now)).toBeNull();
  });

  it('is waited for: the pass stops, nothing is counted as a try, and every message goes out after the wait', async () => {
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [chatUrl]);
    await ws.db.query('DELETE FROM webhook_queue');
    received.length = 0;
    const rep = await ws.join('rep', 'Burst Rep', 'DACH');
    const items = Array.from({ length: 5 }, (_, n) =>
      feedbackItem({ id: randomUUID(), campaignId: null, note: `burst ${n}` }),
    );
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    const deliver = () => deliverWebhooks(ws.db, { allowLocal: true });

    limitFrom = 2; // the first post goes through, the second is told to wait a second
    expect(await deliver()).toEqual({ sent: 1, failed: 0, waiting: 4 });
    const queued = await ws.db.query<{ attempts: number; wait: number; last_error: string | null }>(
      'SELECT attempts, extract(epoch FROM next_attempt_at - now()) AS wait, last_error FROM webhook_queue ORDER BY id',
    );
    expect(queued.map((q) => q.attempts)).toEqual([0, 0, 0, 0]);
    for (const q of queued) expect(Number(q.wait)).toBeGreaterThan(0);
    for (const q of queued) expect(Number(q.wait)).toBeLessThanOrEqual(1);
    expect(queued[0]!.last_error).toBe('HTTP 429: the chat server asked to wait 1 s');
    expect(await deliver()).toEqual({ sent: 0, failed: 0 }); // within the wait: nothing is posted

    limitFrom = Number.POSITIVE_INFINITY;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await deliver()).toEqual({ sent: 4, failed: 0 });
    expect(received.map((text) => text.split('\n> ')[1])).toEqual([
      'burst 0',
      'burst 1',
      'burst 2',
      'burst 3',
      'burst 4',
    ]);
  });
});

describe('workspace settings', () => {
  it('shows admins the current webhook and whether sellers are named, after they change them', async () => {
    const hook = 'https://8.8.8.8/hook';
    const saved = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookUrl: hook, showSellers: false },
    });
    expect(saved.status).toBe(200);
    const settings = await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json();
    expect(settings).toMatchObject({ webhookUrl: hook, showSellers: false });
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookUrl: null } });
    expect(await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json()).toMatchObject({
      webhookUrl: null,
    });
  });
});

describe('what became of the messages, for the Team settings', () => {
  /** An address's status before any message went to it. */
  const CLEAN_SLATE = { deliveredAt: null, refusedAt: null, refusal: null, lost: 0, waiting: 0 };
  const status = async () =>
    (
      (await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json()) as {
        webhookStatus: Record<string, unknown>;
      }
    ).webhookStatus;

  it('says when one was last delivered, the last refusal, how many were lost and wait; a new address starts afresh', async () => {
    // Saved as the API saves an address (this loopback one only an operator's flag lets through it).
    await saveWebhookAddress(ws.db, null);
    await saveWebhookAddress(ws.db, chatUrl);
    expect(await status()).toEqual(CLEAN_SLATE);
    const rep = await ws.join('rep', 'Status Rep');
    const send = (count: number) =>
      ws.call('POST', '/api/v1/feedback', {
        token: rep.token,
        body: {
          items: Array.from({ length: count }, () => feedbackItem({ id: randomUUID(), campaignId: null })),
        },
      });
    const deliver = () => deliverWebhooks(ws.db, { allowLocal: true });

    await send(2);
    expect(await status()).toMatchObject({ waiting: 2, deliveredAt: null });
    const before = Date.now();
    expect(await deliver()).toMatchObject({ sent: 2 });
    const delivered = await status();
    expect(delivered).toMatchObject({ waiting: 0, refusedAt: null, lost: 0 });
    expect(Date.parse(delivered.deliveredAt as string)).toBeGreaterThanOrEqual(before - 1_000);

    // Refused: a try failed, the message waits for its next.
    await send(1);
    failNext = 1;
    expect(await deliver()).toMatchObject({ failed: 1 });
    expect(await status()).toMatchObject({ waiting: 1, refusal: 'HTTP 503', lost: 0 });
    // Its last try refused too: given up, and lost.
    await ws.db.query('UPDATE webhook_queue SET attempts = 11, next_attempt_at = now()');
    failNext = 1;
    expect(await deliver()).toMatchObject({ failed: 1, givenUp: ['HTTP 503'] });
    // And one a day old, never tried (the workspace was stopped): dropped, and lost too.
    await send(1);
    await ws.db.query("UPDATE webhook_queue SET created_at = now() - interval '25 hours'");
    expect(await deliver()).toMatchObject({ expired: [null] });
    const lost = await status();
    expect(lost).toMatchObject({
      waiting: 0,
      refusal: 'HTTP 503',
      lost: 2,
      deliveredAt: delivered.deliveredAt,
    });
    expect(Date.parse(lost.refusedAt as string)).toBeGreaterThan(Date.parse(delivered.deliveredAt as string));

    // The same address saved again keeps what it met; another starts with a clean slate.
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { showSellers: true } });
    expect(await status()).toEqual(lost);
    const other = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookUrl: 'https://8.8.8.8/another-hook' },
    });
    expect(other.status).toBe(200);
    expect(await status()).toEqual(CLEAN_SLATE);
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookUrl: null } });
  });

  it('writes it to the workspace once a pass, each event at its own time', async () => {
    // Written for each message, every delivery was a commit on the row each ingest updates too.
    await saveWebhookAddress(ws.db, null);
    await saveWebhookAddress(ws.db, chatUrl);
    const rep = await ws.join('rep', 'Busy Rep');
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: Array.from({ length: 4 }, () => feedbackItem({ id: randomUUID(), campaignId: null })) },
    });
    const writes: string[] = [];
    const counted = new Proxy(ws.db, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (key === 'query')
          return (sql: string, params?: unknown[]) => {
            if (/UPDATE workspace/i.test(sql)) writes.push(sql);
            return target.query(sql, params);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    refuseNext = 1; // the first refused (a 400 holds nothing up), the three after it delivered
    expect(await deliverWebhooks(counted, { allowLocal: true })).toMatchObject({ sent: 3, failed: 1 });
    expect(writes).toHaveLength(1);
    const met = await status();
    expect(met).toMatchObject({ refusal: 'HTTP 400', lost: 0, waiting: 1 });
    // Delivered after the refusal: Team settings does not say the webhook is failing.
    expect(Date.parse(met.deliveredAt as string)).toBeGreaterThan(Date.parse(met.refusedAt as string));
    await ws.db.query('DELETE FROM webhook_queue');
  });

  it('counts nothing against an address the admin saved while a pass posted to the one before', async () => {
    await saveWebhookAddress(ws.db, null);
    await saveWebhookAddress(ws.db, chatUrl);
    const rep = await ws.join('rep', 'Switch Rep');
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
    });
    // The admin saves another address while the post to this one is on its way, and it fails.
    const pass = await deliverWebhooks(ws.db, {
      allowLocal: true,
      post: async () => {
        await saveWebhookAddress(ws.db, 'https://8.8.8.8/new');
        return { status: 500, retryAfterSeconds: null };
      },
    });
    expect(pass).toMatchObject({ failed: 1 });
    expect(await status()).toMatchObject({ refusedAt: null, refusal: null, lost: 0 });
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookUrl: null } });
  });
});

describe('webhook targets (SSRF)', () => {
  it.each([
    ['https://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://127.0.0.1:9/hook', /loopback/],
    ['https://localhost/hook', /localhost is at (127\.0\.0\.1|::1), a loopback address/],
    ['https://[::1]/hook', /loopback/],
    ['https://[::ffff:127.0.0.1]/hook', /IPv4-mapped/],
    ['https://[64:ff9b::a00:1]/hook', /64:ff9b::a00:1 is a private address through NAT64/], // 10.0.0.1
    ['https://[64:ff9b::7f00:1]/hook', /loopback address through NAT64/], // 127.0.0.1
    ['https://[64:ff9b::a9fe:a9fe]/hook', /link-local address through NAT64/], // 169.254.169.254
    ['https://[64:ff9b:1::a00:1]/hook', /IPv4-mapped/], // a local NAT64 prefix (RFC 8215) to 10.0.0.1
    ['https://10.1.2.3/hook', /private/],
    ['https://172.16.0.1/hook', /private/],
    ['https://192.168.1.1/hook', /private/],
    ['https://[fd00::1]/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://[fe80::1]/hook', /link-local/],
    ['https://0.0.0.0/hook', /reserved/],
  ])('refuses to save %s, saying why', async (webhookUrl, why) => {
    const response = await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookUrl },
    });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('webhook_not_public');
    expect(error.message).toMatch(/must reach a public server/);
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/--allow-local-webhooks/);
  });

  it('takes a public server reached through NAT64, as DNS64 answers on an IPv6-only network', async () => {
    // hooks.slack.com's IPv4 address as a DNS64 resolver gives it: 64:ff9b:: and the IPv4 address.
    for (const address of ['64:ff9b::3425:1', '64:ff9b::52.37.0.1']) {
      expect(nonPublicKind(address)).toBeNull();
      const response = await ws.call('PATCH', '/api/v1/workspace', {
        token: ws.adminToken,
        body: { webhookUrl: `https://[${address}]/hook` },
      });
      expect(response.status).toBe(200);
    }
    // Other IPv4 spellings in IPv6 stay refused: mapped, 6to4, a network's own NAT64 prefix.
    for (const address of ['::ffff:52.37.0.1', '2002:3425:1::1', '64:ff9b:1::3425:1'])
      expect(nonPublicKind(address)).toBe('an IPv4-mapped address');
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookUrl: null } });
  });

  async function queueOne(): Promise<void> {
    const rep = await ws.join('rep');
    await ws.db.query('DELETE FROM webhook_queue');
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
    });
  }

  it('never reaches a loopback listener through a redirect', async () => {
    let reached = 0;
    const listener = createServer((_request, response) => {
      reached++;
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const redirector = createServer((_request, response) => {
      response
        .writeHead(307, { Location: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/` })
        .end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      await ws.db.query('UPDATE workspace SET webhook_url = $1', [
        `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`,
      ]);
      await queueOne();
      // Even with local webhooks allowed (so the redirector itself is reached), the redirect is not followed.
      expect(await deliverWebhooks(ws.db, { allowLocal: true })).toEqual({ sent: 0, failed: 1 });
      expect(reached).toBe(0);
      const [queued] = await ws.db.query<{ last_error: string }>('SELECT last_error FROM webhook_queue');
      expect(queued?.last_error).toMatch(/HTTP 307 \(redirects are not followed\)/);
    } finally {
      listener.close();
      redirector.close();
    }
  });

  it('checks the address again when it connects: a host that now resolves to loopback is not reached', async () => {
    const before = received.length;
    // As if the name had resolved to a public address when saved and to loopback now (DNS rebinding).
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [chatUrl.replace('127.0.0.1', 'localhost')]);
    await queueOne();
    expect(await deliverWebhooks(ws.db)).toEqual({ sent: 0, failed: 1 });
    expect(received.length).toBe(before);
    const [queued] = await ws.db.query<{ last_error: string }>('SELECT last_error FROM webhook_queue');
    expect(queued?.last_error).toMatch(/localhost is at .*a loopback address/);
    await ws.db.query('UPDATE workspace SET webhook_url = NULL');
  });
});

describe.each(DATABASES)('the webhook queue on %s', (kind) => {
  it('sends each message once when passes run at the same time', async () => {
    const queueWs = await startTestWorkspace(kind, { webhookIntervalMs: 3_600_000 });
    try {
      const rep = await queueWs.join('rep');
      await queueWs.db.query('UPDATE workspace SET webhook_url = $1', ['https://8.8.8.8/hook']);
      const items = Array.from({ length: 30 }, () => feedbackItem({ id: randomUUID(), campaignId: null }));
      await queueWs.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      const posted: string[] = [];
      const post = async (_url: string, body: string) => {
        posted.push(body);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { status: 200, retryAfterSeconds: null };
      };
      const passes = await Promise.all(
        Array.from({ length: 4 }, () => deliverWebhooks(queueWs.db, { post })),
      );
      const again = await deliverWebhooks(queueWs.db, { post });
      expect(passes.reduce((sum, pass) => sum + pass.sent, 0) + again.sent).toBe(30);
      expect(posted).toHaveLength(30);
    } finally {
      await queueWs.destroy();
    }
  });

  it('posts no more of a pass to an address the admin cleared or changed while it ran', async () => {
    const queueWs = await startTestWorkspace(kind, { webhookIntervalMs: 3_600_000 });
    try {
      const rep = await queueWs.join('rep');
      await queueWs.db.query('UPDATE workspace SET webhook_url = $1', ['https://8.8.8.8/wrong-channel']);
      const items = Array.from({ length: 3 }, () => feedbackItem({ id: randomUUID(), campaignId: null }));
      await queueWs.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      const posted: string[] = [];
      const post = async (url: string) => {
        posted.push(url);
        // While the first post runs (a slow chat server), the admin puts the right channel in.
        if (posted.length === 1)
          await queueWs.db.query('UPDATE workspace SET webhook_url = $1', ['https://8.8.8.8/right-channel']);
        return { status: 200, retryAfterSeconds: null };
      };
      await deliverWebhooks(queueWs.db, { post });
      expect(posted).toEqual(['https://8.8.8.8/wrong-channel']);
      // The rest were given back untried, due now: the next pass posts them to the address there is.
      const left = await queueWs.db.query<{ attempts: number }>('SELECT attempts FROM webhook_queue');
      expect(left.map((row) => row.attempts)).toEqual([0, 0]);
      await deliverWebhooks(queueWs.db, { post });
      expect(posted.slice(1)).toEqual(['https://8.8.8.8/right-channel', 'https://8.8.8.8/right-channel']);
    } finally {
      await queueWs.destroy();
    }
  });

  it('sends each message once when a pass runs longer than its claim and another pass takes the rest', async () => {
    const queueWs = await startTestWorkspace(kind, { webhookIntervalMs: 3_600_000 });
    try {
      const rep = await queueWs.join('rep');
      await queueWs.db.query('UPDATE workspace SET webhook_url = $1', ['https://8.8.8.8/hook']);
      const items = Array.from({ length: 5 }, (_, n) =>
        feedbackItem({ id: randomUUID(), campaignId: null, note: `message ${n}` }),
      );
      await queueWs.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      const posted: string[] = [];
      let other: Promise<{ sent: number }> | null = null;
      const slow = async (_url: string, body: string) => {
        posted.push(body);
        // The chat server is so slow that this pass's claim on the rest runs out (not on this message,
        // held anew just before its post), and another instance's pass claims them and posts them.
        other ??= queueWs.db
          .query(
            "UPDATE webhook_queue SET next_attempt_at = now() - interval '1 second' WHERE id > (SELECT min(id) FROM webhook_queue)",
          )
          .then(() =>
            deliverWebhooks(queueWs.db, {
              post: async (_url, body) => {
                posted.push(body);
                return { status: 200, retryAfterSeconds: null };
              },
            }),
          );
        await other;
        return { status: 200, retryAfterSeconds: null };
      };
      const first = await deliverWebhooks(queueWs.db, { post: slow });
      expect(first.sent + (await other!).sent).toBe(5);
      expect(posted).toHaveLength(5);
      expect(new Set(posted).size).toBe(5);
    } finally {
      await queueWs.destroy();
    }
  });
});
