import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../workspace/webhook';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

let ws: TestWorkspace;
let chat: Server;
let chatUrl: string;
const received: string[] = [];
let failNext = 0;

beforeAll(async () => {
  chat = createServer((request, response) => {
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
    expect(
      (await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookUrl: chatUrl } }))
        .status,
    ).toBe(200);
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
    expect(await deliverWebhooks(ws.db)).toEqual({ sent: 0, failed: 1 });
    const [queued] = await ws.db.query<{ attempts: number; last_error: string; wait: number }>(
      'SELECT attempts, last_error, extract(epoch FROM next_attempt_at - now())::int AS wait FROM webhook_queue',
    );
    expect(queued).toMatchObject({ attempts: 1, last_error: 'HTTP 503' });
    expect(queued!.wait).toBeGreaterThan(5);
    expect(await deliverWebhooks(ws.db)).toEqual({ sent: 0, failed: 0 }); // not due yet

    await ws.db.query('UPDATE webhook_queue SET next_attempt_at = now()');
    expect(await deliverWebhooks(ws.db)).toEqual({ sent: 1, failed: 0 });
    expect(await deliverWebhooks(ws.db)).toEqual({ sent: 0, failed: 0 });
    expect(received).toEqual([
      '*Ana &lt;b&gt;Ruiz&lt;/b&gt;*: Tire-kicker (price only) on “Spring &amp; &lt;Co&gt;” (DACH)\n> Ping &lt;!channel&gt; &lt;http://evil.example|click&gt;',
    ]);
  });
});

describe('workspace settings', () => {
  it('shows admins the current webhook and whether sellers are named, after they change them', async () => {
    await ws.call('PATCH', '/api/v1/workspace', {
      token: ws.adminToken,
      body: { webhookUrl: chatUrl, showSellers: false },
    });
    const settings = await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json();
    expect(settings).toMatchObject({ webhookUrl: chatUrl, showSellers: false });
    await ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body: { webhookUrl: null } });
    expect(await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json()).toMatchObject({
      webhookUrl: null,
    });
  });
});
