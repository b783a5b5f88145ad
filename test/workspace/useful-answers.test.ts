import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Brief, type FeedbackItem, responses } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

const BUDGET = 'Did they mention a 2027 budget?';
const DECIDES = 'Who signs off?';

describe.each(DATABASES)('answers marketing found useful on %s', (kind) => {
  let ws: TestWorkspace;
  let ana: { id: string; token: string };
  let marketer: { id: string; token: string };
  let fair = '';
  let webinar = '';
  let first: FeedbackItem;
  let second: FeedbackItem;
  let silent: FeedbackItem;

  const item = (campaign: string, lead: string, day: string, answers?: FeedbackItem['answers']) => {
    const made = feedbackItem({
      id: randomUUID(),
      campaignId: campaign,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: lead },
      signals: {},
      verdict: 'good_fit',
      region: 'Iberia',
      createdAt: `${day}T10:00:00.000Z`,
      ...(answers ? { answers } : {}),
    });
    if (!answers) delete made.answers;
    return made;
  };

  const mark = (method: 'POST' | 'DELETE', id: string, index: number | string, token = marketer.token) =>
    ws.call(method, `/api/v1/feedback/${id}/answers/${index}/useful`, { token });

  const campaigns = async (token = ana.token) => {
    const answer = await ws.call('GET', '/api/v1/campaigns', { token });
    expect(answer.status).toBe(200);
    const { campaigns } = (await answer.json()) as { campaigns: unknown[] };
    const briefs = campaigns.map((c) => responses.Brief.parse(c));
    return { etag: answer.headers.get('ETag'), byId: new Map<string, Brief>(briefs.map((b) => [b.id, b])) };
  };

  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
    marketer = await ws.join('marketer', 'Mara Jensen');
    ana = await ws.join('rep', 'Ana Ruiz', 'Iberia');
    const create = async (name: string, questionsForSales: string[]) => {
      const answer = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name, questionsForSales }),
      });
      expect(answer.status).toBe(201);
      return ((await answer.json()) as { id: string }).id;
    };
    fair = await create('Hannover Messe', [BUDGET, DECIDES]);
    webinar = await create('Webinar Q2', []);
    first = item(fair, '1001', '2026-05-04', [
      { question: BUDGET, answer: 'Yes, about 50k' },
      { question: DECIDES, answer: 'The CFO' },
    ]);
    second = item(fair, '1002', '2026-05-05', [{ question: BUDGET, answer: 'No budget' }]);
    silent = item(webinar, '2001', '2026-05-06');
    const sent = await ws.call('POST', '/api/v1/feedback', {
      token: ana.token,
      body: { items: [first, second, silent] },
    });
    expect(sent.status).toBe(200);
  });

  afterAll(async () => {
    await ws?.destroy();
  });

  it('carries no useful answer until marketing marks one (old clients read the same briefs)', async () => {
    const { byId } = await campaigns();
    expect(byId.get(fair)).not.toHaveProperty('usefulAnswer');
    expect(byId.get(webinar)).not.toHaveProperty('usefulAnswer');
  });

  it('is for marketing only: 403 for reps, and 404 for an answer that is not there', async () => {
    expect((await mark('POST', first.id, 0, ana.token)).status).toBe(403);
    expect((await mark('DELETE', first.id, 0, ana.token)).status).toBe(403);
    expect((await mark('POST', first.id, 2)).status).toBe(404);
    expect((await mark('POST', randomUUID(), 0)).status).toBe(404);
    expect((await mark('POST', silent.id, 0)).status).toBe(404);
    expect((await mark('POST', 'not-an-id', 0)).status).toBe(404);
    expect((await mark('POST', first.id, 'first')).status).toBe(404);
    expect((await mark('POST', first.id, -1)).status).toBe(404);
    expect((await mark('DELETE', first.id, 5)).status).toBe(404);
    expect((await campaigns()).byId.get(fair)).not.toHaveProperty('usefulAnswer');
  });

  it('marks and unmarks; the brief carries the most recently marked answer, without names, and the ETag changes', async () => {
    const before = await campaigns();
    const marked = await mark('POST', first.id, 1);
    expect(marked.status).toBe(200);
    const mark1 = responses.UsefulMark.parse(await marked.json());
    expect(mark1).toMatchObject({ feedbackId: first.id, index: 1 });

    const afterMark = await campaigns();
    expect(afterMark.etag).not.toBe(before.etag);
    expect(afterMark.byId.get(fair)?.usefulAnswer).toEqual({
      question: DECIDES,
      answer: 'The CFO',
      markedAt: mark1.markedAt,
    });
    expect(JSON.stringify(afterMark.byId.get(fair)?.usefulAnswer)).not.toContain('Ana');
    expect(afterMark.byId.get(webinar)).not.toHaveProperty('usefulAnswer');
    // The old ETag is answered in full, the new one with 304.
    const stale = await ws.call('GET', '/api/v1/campaigns', {
      token: ana.token,
      headers: { 'If-None-Match': before.etag! },
    });
    expect(stale.status).toBe(200);
    const fresh = await ws.call('GET', '/api/v1/campaigns', {
      token: ana.token,
      headers: { 'If-None-Match': afterMark.etag! },
    });
    expect(fresh.status).toBe(304);

    // Marking again keeps the first mark.
    const again = responses.UsefulMark.parse(await (await mark('POST', first.id, 1)).json());
    expect(again.markedAt).toBe(mark1.markedAt);

    // A later mark is the one shown (an older answer, marked last, wins over a newer one marked before).
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await mark('POST', second.id, 0)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await mark('POST', first.id, 0)).status).toBe(200);
    const newest = await campaigns();
    expect(newest.byId.get(fair)?.usefulAnswer).toMatchObject({ question: BUDGET, answer: 'Yes, about 50k' });

    // The marketers' list says which answers are marked, and where each is in its item.
    const list = responses.QuestionAnswers.parse(
      await (await ws.call('GET', `/api/v1/answers?campaign=${fair}`, { token: marketer.token })).json(),
    );
    const lines = list.campaigns[0]!.questions.flatMap((q) =>
      q.answers.map((a) => [q.question, a.answer, a.index, a.useful]),
    );
    expect(lines).toEqual([
      [BUDGET, 'No budget', 0, true],
      [BUDGET, 'Yes, about 50k', 0, true],
      [DECIDES, 'The CFO', 1, true],
    ]);

    // Unmarking: the next most recent mark is shown, the ETag changes again; unmarking twice is fine.
    const unmarked = await mark('DELETE', first.id, 0);
    expect(unmarked.status).toBe(204);
    const afterUnmark = await campaigns();
    expect(afterUnmark.etag).not.toBe(newest.etag);
    expect(afterUnmark.byId.get(fair)?.usefulAnswer).toMatchObject({ question: BUDGET, answer: 'No budget' });
    expect((await mark('DELETE', first.id, 0)).status).toBe(204);
    expect((await mark('DELETE', second.id, 0)).status).toBe(204);
    expect((await mark('DELETE', first.id, 1)).status).toBe(204);
    const none = await campaigns();
    expect(none.byId.get(fair)).not.toHaveProperty('usefulAnswer');
  });

  it('carries the useful answer on the brief a marketer saves too', async () => {
    expect((await mark('POST', second.id, 0)).status).toBe(200);
    const patched = await ws.call('PATCH', `/api/v1/campaigns/${fair}`, {
      token: marketer.token,
      body: { offer: 'A free stand pass' },
    });
    expect(patched.status).toBe(200);
    expect(responses.Brief.parse(await patched.json()).usefulAnswer).toMatchObject({ answer: 'No budget' });
  });
});
