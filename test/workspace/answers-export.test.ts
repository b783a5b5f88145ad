import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../workspace/webhook';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

// The columns an export had before answers (issue 15): a reader of them by place reads them as it did.
const OLD_HEADER =
  'id,created_at,campaign_id,verdict,region,rep,crm,object_type,record_id,record_url,site,lead_source,source_detail,crm_campaign,utm_source,utm_medium,utm_campaign,note,replies';

/** The reps' answers to the brief's questions, in the feedback CSV export and in the team webhook. */
describe.each(DATABASES)("the reps' answers outside the dashboard on %s", (kind) => {
  let ws: TestWorkspace;
  let chat: Server | undefined;
  afterAll(async () => {
    chat?.close();
    await ws?.destroy();
  });

  it('are the last column of the CSV export, empty for an item without answers', async () => {
    ws = await startTestWorkspace(kind, { webhookIntervalMs: 3_600_000 });
    const marketer = await ws.join('marketer');
    const rep = await ws.join('rep', 'Ana Ruiz', 'Iberia');
    const brief = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ name: 'Spring fair' }),
    });
    const campaignId = ((await brief.json()) as { id: string }).id;
    const answered = feedbackItem({
      id: randomUUID(),
      campaignId,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: '1' },
      answers: [
        { question: 'Did they mention a 2027 budget?', answer: 'Yes, "about" 40k' },
        { question: 'Who decides?', answer: '=the plant manager' },
      ],
    });
    const plain = feedbackItem({
      id: randomUUID(),
      campaignId,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: '2' },
      note: 'No answers here',
    });
    delete plain.answers;
    const sent = await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: { items: [answered, plain] },
    });
    expect(sent.status).toBe(200);

    const csv = await ws.call('GET', '/api/v1/feedback?format=csv', { token: marketer.token });
    const [header, ...rows] = (await csv.text()).split('\r\n').filter(Boolean);
    expect(header).toBe(`${OLD_HEADER},answers`);
    const row = (id: string) => rows.find((r) => r.startsWith(id))!;
    expect(
      row(answered.id).endsWith(
        ',"Did they mention a 2027 budget?: Yes, ""about"" 40k | Who decides?: =the plant manager"',
      ),
    ).toBe(true);
    expect(row(plain.id).endsWith(',No answers here,,')).toBe(true); // note, no replies, no answers
  });

  it('go to the team webhook as lines of the text and as an answers list, which an item without answers does not have', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    chat = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => chat!.listen(0, '127.0.0.1', resolve));
    // On loopback: only an operator's allowLocalWebhooks lets it be saved and reached.
    await ws.db.query('UPDATE workspace SET webhook_url = $1', [
      `http://127.0.0.1:${(chat.address() as AddressInfo).port}/hook`,
    ]);
    const rep = await ws.join('rep', 'Ben Okafor', 'DACH');
    const answers = [{ question: 'Budget <2027>?', answer: 'Yes &\nsigned' }];
    const items = [
      feedbackItem({ id: randomUUID(), campaignId: null, verdict: 'won', note: 'Closed', answers }),
      feedbackItem({ id: randomUUID(), campaignId: null, verdict: 'lost' }),
    ];
    delete items[1]!.answers;
    expect((await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } })).status).toBe(
      200,
    );
    expect(await deliverWebhooks(ws.db, { allowLocal: true })).toEqual({ sent: 2, failed: 0 });
    expect(bodies).toEqual([
      {
        text: '*Ben Okafor*: Won on a lead no campaign matched (DACH)\n> Closed\n• Budget &lt;2027&gt;?: Yes &amp; signed',
        answers,
      },
      {
        text: '*Ben Okafor*: Lost on a lead no campaign matched (DACH)\n> Budget approved, wants a demo in May.',
      },
    ]);
  });
});
