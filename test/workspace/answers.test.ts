import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedbackItem, type FeedbackRecord, type QuestionAnswers, responses } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

const BUDGET = 'Did they mention a 2027 budget?';
const DECIDES = 'Who signs off?';
const TOOL = 'Which tool do they use today?';

describe.each(DATABASES)("the reps' answers on %s", (kind) => {
  let ws: TestWorkspace;
  let ana: { id: string; token: string };
  let ben: { id: string; token: string };
  let marketer: { id: string; token: string };
  let fair = '';
  let webinar = '';
  const sent: Record<string, FeedbackItem> = {};

  const verdict = (
    name: string,
    campaign: string | null,
    lead: string,
    verdictGiven: FeedbackItem['verdict'],
    region: string,
    day: string,
    answers?: FeedbackItem['answers'],
  ) => {
    const item = feedbackItem({
      id: randomUUID(),
      campaignId: campaign,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: lead },
      signals: {},
      verdict: verdictGiven,
      region,
      createdAt: `${day}T10:00:00.000Z`,
      ...(answers ? { answers } : {}),
    });
    if (!answers) delete item.answers;
    sent[name] = item;
    return item;
  };

  const post = async (token: string, items: unknown[]) => {
    const answer = await ws.call('POST', '/api/v1/feedback', { token, body: { items } });
    expect(answer.status).toBe(200);
    const { results } = (await answer.json()) as { results: Array<{ status: string; error?: string }> };
    return results.map((r) => (r.status === 'invalid' ? r.error : r.status));
  };

  const answers = async (query = '', token = marketer.token): Promise<QuestionAnswers> => {
    const answer = await ws.call('GET', `/api/v1/answers${query}`, { token });
    expect(answer.status).toBe(200);
    return responses.QuestionAnswers.parse(await answer.json());
  };

  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
    marketer = await ws.join('marketer', 'Mara Jensen');
    ana = await ws.join('rep', 'Ana Ruiz', 'Iberia');
    ben = await ws.join('rep', 'Ben Okafor', 'DACH');
    const create = async (name: string, questionsForSales: string[]) => {
      const answer = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name, questionsForSales }),
      });
      expect(answer.status).toBe(201);
      return ((await answer.json()) as { id: string }).id;
    };
    fair = await create('Hannover Messe', [BUDGET, DECIDES]);
    webinar = await create('Webinar Q2', [TOOL]);
    expect(
      await post(ana.token, [
        verdict('a1001', fair, '1001', 'good_fit', 'Iberia', '2026-05-04', [
          { question: BUDGET, answer: 'Yes, about 50k' },
          { question: DECIDES, answer: 'The CFO' },
        ]),
        verdict('a1002', fair, '1002', 'tire_kicker', 'Iberia', '2026-05-05', [
          { question: BUDGET, answer: 'No budget' },
        ]),
        // An older extension: no answers at all.
        verdict('a1003', fair, '1003', 'good_fit', 'Iberia', '2026-05-06'),
      ]),
    ).toEqual(['created', 'created', 'created']);
    expect(
      await post(ben.token, [
        // Lead 1001 judged again, later, without answers: its latest verdict is now won.
        verdict('b1001', fair, '1001', 'won', 'DACH', '2026-05-20'),
        verdict('b2001', webinar, '2001', 'spam', 'DACH', '2026-05-06', [
          { question: TOOL, answer: '  Spreadsheets  ' },
          { question: 'A question the brief no longer asks', answer: 'Still answered' },
        ]),
      ]),
    ).toEqual(['created', 'created']);
  });

  afterAll(async () => {
    await ws?.destroy();
  });

  it('takes items with and without answers, and refuses empty or too many answers', async () => {
    const empty = verdict('empty', fair, '1009', 'good_fit', 'Iberia', '2026-05-07', [
      { question: BUDGET, answer: '   ' },
    ]);
    const many = verdict(
      'many',
      fair,
      '1010',
      'good_fit',
      'Iberia',
      '2026-05-07',
      Array.from({ length: 21 }, (_, n) => ({ question: `Q${n}`, answer: 'A' })),
    );
    expect(await post(ana.token, [empty, many])).toEqual([
      'answers.0.answer: must not be empty',
      'answers: Too big: expected array to have <=20 items',
    ]);
  });

  it('answers a resend as a duplicate and other answers under the same id as a conflict, keeping the first', async () => {
    expect(await post(ana.token, [sent.a1002])).toEqual(['duplicate']);
    expect(
      await post(ana.token, [{ ...sent.a1002!, answers: [{ question: BUDGET, answer: 'Changed' }] }]),
    ).toEqual(['conflict']);
    const feed = await ws.call('GET', '/api/v1/feedback?mine=1', { token: ana.token });
    const items = ((await feed.json()) as { items: FeedbackRecord[] }).items;
    expect(items.find((i) => i.id === sent.a1002!.id)?.answers).toEqual([
      { question: BUDGET, answer: 'No budget' },
    ]);
  });

  it('returns the answers on feedback records (the feed and the feedback list), none on items without', async () => {
    const mine = await ws.call('GET', '/api/v1/feedback?mine=1', { token: ben.token });
    const items = responses.FeedbackRecord.array().parse(((await mine.json()) as { items: unknown }).items);
    expect(items.find((i) => i.id === sent.b2001!.id)?.answers).toEqual([
      { question: TOOL, answer: 'Spreadsheets' },
      { question: 'A question the brief no longer asks', answer: 'Still answered' },
    ]);
    const all = await ws.call('GET', `/api/v1/feedback?campaign=${fair}`, { token: marketer.token });
    const records = ((await all.json()) as { items: FeedbackRecord[] }).items;
    expect(records.find((i) => i.id === sent.a1001!.id)?.answers).toHaveLength(2);
    const without = records.find((i) => i.id === sent.a1003!.id)!;
    expect(without).toBeDefined();
    expect('answers' in without).toBe(false);
  });

  it('groups them per campaign and question, newest first, with the lead’s latest verdict beside each', async () => {
    const all = await answers();
    expect(all.filter).toEqual({});
    expect(
      all.campaigns.map((c) => [c.name, c.questions.map((q) => [q.question, q.asked, q.total])]),
    ).toEqual([
      [
        'Hannover Messe',
        [
          [BUDGET, true, 2],
          [DECIDES, true, 1],
        ],
      ],
      [
        'Webinar Q2',
        [
          [TOOL, true, 1],
          ['A question the brief no longer asks', false, 1],
        ],
      ],
    ]);
    const hannover = all.campaigns[0]!;
    expect(hannover.campaignId).toBe(fair);
    const budget = hannover.questions[0]!.answers;
    expect(budget.map((a) => [a.answer, a.verdict, a.answeredWith, a.rep.name, a.region])).toEqual([
      ['No budget', 'tire_kicker', 'tire_kicker', 'Ana Ruiz', 'Iberia'],
      // Lead 1001 was judged good fit with this answer, then won (Ben, 20 May): won is shown.
      ['Yes, about 50k', 'won', 'good_fit', 'Ana Ruiz', 'Iberia'],
    ]);
    expect(budget[1]).toMatchObject({
      feedbackId: sent.a1001!.id,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: '1001' },
      createdAt: '2026-05-04T10:00:00.000Z',
    });
    expect(hannover.questions[1]!.answers.map((a) => [a.answer, a.verdict])).toEqual([['The CFO', 'won']]);
  });

  it('filters like the feedback page: campaign, period, region, rep', async () => {
    const names = (report: QuestionAnswers) =>
      report.campaigns.flatMap((c) => c.questions.flatMap((q) => q.answers.map((a) => a.answer)));
    expect(names(await answers(`?campaign=${webinar}`))).toEqual(['Spreadsheets', 'Still answered']);
    expect(names(await answers('?from=2026-05-05&to=2026-05-05'))).toEqual(['No budget']);
    expect(names(await answers('?region=DACH'))).toEqual(['Spreadsheets', 'Still answered']);
    expect(names(await answers(`?rep=${ana.id}`))).toEqual(['No budget', 'Yes, about 50k', 'The CFO']);
    expect(names(await answers('?channel=Trade%20show'))).toEqual([
      'No budget',
      'Yes, about 50k',
      'The CFO',
      'Spreadsheets',
      'Still answered',
    ]);
    expect((await answers(`?campaign=${webinar}&rep=${ana.id}`)).campaigns).toEqual([]);
    expect((await answers(`?campaign=${webinar}`)).filter).toEqual({ campaign: webinar });
  });

  it('keeps the newest 200 answers of a question and the 20 most recently answered questions a brief does not ask, counting all', async () => {
    const created = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ name: 'Capped', questionsForSales: [BUDGET] }),
    });
    const capped = ((await created.json()) as { id: string }).id;
    // A client sending any question text: 25 made up, then 210 answers to the asked one.
    const at = (n: number) => new Date(Date.UTC(2026, 4, 1) + n * 60_000).toISOString().slice(0, 10);
    const madeUp = Array.from({ length: 25 }, (_, n) =>
      verdict(`m${n}`, capped, `m${n}`, 'good_fit', 'DACH', '2026-05-01', [
        { question: `Made up ${n}`, answer: 'x' },
      ]),
    ).map((item, n) => ({ ...item, createdAt: `2026-05-01T10:${String(n).padStart(2, '0')}:00.000Z` }));
    expect(await post(ben.token, madeUp)).toEqual(madeUp.map(() => 'created'));
    for (let batch = 0; batch < 3; batch++) {
      const items = Array.from({ length: 70 }, (_, n) =>
        verdict(`q${batch}-${n}`, capped, `q${batch}-${n}`, 'good_fit', 'DACH', at(batch), [
          { question: BUDGET, answer: `answer ${batch * 70 + n}` },
        ]),
      );
      expect(await post(ben.token, items)).toEqual(items.map(() => 'created'));
    }
    const [campaign] = (await answers(`?campaign=${capped}`)).campaigns;
    const asked = campaign!.questions.filter((q) => q.asked);
    expect(asked.map((q) => [q.question, q.total, q.answers.length])).toEqual([[BUDGET, 210, 200]]);
    const unasked = campaign!.questions.filter((q) => !q.asked);
    expect(unasked.map((q) => q.question)).toEqual(Array.from({ length: 20 }, (_, n) => `Made up ${24 - n}`));
    expect(unasked.every((q) => q.total === 1 && q.answers.length === 1)).toBe(true);
  });

  it('is for marketing only, and checks its filters', async () => {
    expect((await ws.call('GET', '/api/v1/answers', { token: ana.token })).status).toBe(403);
    expect((await ws.call('GET', '/api/v1/answers?campaign=nope', { token: marketer.token })).status).toBe(
      422,
    );
    expect((await ws.call('GET', '/api/v1/answers?verdict=won', { token: marketer.token })).status).toBe(422);
  });
});
