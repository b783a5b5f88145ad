import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import { NO_FILTERS } from '../../../workspace/dashboard/filters-model';
import { Insights } from '../../../workspace/dashboard/pages/Insights';
import {
  breakEvenWords,
  channelBars,
  createInsightsModel,
  createThresholdModel,
  dateText,
  heatMap,
  sellerTotals,
  tireKickerRows,
  trendWeeks,
} from '../../../workspace/dashboard/pages/insights-model';
import { campaigns, me } from '../../../workspace/dashboard/state';
import { ADMIN_ID, CAMPAIGN_ID, insightsAnswer, meAnswer, REP_ID, stubWorkspace } from './workspace-double';

beforeEach(() => {
  me.value = meAnswer();
  campaigns.value = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
  setLanguage('en');
  render(null, document.body);
});

type Payback = ReturnType<typeof insightsAnswer>['payback'][number];
const payback = (breakEven: Partial<Payback['breakEven']>): Payback => ({
  ...insightsAnswer().payback[0]!,
  breakEven: { ...insightsAnswer().payback[0]!.breakEven, ...breakEven },
});

describe('the insights model', () => {
  it('takes its filters from the address and keeps them there, Back and Forward included', () => {
    history.replaceState(null, '', '/insights?region=DACH&from=2026-05-01&to=someday');
    const model = createInsightsModel(location.search);
    expect(model.filters.value).toEqual({ ...NO_FILTERS, region: 'DACH', from: '2026-05-01' });
    const stop = model.followAddress();
    try {
      expect(location.search).toBe('?from=2026-05-01&region=DACH');
      model.filters.value = { ...model.filters.value, channel: 'Webinar' };
      expect(location.search).toBe('?from=2026-05-01&region=DACH&channel=Webinar');
      history.replaceState(null, '', '/insights?rep=x');
      dispatchEvent(new PopStateEvent('popstate'));
      expect(model.filters.value).toEqual({ ...NO_FILTERS, rep: 'x' });
    } finally {
      stop();
      history.replaceState(null, '', '/');
    }
  });

  it('reads the answer for the filters', async () => {
    const { calls } = stubWorkspace({ 'GET /api/v1/insights': { json: insightsAnswer() } });
    const model = createInsightsModel();
    model.filters.value = { ...model.filters.value, channel: 'Trade show' };
    await model.refresh();
    expect(calls[0]?.path).toBe('/api/v1/insights?channel=Trade+show');
    expect(model.answer.value?.leads).toBe(14);
    expect(model.csv('trend')).toBe('/api/v1/insights.csv?channel=Trade+show&insight=trend');
  });

  it('shows the answer for the filters asked last, when an earlier, slower one comes back after it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = { ...insightsAnswer(), leads: 99 };
    const fetch = vi.fn(async (input: string) => {
      if (input.includes('rep=')) await held;
      return new Response(JSON.stringify(input.includes('rep=') ? slow : insightsAnswer()), {
        headers: { 'Content-Type': 'application/json' },
      });
    });
    vi.stubGlobal('fetch', fetch);
    const model = createInsightsModel();
    model.filters.value = { ...model.filters.value, region: 'DACH', rep: 'someone' };
    const first = model.refresh();
    model.filters.value = { ...model.filters.value, rep: '' };
    await model.refresh();
    release();
    await first;
    expect(model.answer.value?.leads).toBe(14);
  });

  it('shows no figures of other filters while new ones load, nor after they failed', async () => {
    stubWorkspace({ 'GET /api/v1/insights': { json: insightsAnswer() } });
    const model = createInsightsModel();
    await model.refresh();
    expect(model.answer.value?.leads).toBe(14);
    stubWorkspace({
      'GET /api/v1/insights': {
        status: 502,
        json: { error: { code: 'bad_gateway', message: 'Bad gateway.' } },
      },
    });
    model.filters.value = { ...model.filters.value, region: 'DACH' };
    const asked = model.refresh();
    expect(model.answer.value).toBeNull();
    await asked;
    expect(model.answer.value).toBeNull();
    expect(model.problem.value).not.toBeNull();
  });

  it('keeps the error state, and no half-read answer, when insights are malformed', async () => {
    stubWorkspace({ 'GET /api/v1/insights': { json: { ...insightsAnswer(), tireKickerThreshold: 7 } } });
    const model = createInsightsModel();
    await model.refresh();
    expect(model.answer.value).toBeNull();
    expect(model.problem.value).toMatch(/cannot read \(tireKickerThreshold: /);
  });

  it('says break-even in words, never "9 of 2"', () => {
    expect(breakEvenWords(payback({ status: 'reached', won: 13, needed: 12 }))).toEqual({
      label: 'Reached',
      sentence: '13 sales won; 12 needed to pay for itself.',
    });
    expect(breakEvenWords(payback({ status: 'behind' })).sentence).toBe(
      '2 of 12 sales needed; at this pace 5 by Jun 30.',
    );
    expect(breakEvenWords(payback({ status: 'not_started', needed: 1 })).sentence).toBe(
      '1 sale needed; no pace yet.',
    );
    expect(breakEvenWords(payback({ status: 'unknown', needed: null })).sentence).toMatch(/cannot be said/);
    // Figures that derive too many sales are not figures missing from the brief.
    expect(breakEvenWords(payback({ status: 'unknown', needed: null, tooMany: true })).sentence).toBe(
      'The brief’s budget, deal value and margin need more than 1,000,000 sales to break even: check them, or enter the break-even.',
    );
    setLanguage('es');
    expect(breakEvenWords(payback({ status: 'behind' }))).toEqual({
      label: 'Con retraso',
      sentence: 'Ganadas: 2 · necesarias: 12 ventas; a este ritmo, 5 para el 30 jun.',
    });
    // A count of one reads in Spanish too (before: "1 venta ganadas", "Hacen falta 1 venta").
    expect(breakEvenWords(payback({ status: 'reached', won: 1, needed: 1 })).sentence).toBe(
      'Ganadas: 1 venta; hacían falta 1 para pagarse.',
    );
    expect(breakEvenWords(payback({ status: 'not_started', needed: 1 })).sentence).toBe(
      'Necesarias: 1 venta; aún no hay ritmo.',
    );
  });

  it('writes a week with its year only where the weeks span more than one', () => {
    expect(dateText('2026-01-05')).toBe('Jan 5');
    expect(dateText('2026-01-05', true)).toBe('Jan 5, 2026');
  });

  it('derives every chart from the answer', () => {
    const data = insightsAnswer();
    expect(channelBars(data).rate[0]).toMatchObject({
      label: 'Trade show',
      value: 0.5,
      text: '50% · 6 of 12',
    });
    const map = heatMap(data);
    expect(map.regions).toEqual(['DACH', 'Iberia', null]);
    expect(map.rows.map((r) => r.name)).toEqual(['Hannover Messe 2026', 'Unmatched']);
    expect(map.rows[0]?.cells.map((c) => [c.rate, c.band, c.small])).toEqual([
      [0.5, 2, false],
      [null, 0, false],
      [0.5, 2, true],
    ]);
    expect(tireKickerRows(data).rows.map((r) => [r.name, r.flagged])).toEqual([
      ['Hannover Messe 2026', true],
      ['Trade show (channel)', true],
    ]);
    expect(sellerTotals(data)).toEqual([
      { memberId: expect.any(String), name: 'Ana Ruiz', leads: 14, goodFit: 6, won: 3 },
    ]);
    const all = trendWeeks(data, '');
    expect(all.weeks.map((w) => [w.week, w.counts])).toEqual([
      ['2026-11-09', { tire_kicker: 2 }],
      ['2026-11-16', { good_fit: 4 }],
    ]);
    expect(all.present).toEqual(['good_fit', 'tire_kicker']);
    expect(trendWeeks(data, 'unmatched').weeks).toEqual([{ week: '2026-11-16', counts: { good_fit: 1 } }]);
    expect(trendWeeks(data, CAMPAIGN_ID).options.map((o) => o.name)).toEqual([
      'Hannover Messe 2026',
      'Unmatched',
    ]);
  });

  it('lets admins save the threshold, and shows what the workspace refused', async () => {
    stubWorkspace({
      'PATCH /api/v1/workspace': (body) =>
        (body as { tireKickerThreshold: number }).tireKickerThreshold > 1
          ? { status: 422, json: { error: { code: 'invalid', message: 'At most 100 %.' } } }
          : { json: meAnswer().workspace },
    });
    const saved = vi.fn(async () => {});
    const model = createThresholdModel(0.25, saved);
    expect(model.canEdit.value).toBe(true);
    expect(model.value.value).toBe('25');
    model.value.value = '140';
    await model.save();
    expect(model.problem.value).toBe('At most 100 %.');
    // An emptied box is not 0 % (every campaign with one tire-kicker flagged): nothing is sent.
    model.value.value = ' ';
    await model.save();
    expect(model.problem.value).toBe('Give the threshold as a percentage, such as 30.');
    model.value.value = '30';
    await model.save();
    expect(model.problem.value).toBeNull();
    expect(saved).toHaveBeenCalledOnce();
    me.value = meAnswer('marketer');
    expect(model.canEdit.value).toBe(false);
  });
});

