import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QuestionAnswers } from '../../../lib/protocol';
import { NO_FILTERS } from '../../../workspace/dashboard/filters-model';
import { anyKept } from '../../../workspace/dashboard/kept-text';
import { Feedback } from '../../../workspace/dashboard/pages/Feedback';
import {
  createAnswersModel,
  createFeedbackModel,
  createItemsModel,
  createReplyModel,
  feedbackFromSearch,
  UNMATCHED,
} from '../../../workspace/dashboard/pages/feedback-model';
import { campaigns, me, navigate } from '../../../workspace/dashboard/state';
import { brief } from '../../support/examples';
import { CAMPAIGN_ID, feedbackRecord, meAnswer, REP_ID, type Reply, stubWorkspace } from './workspace-double';

beforeEach(() => {
  sessionStorage.clear();
  me.value = meAnswer();
  campaigns.value = [
    brief(),
    brief({ id: '44444444-4444-4444-8444-444444444444', name: 'Draft', status: 'draft' }),
  ];
});
afterEach(() => {
  vi.unstubAllGlobals();
  render(null, document.body);
});

describe('the feedback model', () => {
  it('reads the matrix: active campaigns and Unmatched as columns, counts per cell', async () => {
    stubWorkspace({
      'GET /api/v1/feedback/matrix': {
        json: {
          cells: [
            { campaignId: CAMPAIGN_ID, verdict: 'tire_kicker', leads: 3 },
            { campaignId: null, verdict: 'spam', leads: 1 },
          ],
        },
      },
    });
    const model = createFeedbackModel();
    await model.refresh();
    expect(model.problem.value).toBeNull();
    expect(model.columns.value.map((c) => c.name)).toEqual(['Hannover Messe 2026', 'Unmatched']);
    expect(model.count(CAMPAIGN_ID, 'tire_kicker')).toBe(3);
    expect(model.count(UNMATCHED, 'spam')).toBe(1);
    expect(model.count(CAMPAIGN_ID, 'won')).toBe(0);
    // The verdict is worded as the panel words it.
    expect(model.cellLabel(3, 'tire_kicker', model.columns.value[0]!)).toBe(
      '3 Tire-kicker (price only) on Hannover Messe 2026',
    );
  });

  it('drills into a cell with the filters, and forgets it when a filter changes', () => {
    const model = createFeedbackModel();
    model.filters.value = { ...model.filters.value, region: 'DACH' };
    model.select(CAMPAIGN_ID, 'won');
    expect(model.drill.value).toMatchObject({
      title: 'Won on Hannover Messe 2026',
      path: `/api/v1/feedback?region=DACH&campaign=${CAMPAIGN_ID}&verdict=won&latest=1`,
    });
    expect(model.csvHref.value).toBe('/api/v1/feedback?region=DACH&format=csv');
    model.clearSelection();
    expect(model.drill.value).toBeNull();
  });

  it('takes its filters and chosen cell from the address, leaving out what is not a date, verdict or value', () => {
    expect(
      feedbackFromSearch(`?region=DACH&from=2026-05-01&to=May&campaign=${CAMPAIGN_ID}&verdict=won&rep=x`),
    ).toEqual({
      filters: { ...NO_FILTERS, region: 'DACH', from: '2026-05-01', rep: 'x' },
      selected: { campaign: CAMPAIGN_ID, verdict: 'won' },
    });
    expect(feedbackFromSearch(`?campaign=${CAMPAIGN_ID}&verdict=maybe`).selected).toBeNull();
    expect(feedbackFromSearch('?campaign=not-an-id&verdict=won').selected).toBeNull();
    const elsewhere = createFeedbackModel('?campaign=99999999-9999-4999-8999-999999999999&verdict=won');
    expect(elsewhere.drill.value?.title).toBe(
      'Won on a campaign the matrix does not show (not in this workspace, or outside the channel filter)',
    );
    expect(feedbackFromSearch(`?channel=${'x'.repeat(201)}`).filters.channel).toBe('');
    const model = createFeedbackModel(`?region=DACH&campaign=${CAMPAIGN_ID}&verdict=won`);
    expect(model.drill.value?.path).toBe(
      `/api/v1/feedback?region=DACH&campaign=${CAMPAIGN_ID}&verdict=won&latest=1`,
    );
  });

  it('keeps the address in step: a clicked count is a step Back undoes, a filter replaces the address', () => {
    history.replaceState(null, '', '/feedback');
    const model = createFeedbackModel('');
    const stop = model.followAddress();
    try {
      const before = history.length;
      model.select(CAMPAIGN_ID, 'won');
      expect(location.pathname + location.search).toBe(`/feedback?campaign=${CAMPAIGN_ID}&verdict=won`);
      expect(history.length).toBe(before + 1);
      model.clearSelection();
      model.filters.value = { ...model.filters.value, region: 'DACH' };
      expect(location.search).toBe('?region=DACH');
      expect(history.length).toBe(before + 1);
      // Back (or Forward) to an address: the page shows what it says.
      history.replaceState(null, '', `/feedback?channel=Events&campaign=${UNMATCHED}&verdict=spam`);
      dispatchEvent(new PopStateEvent('popstate'));
      expect(model.filters.value).toEqual({ ...NO_FILTERS, channel: 'Events' });
      expect(model.selected.value).toEqual({ campaign: UNMATCHED, verdict: 'spam' });
      // The Feedback link from a filtered feedback page: unfiltered.
      navigate('/feedback');
      expect(model.filters.value).toEqual(NO_FILTERS);
      expect(model.selected.value).toBeNull();
    } finally {
      stop();
    }
  });

  it('shows no counts of other filters while new ones load, nor after they failed', async () => {
    const counts = { json: { cells: [{ campaignId: CAMPAIGN_ID, verdict: 'tire_kicker', leads: 3 }] } };
    stubWorkspace({ 'GET /api/v1/feedback/matrix': counts });
    const model = createFeedbackModel();
    await model.refresh();
    expect(model.count(CAMPAIGN_ID, 'tire_kicker')).toBe(3);
    // The same filters again (a reload after a reply): the counts stay while it is asked.
    const again = model.refresh();
    expect(model.cells.value).not.toBeNull();
    await again;
    stubWorkspace({
      'GET /api/v1/feedback/matrix': {
        status: 502,
        json: { error: { code: 'bad_gateway', message: 'Bad gateway.' } },
      },
    });
    model.filters.value = { ...model.filters.value, region: 'DACH' };
    const asked = model.refresh();
    expect(model.cells.value).toBeNull();
    await asked;
    expect(model.cells.value).toBeNull();
    expect(model.problem.value).not.toBeNull();
  });

  it('takes counts that land after the filters changed for the filters they were asked with', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counts = { json: { cells: [{ campaignId: CAMPAIGN_ID, verdict: 'tire_kicker', leads: 3 }] } };
    stubWorkspace({
      'GET /api/v1/feedback/matrix': async () => {
        await held;
        return counts;
      },
    });
    const model = createFeedbackModel();
    const first = model.refresh();
    // The filters change; the page asks again a moment later, after the first answer has landed.
    model.filters.value = { ...model.filters.value, region: 'DACH' };
    release();
    await first;
    const again = model.refresh();
    expect(model.cells.value).toBeNull();
    await again;
  });

  it('shows an error, not a matrix, when the matrix answer is malformed', async () => {
    stubWorkspace({ 'GET /api/v1/feedback/matrix': { json: { cells: 'lots' } } });
    const model = createFeedbackModel();
    await model.refresh();
    expect(model.cells.value).toBeNull();
    expect(model.problem.value).toMatch(/cannot read/);
  });

  it("lists a cell's items newest first and says how many could not be read", async () => {
    stubWorkspace({
      'GET /api/v1/feedback': {
        json: {
          items: [
            feedbackRecord({
              id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
              createdAt: '2026-11-01T00:00:00.000Z',
            }),
            feedbackRecord({
              id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
              createdAt: '2026-11-02T00:00:00.000Z',
            }),
            { id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', verdict: 'maybe' },
          ],
          cursor: '1.x',
        },
      },
    });
    const items = createItemsModel('/api/v1/feedback?verdict=won');
    await items.load();
    expect(items.items.value?.map((i) => i.createdAt.slice(0, 10))).toEqual(['2026-11-02', '2026-11-01']);
    expect(items.problem.value).toBe('One feedback item could not be read and is not shown.');
  });

  it('reads every page of a cell over 500 items, the newest (on the last page) included', async () => {
    const record = (n: number) =>
      feedbackRecord({
        id: `aaaaaaaa-aaaa-4aaa-8aaa-${String(n).padStart(12, '0')}`,
        createdAt: new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(),
      });
    const { calls } = stubWorkspace({
      'GET /api/v1/feedback': () =>
        calls.at(-1)!.path.includes('since=')
          ? { json: { items: [record(500), record(501)], cursor: '3.b' } }
          : { json: { items: Array.from({ length: 500 }, (_, n) => record(n)), cursor: '2.a' } },
    });
    const items = createItemsModel('/api/v1/feedback?verdict=won');
    await items.load();
    expect(calls.map((call) => call.path)).toEqual([
      '/api/v1/feedback?verdict=won',
      '/api/v1/feedback?verdict=won&since=2.a',
    ]);
    expect(items.items.value).toHaveLength(502);
    expect(items.items.value?.[0]?.id).toBe(record(501).id);
    expect(items.cut.value).toBe(false);
  });

  it('says when a list stopped at its last page with more to read, the newest maybe left out', async () => {
    let n = 0;
    const page = () =>
      Array.from({ length: 500 }, () =>
        feedbackRecord({ id: `bbbbbbbb-bbbb-4bbb-8bbb-${String(n++).padStart(12, '0')}` }),
      );
    const { calls } = stubWorkspace({
      'GET /api/v1/feedback': () => ({ json: { items: page(), cursor: `${n}.x` } }),
    });
    const items = createItemsModel('/api/v1/feedback?verdict=won');
    await items.load();
    expect(calls).toHaveLength(20);
    expect(items.cut.value).toBe(true);
  });

  it('lists each item once, and each lead of a cell once, when they change while the pages are read', async () => {
    const record = (n: number, recordId = `lead-${n}`, createdAt = Date.UTC(2026, 10, 1) + n * 60_000) =>
      feedbackRecord({
        id: `aaaaaaaa-aaaa-4aaa-8aaa-${String(n).padStart(12, '0')}`,
        lead: { crm: 'hubspot', objectType: 'contact', recordId },
        createdAt: new Date(createdAt).toISOString(),
      });
    const { calls } = stubWorkspace({
      'GET /api/v1/feedback': () =>
        calls.at(-1)!.path.includes('since=')
          ? // Item 0 replied to meanwhile (it comes again), and lead 1 judged again (a newer verdict).
            { json: { items: [record(0), record(900, 'lead-1')], cursor: '3.b' } }
          : { json: { items: Array.from({ length: 500 }, (_, n) => record(n)), cursor: '2.a' } },
    });
    const cell = createItemsModel('/api/v1/feedback?campaign=c&verdict=won&latest=1');
    await cell.load();
    expect(cell.items.value).toHaveLength(500);
    expect(
      cell.items.value?.filter((item) => item.lead.recordId === 'lead-1').map((item) => item.id),
    ).toEqual([record(900, 'lead-1').id]);
    // Outside a cell, every verdict of a lead is listed; an item still once.
    const all = createItemsModel('/api/v1/feedback?verdict=won');
    await all.load();
    expect(all.items.value).toHaveLength(501);
  });

  it('keeps a reply the workspace refused in the box, and empties it once sent', async () => {
    let accept = false;
    stubWorkspace({
      'POST /api/v1/feedback/item-1/replies': () =>
        accept
          ? { status: 201, json: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' } }
          : { status: 422, json: { error: { code: 'invalid', message: 'Too long.' } } },
    });
    const reload = vi.fn(async () => {});
    const reply = createReplyModel('item-1', reload);
    expect(reply.canSend.value).toBe(false);
    reply.text.value = 'Thanks';
    await reply.send();
    expect(reply.problem.value).toBe('Too long.');
    expect(reply.text.value).toBe('Thanks');
    expect(reply.replied.value).toBe(false);
    accept = true;
    await reply.send();
    expect(reply.text.value).toBe('');
    expect(reply.replied.value).toBe(true);
    expect(reload).toHaveBeenCalledOnce();
    // Its button is never disabled (the keyboard's focus would fall to the page): an empty box, or a
    // second press while one is on its way, sends nothing.
    await reply.send();
    reply.text.value = 'Twice';
    await Promise.all([reply.send(), reply.send()]);
    expect(reload).toHaveBeenCalledTimes(2);
  });

  it('sends a reply given back to a box opened again while it was sending under the same id (stored once)', async () => {
    const answers: Array<(reply: Reply) => void> = [];
    const { calls } = stubWorkspace({
      'POST /api/v1/feedback/item-4/replies': () => new Promise<Reply>((resolve) => answers.push(resolve)),
    });
    const first = createReplyModel(
      'item-4',
      vi.fn(async () => {}),
    );
    first.text.value = 'Which hall?';
    const sending = first.send();
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    // The drill-down rebuilt while it was on its way: the box gives the text back.
    const again = createReplyModel(
      'item-4',
      vi.fn(async () => {}),
    );
    expect(again.text.value).toBe('Which hall?');
    answers[0]!({ status: 201, json: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' } });
    await sending;
    const resent = again.send();
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1]!({ status: 201, json: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' } });
    await resent;
    const ids = calls
      .filter((call) => call.method === 'POST')
      .map((call) => (call.body as { id: string }).id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    // A failed send's id, kept beside the text, does not make closing the tab ask once the box is emptied.
    stubWorkspace({
      'POST /api/v1/feedback/item-4/replies': {
        status: 503,
        json: { error: { code: 'unavailable', message: 'Later.' } },
      },
    });
    again.text.value = 'Given up on';
    await again.send();
    again.text.value = '';
    expect(anyKept()).toBe(false);
  });

  it('sends the same words again as a new reply from a box opened after the first was sent', async () => {
    const { calls } = stubWorkspace({
      'POST /api/v1/feedback/item-5/replies': {
        status: 201,
        json: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' },
      },
    });
    const first = createReplyModel(
      'item-5',
      vi.fn(async () => {}),
    );
    first.text.value = 'Thanks!';
    await first.send();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const later = createReplyModel(
      'item-5',
      vi.fn(async () => {}),
    );
    later.text.value = 'Thanks!';
    await later.send();
    const ids = calls
      .filter((call) => call.method === 'POST')
      .map((call) => (call.body as { id: string }).id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('retries a reply under its first id where the tab keeps nothing (storage full)', async () => {
    const full = vi.spyOn(sessionStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      const { calls } = stubWorkspace({
        'POST /api/v1/feedback/item-6/replies': {
          status: 504,
          json: { error: { code: 'timeout', message: 'Later.' } },
        },
      });
      const reply = createReplyModel(
        'item-6',
        vi.fn(async () => {}),
      );
      reply.text.value = 'Which hall?';
      await reply.send();
      await reply.send();
      const ids = calls.map((call) => (call.body as { id: string }).id);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBe(ids[0]);
    } finally {
      full.mockRestore();
    }
  });

  it('keeps a reply being typed in the tab until it is sent: another cell, page or a reload gives it back', async () => {
    let answer: ((reply: Reply) => void) | undefined;
    stubWorkspace({
      'POST /api/v1/feedback/item-2/replies': () =>
        new Promise<Reply>((resolve) => {
          answer = resolve;
        }),
    });
    const typing = createReplyModel(
      'item-2',
      vi.fn(async () => {}),
    );
    typing.text.value = 'Can you ask which hall they visited?';
    // The drill-down rebuilt (another cell, Back, a reload): a new model for the same item.
    const again = createReplyModel(
      'item-2',
      vi.fn(async () => {}),
    );
    expect(again.text.value).toBe('Can you ask which hall they visited?');
    expect(
      createReplyModel(
        'item-3',
        vi.fn(async () => {}),
      ).text.value,
    ).toBe('');
    // Typed on while it was sending: what was not sent stays, in the box and in the tab.
    const sending = again.send();
    await vi.waitFor(() => expect(answer).toBeDefined());
    again.text.value = 'Can you ask which hall they visited? And when?';
    answer!({ status: 201, json: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' } });
    await sending;
    expect(again.text.value).toBe('Can you ask which hall they visited? And when?');
    again.text.value = '';
    expect(
      createReplyModel(
        'item-2',
        vi.fn(async () => {}),
      ).text.value,
    ).toBe('');
  });

  it('sends a retried reply with the same id, so the workspace stores it once; new text gets a new one', async () => {
    let online = false;
    const { calls } = stubWorkspace({
      'POST /api/v1/feedback/item-1/replies': () =>
        online ? { status: 201, json: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' } } : 'offline',
    });
    const reply = createReplyModel(
      'item-1',
      vi.fn(async () => {}),
    );
    reply.text.value = 'Thanks';
    await reply.send();
    online = true;
    await reply.send();
    const [first, second] = calls.map((call) => call.body as { id: string });
    expect(second?.id).toBe(first?.id);
    reply.text.value = 'Another';
    await reply.send();
    expect((calls[2]!.body as { id: string }).id).not.toBe(first?.id);
  });
});

describe("the answers to marketing's questions", () => {
  const answer = (
    n: number,
    text: string,
    verdict: 'won' | 'good_fit' | 'tire_kicker',
    answeredWith = verdict,
  ) => ({
    feedbackId: `aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa${n}`,
    index: 0,
    answer: text,
    useful: n === 4,
    verdict,
    answeredWith,
    region: n === 2 ? null : 'DACH',
    rep: { id: REP_ID, name: 'Ana Ruiz' },
    lead: { crm: 'hubspot' as const, objectType: 'contact' as const, recordId: `100${n}` },
    createdAt: `2026-05-0${n}T10:00:00.000Z`,
  });
  const REPORT: QuestionAnswers = {
    filter: { region: 'DACH' },
    perQuestion: 200,
    campaigns: [
      {
        campaignId: CAMPAIGN_ID,
        name: 'Hannover Messe 2026',
        questions: [
          {
            question: 'Did they mention a 2027 budget?',
            asked: true,
            total: 2,
            answers: [answer(5, 'No budget', 'tire_kicker'), answer(4, 'Yes, 50k', 'won', 'good_fit')],
          },
          { question: 'Old question', asked: false, total: 3, answers: [answer(2, 'Maybe', 'good_fit')] },
        ],
      },
    ],
  };

  it('asks with the filters and the chosen campaign, and groups per campaign and question with the latest verdict', async () => {
    const { calls } = stubWorkspace({ 'GET /api/v1/answers': { json: REPORT } });
    const filters = signal({ ...NO_FILTERS, region: 'DACH' });
    const model = createAnswersModel(filters);
    expect(model.choices.value).toEqual([{ id: CAMPAIGN_ID, name: 'Hannover Messe 2026' }]);
    model.campaign.value = CAMPAIGN_ID;
    await model.refresh();
    expect(calls.at(-1)?.path).toBe(`/api/v1/answers?region=DACH&campaign=${CAMPAIGN_ID}`);
    expect(model.problem.value).toBeNull();
    const groups = model.groups.value;
    expect(groups.map((g) => [g.campaign, g.question, g.dropped, g.more])).toEqual([
      ['Hannover Messe 2026', 'Did they mention a 2027 budget?', null, null],
      ['Hannover Messe 2026', 'Old question', 'no longer asked', '1 of 3 answers shown (the newest)'],
    ]);
    expect(groups[0]!.answers.map((a) => [a.answer, a.verdictText])).toEqual([
      ['No budget', 'Tire-kicker (price only)'],
      ['Yes, 50k', 'Won'],
    ]);
    expect(groups[0]!.answers[0]!.detail).not.toContain('answered with');
    expect(groups[0]!.answers[1]!.detail).toMatch(/^Ana Ruiz · .+ · DACH · answered with Good fit$/);
    expect(groups[1]!.answers[0]!.detail).toMatch(/ · no region$/);
  });

  it('marks an answer useful and takes the mark off, showing what the workspace said', async () => {
    const path = (n: number) => `/api/v1/feedback/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa${n}/answers/0/useful`;
    const { calls } = stubWorkspace({
      'GET /api/v1/answers': { json: REPORT },
      [`POST ${path(5)}`]: {
        json: {
          feedbackId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa5',
          index: 0,
          markedAt: '2026-05-21T09:00:00.000Z',
        },
      },
      [`DELETE ${path(4)}`]: { status: 204 },
    });
    const model = createAnswersModel(signal(NO_FILTERS));
    await model.refresh();
    const lines = () => model.groups.value[0]!.answers;
    expect(lines().map((a) => [a.answer, a.useful, a.usefulLabel])).toEqual([
      ['No budget', false, 'Useful to reps: No budget'],
      ['Yes, 50k', true, 'Useful to reps: Yes, 50k'],
    ]);

    const marking = model.toggleUseful(lines()[0]!);
    expect(model.toggling.value.has(lines()[0]!.key)).toBe(true);
    await marking;
    expect(calls.at(-1)).toMatchObject({ method: 'POST', path: path(5) });
    expect(model.toggling.value.size).toBe(0);
    await model.toggleUseful(lines()[1]!);
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', path: path(4) });
    expect(lines().map((a) => a.useful)).toEqual([true, false]);
    expect(model.problem.value).toBeNull();

    // Refused: the mark stays as it was and the workspace's words are shown.
    await model.toggleUseful(lines()[1]!);
    expect(calls.at(-1)).toMatchObject({ method: 'POST', path: path(4) });
    expect(lines().map((a) => a.useful)).toEqual([true, false]);
    expect(model.problem.value).toBe('That does not exist in this workspace.');
  });

  it('says why, and shows no answers, when the workspace sends what the route does not describe', async () => {
    stubWorkspace({ 'GET /api/v1/answers': { json: { campaigns: 'many' } } });
    const model = createAnswersModel(signal(NO_FILTERS));
    await model.refresh();
    expect(model.report.value).toBeNull();
    expect(model.groups.value).toEqual([]);
    expect(model.problem.value).toMatch(/cannot read/);
  });

  it('shows on the feedback page, under the matrix', async () => {
    stubWorkspace({
      'GET /api/v1/feedback/matrix': { json: { cells: [] } },
      'GET /api/v1/answers': { json: REPORT },
      'GET /api/v1/campaigns': { json: { campaigns: [brief()] } },
      'GET /api/v1/members': { json: { members: [] } },
    });
    render(<Feedback />, document.body);
    const section = await vi.waitFor(() => {
      const found = document.body.querySelector('section.answers');
      if (!found?.querySelector('.answers__question')) throw new Error('no answers shown yet');
      return found;
    });
    expect(section.querySelector('h2')?.textContent).toBe('Answers to your questions');
    expect(section.querySelectorAll('.answers__question')).toHaveLength(2);
    expect(section.querySelector('li')?.textContent).toContain('Tire-kicker (price only) · No budget');
    const toggles = [...section.querySelectorAll<HTMLButtonElement>('button.answers__toggle')];
    expect(
      toggles.map((b) => [b.textContent, b.getAttribute('aria-pressed'), b.getAttribute('aria-label')]),
    ).toEqual([
      ['Useful', 'false', 'Useful to reps: No budget'],
      ['Useful', 'true', 'Useful to reps: Yes, 50k'],
      ['Useful', 'false', 'Useful to reps: Maybe'],
    ]);
    expect(toggles[0]!.type).toBe('button');
  });
});

describe('the feedback page', () => {
  it('shows the error state, not a crash or a blank, when the workspace sends a malformed matrix', async () => {
    stubWorkspace({
      'GET /api/v1/feedback/matrix': {
        json: { cells: [{ campaignId: null, verdict: 'good_fit', leads: -1.5 }] },
      },
      'GET /api/v1/campaigns': { json: { campaigns: [brief()] } },
      'GET /api/v1/members': { json: { members: [] } },
    });
    render(<Feedback />, document.body);
    // The answer is read and refused a few tasks later on a loaded machine: wait for the alert.
    const alert = await vi.waitFor(() => {
      const found = document.body.querySelector('[role="alert"]');
      if (!found) throw new Error('no alert yet');
      return found;
    });
    expect(alert?.textContent).toMatch(/^The workspace sent an answer this dashboard cannot read/);
    expect(document.body.querySelector('h1')?.textContent).toBe('Feedback');
    expect(document.body.querySelector('table')).toBeNull();
    expect(document.body.querySelector('[role="status"]')).toBeNull();
  });
});