describe('the insights page', () => {
  it('renders the charts from a good answer, in Spanish for a Spanish reader', async () => {
    setLanguage('es');
    stubWorkspace({
      'GET /api/v1/insights': { json: insightsAnswer() },
      'GET /api/v1/campaigns': { json: { campaigns: [] } },
      'GET /api/v1/members': { json: { members: [] } },
    });
    render(<Insights />, document.body);
    await vi.waitFor(() =>
      expect([...document.body.querySelectorAll('h2')].map((h) => h.textContent)).toContain(
        'Qué canal trae a nuestro tipo de cliente',
      ),
    );
    expect(document.body.textContent).toContain('Curioso (solo precio)');
    // A list and a week as Spanish writes them (before: "encaja bien, ganado, perdido" and "2026-11-16").
    expect(document.body.textContent).toMatch(/Buen encaje: encaja bien, ganado y perdido\./);
    const weeks = [...document.body.querySelectorAll('table')].find((t) =>
      t.querySelector('thead')?.textContent?.includes('Semana del'),
    );
    expect([...(weeks?.querySelectorAll('tbody th') ?? [])].map((th) => th.textContent)).toEqual([
      '9 nov',
      '16 nov',
    ]);
  });

  it('says “nothing here” where a screen reader reads it, not inside a chart hidden from it', async () => {
    stubWorkspace({
      'GET /api/v1/insights': { json: insightsAnswer({ channels: [], trend: [] }) },
      'GET /api/v1/campaigns': { json: { campaigns: [] } },
      'GET /api/v1/members': { json: { members: [] } },
    });
    render(<Insights />, document.body);
    for (const words of ['No campaigns in these filters.', 'No verdicts in these weeks.']) {
      const said = await vi.waitFor(() => {
        const found = [...document.body.querySelectorAll('p')].find((p) => p.textContent === words);
        if (!found) throw new Error(`“${words}” not shown yet`);
        return found;
      });
      expect(said.closest('[aria-hidden="true"]')).toBeNull();
    }
  });

  it('heads each table with its columns, in order', async () => {
    stubWorkspace({
      'GET /api/v1/insights': { json: insightsAnswer() },
      'GET /api/v1/campaigns': { json: { campaigns: [] } },
      'GET /api/v1/members': { json: { members: [] } },
    });
    render(<Insights />, document.body);
    await vi.waitFor(() => expect(document.body.querySelector('table')).not.toBeNull());
    const heads = (caption: string) => {
      const table = [...document.body.querySelectorAll('table')].find((t) =>
        t.caption?.textContent?.startsWith(caption),
      );
      return [...(table?.querySelectorAll('thead th') ?? [])].map((th) => th.textContent);
    };
    expect(heads('Channels, ranked')).toEqual([
      'Channel',
      'Leads',
      'Good fit',
      'Won',
      'Spend to date',
      'Per good-fit lead',
      'Per won deal',
    ]);
    expect(heads('Tire-kicker share')).toEqual([
      'Campaign or channel',
      'Tire-kickers',
      'Leads',
      'Share',
      'Flag',
    ]);
    expect(heads('Break-even per campaign')).toEqual([
      'Campaign',
      'Break-even',
      'Progress',
      'Spend to date',
      'Per good-fit lead',
      'Per won deal',
    ]);
    expect(heads('Reps × campaign')).toEqual(['Rep', 'Campaign', 'Leads judged', 'Good fit', 'Won']);
    // Percentages as the reader writes them (before: "0–19 %" in English as in Spanish).
    expect(document.body.textContent).toContain('0%–19%');
  });

  it('offers removed reps in the filter after the team, and tells one from a current rep of the same name', async () => {
    const FORMER = '33333333-3333-4333-8333-333333333333';
    const { calls } = stubWorkspace({
      'GET /api/v1/insights': {
        json: insightsAnswer({
          sellers: [
            { memberId: REP_ID, name: 'Ana Ruiz', campaignId: CAMPAIGN_ID, leads: 12, goodFit: 6, won: 2 },
            {
              memberId: FORMER,
              name: 'Ana Ruiz',
              removed: true,
              campaignId: CAMPAIGN_ID,
              leads: 5,
              goodFit: 3,
              won: 3,
            },
          ],
        }),
      },
      'GET /api/v1/campaigns': { json: { campaigns: [] } },
      'GET /api/v1/members': {
        json: {
          members: [
            { id: REP_ID, name: 'Ana Ruiz', role: 'rep', region: 'DACH' },
            { id: FORMER, name: 'Ana Ruiz', role: 'rep', region: 'DACH', removed: true },
            { id: ADMIN_ID, name: 'Zoe Admin', role: 'admin', region: null },
          ],
        },
      },
    });
    render(<Insights />, document.body);
    // Before: removed members were not listed, so their verdicts could not be filtered for.
    await vi.waitFor(() =>
      expect(calls.some((call) => call.path === '/api/v1/members?include=removed')).toBe(true),
    );
    const reps = await vi.waitFor(() => {
      const select = [...document.body.querySelectorAll('label')]
        .find((label) => label.textContent?.startsWith('Rep'))
        ?.querySelector('select');
      const options = [...(select?.querySelectorAll('option') ?? [])].map((option) => option.textContent);
      if (options.length < 4) throw new Error('reps not listed yet');
      return options;
    });
    expect(reps).toEqual(['All reps', 'Ana Ruiz', 'Zoe Admin', 'Ana Ruiz (removed)']);
    await vi.waitFor(() => expect(document.body.querySelector('table')).not.toBeNull());
    const table = [...document.body.querySelectorAll('table')].find((t) =>
      t.caption?.textContent?.startsWith('Reps × campaign'),
    )!;
    expect([...table.querySelectorAll('tbody th')].map((th) => th.textContent)).toEqual([
      'Ana Ruiz',
      'Ana Ruiz (removed)',
    ]);
  });

  it('shows the error state when the workspace sends malformed insights', async () => {
    stubWorkspace({
      'GET /api/v1/insights': { json: { leads: 'many' } },
      'GET /api/v1/campaigns': { json: { campaigns: [] } },
      'GET /api/v1/members': { json: { members: [] } },
    });
    render(<Insights />, document.body);
    await vi.waitFor(() =>
      expect(document.body.querySelector('[role="alert"]')?.textContent).toMatch(/cannot read/),
    );
    expect(document.body.querySelector('.chart')).toBeNull();
    expect(document.body.querySelector('[role="status"]')).toBeNull();
  });
});
