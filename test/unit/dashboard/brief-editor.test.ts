import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import {
  createBriefEditorModel,
  fieldOf,
  fromForm,
  number,
  toForm,
} from '../../../workspace/dashboard/pages/brief-editor-model';
import { campaigns, me, navigate, notice, path } from '../../../workspace/dashboard/state';
import { brief, briefInput } from '../../support/examples';
import { CAMPAIGN_ID, meAnswer, stubWorkspace } from './workspace-double';

beforeEach(() => {
  sessionStorage.clear();
  me.value = meAnswer();
  campaigns.value = [];
  history.replaceState(null, '', '/campaigns/new');
});
afterEach(() => {
  vi.unstubAllGlobals();
  setLanguage('en');
});

describe('the brief editor model', () => {
  it('turns a brief into text fields and back without losing anything', () => {
    expect(fromForm(toForm(brief()))).toEqual(briefInput());
  });

  it('reads amounts typed in the reader’s way or the other common one, and refuses what is neither', () => {
    const read = (language: string, cases: Array<[string, number]>) => {
      for (const [text, value] of cases) expect(number(text, language), `${language} ${text}`).toBe(value);
    };
    read('es', [
      ['15.000', 15_000],
      ['2.500,50', 2_500.5],
      ['2,500.50', 2_500.5],
      ['12,5', 12.5],
      ['1.000.000', 1_000_000],
      ['0,125', 0.125],
      ['1 000', 1_000],
      ['15000', 15_000],
    ]);
    read('en', [
      ['15,000', 15_000],
      ['15.000', 15],
      ['2.500,50', 2_500.5],
      ['2,500.50', 2_500.5],
      ['12,5', 12.5],
      ['12.5', 12.5],
      ["1'000", 1_000],
      ['0,125', 0.125],
    ]);
    read('en', [
      ['.5', 0.5],
      ['12.', 12],
    ]);
    for (const text of ['', 'abc', '1.2.3,4,5', '1.00.000', '12 EUR', '1,2,3.4.5', '-', '.'])
      expect(number(text, 'en'), text).toBeNaN();
  });

  it.each(['de-DE', 'es-ES', 'en-US'])(
    'in a %s browser, reads amounts its way whatever the dashboard’s language, and a brief saved unchanged keeps them',
    (locale) => {
      vi.spyOn(navigator, 'language', 'get').mockReturnValue(locale);
      // The dashboard in English: a German browser's "15.000" is fifteen thousand all the same.
      setLanguage('en');
      const european = locale !== 'en-US';
      const typed = {
        ...toForm(brief()),
        budget: european ? '15.000' : '15,000',
        avgDealValue: european ? '2.500,50' : '2,500.50',
        grossMarginPct: european ? '12,5' : '12.5',
      };
      expect(fromForm(typed)).toMatchObject({
        economics: { budget: 15_000, avgDealValue: 2_500.5, grossMarginPct: 12.5 },
      });
      // Opened and saved without a change: the amounts are what they were (1.125 was read back as 1125).
      for (const language of ['en', 'es'] as const) {
        setLanguage(language);
        const stored = brief({
          economics: { ...brief().economics, avgDealValue: 1.125, grossMarginPct: 33.333, budget: 120_000 },
        });
        expect(fromForm(toForm(stored))).toMatchObject({
          economics: { avgDealValue: 1.125, grossMarginPct: 33.333, budget: 120_000 },
        });
      }
    },
  );

  it('places an issue on its field', () => {
    expect(fieldOf('economics.budget')).toBe('budget');
    expect(fieldOf('match.leadSources.2.detail')).toBe('leadSources');
  });

  it('derives break-even as the figures are typed, in the reader’s language', () => {
    const model = createBriefEditorModel(null);
    expect(model.title.value).toBe('New campaign');
    expect(model.form.value.owner).toBe('Mara Jensen');
    expect(model.derived.value).toMatch(/^Break-even: enter/);
    model.set('budget', '120000');
    model.set('avgDealValue', '25000');
    model.set('grossMarginPct', '40');
    expect(model.derived.value).toBe('Derived break-even: ⌈120,000 EUR ÷ (25,000 EUR × 40 %)⌉ = 12 sales');
    model.set('avgDealValue', '300000');
    expect(model.derived.value).toBe('Derived break-even: ⌈120,000 EUR ÷ (300,000 EUR × 40 %)⌉ = 1 sale');
    model.set('avgDealValue', '25000');
    // The currency as it will be saved; and a break-even no brief can hold said as such, not 2e+22.
    model.set('currency', 'usd');
    expect(model.derived.value).toContain('120,000 USD');
    model.set('budget', '1e12');
    model.set('avgDealValue', '0.0001');
    expect(model.derived.value).toBe(
      'Derived break-even: more than 1,000,000 sales, which Sameroom does not store: check budget, deal value and margin, or enter the break-even.',
    );
    model.set('currency', 'EUR');
    model.set('avgDealValue', '25000');
    setLanguage('es');
    model.set('budget', '120001');
    expect(model.derived.value).toBe(
      'Punto de equilibrio calculado: ⌈120.001 EUR ÷ (25.000 EUR × 40 %)⌉ = 13 ventas',
    );
  });

  it('checks the brief before sending it, keeping what was typed', async () => {
    const { calls } = stubWorkspace({});
    const model = createBriefEditorModel(null);
    model.set('name', 'Hannover Messe 2026');
    await model.save();
    expect(calls).toHaveLength(0);
    expect(model.message.value).toBe('Some fields need attention before this campaign can be saved.');
    expect(model.errorFor('budget')).toBeDefined();
    expect(model.form.value.name).toBe('Hannover Messe 2026');
  });

  it('says what each field needs in Spanish to a Spanish reader, none of the protocol’s English words', async () => {
    const { calls } = stubWorkspace({});
    setLanguage('es');
    const model = createBriefEditorModel(null);
    for (const [key, value] of Object.entries(toForm(brief()))) model.set(key as never, value);
    const wrong: Array<[string, string, string]> = [
      ['name', '  ', 'no puede estar vacío'],
      ['channel', 'x'.repeat(121), 'debe tener como máximo 120 caracteres'],
      ['budget', '-5', 'no puede ser negativo'],
      ['grossMarginPct', '140', 'debe ser como máximo 100'],
      ['currency', 'euro', 'debe ser un código de moneda de tres letras, como EUR'],
      ['startsOn', '2026-06-01', ''],
      ['endsOn', '2026-05-01', 'la fecha de fin es anterior a la de inicio'],
    ];
    for (const [field, value] of wrong) model.set(field as never, value);
    await model.save();
    expect(calls).toHaveLength(0);
    expect(model.message.value).toBe('Hay campos que revisar antes de poder guardar esta campaña.');
    for (const [field, , said] of wrong.filter(([, , said]) => said))
      expect(model.errorFor(field as never)?.message, field).toBe(said);
    for (const issue of model.issues.value) expect(issue.message, issue.path).not.toMatch(/\bmust\b|\bthe\b/);
    model.set('breakEvenDeals', '2.5');
    await model.save();
    expect(model.errorFor('breakEvenDeals')?.message).toBe('debe ser un número entero');
    // A derived break-even past what is stored, named on the break-even.
    model.set('breakEvenDeals', '');
    model.set('budget', '1e12');
    model.set('avgDealValue', '0.0001');
    await model.save();
    expect(model.errorFor('breakEvenDeals')?.message).toMatch(/^con este presupuesto/);
  });

  it("shows the workspace's issues, and an unreadable saved brief as an error rather than success", async () => {
    let answer: { status: number; json: unknown } = {
      status: 422,
      json: {
        error: {
          code: 'invalid',
          message: 'Check the brief.',
          issues: [{ path: 'economics.currency', message: 'Unknown currency' }],
        },
      },
    };
    stubWorkspace({ 'POST /api/v1/campaigns': () => answer });
    const model = createBriefEditorModel(null);
    for (const [key, value] of Object.entries(toForm(brief()))) model.set(key as never, value);
    await model.save();
    expect(model.message.value).toBe('Check the brief.');
    expect(model.errorFor('currency')?.message).toBe('Unknown currency');
    answer = { status: 201, json: { id: CAMPAIGN_ID } };
    await model.save();
    expect(model.message.value).toMatch(/cannot read/);
    expect(location.pathname).toBe('/campaigns/new');
  });

  it('opened from an old list, reads the brief again and shows the newer version before anything is typed', async () => {
    const old = { ...brief(), id: CAMPAIGN_ID, updatedAt: '2026-11-20T08:00:00.000Z' };
    const newer = { ...old, offer: 'Two site assessments.', updatedAt: '2026-11-21T09:00:00.000Z' };
    campaigns.value = [old as never];
    const { calls } = stubWorkspace({
      'GET /api/v1/campaigns': { json: { campaigns: [newer] } },
      [`PATCH /api/v1/campaigns/${CAMPAIGN_ID}`]: { json: newer },
    });
    const model = createBriefEditorModel(CAMPAIGN_ID);
    expect(model.form.value.offer).toBe(old.offer);
    await model.load();
    expect(model.form.value.offer).toBe('Two site assessments.');
    model.set('name' as never, 'Hannover Messe 2026, hall 9');
    await model.save();
    expect(calls.find((call) => call.method === 'PATCH')?.headers['If-Match']).toBe(
      '"2026-11-21T09:00:00.000Z"',
    );
  });

  it('sends a new brief again under the same id after a lost answer, also after a reload', async () => {
    const { calls } = stubWorkspace({
      'POST /api/v1/campaigns': {
        status: 504,
        json: { error: { code: 'timeout', message: 'Gateway timeout.' } },
      },
    });
    const model = createBriefEditorModel(null);
    for (const [key, value] of Object.entries(toForm(brief()))) model.set(key as never, value);
    await model.save();
    await model.save();
    const again = createBriefEditorModel(null);
    await again.save();
    const ids = calls
      .filter((call) => call.method === 'POST')
      .map((call) => (call.body as { id?: string }).id);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(1);
  });

  it('says on the campaigns page it opens that the brief was saved, by its name, until the next move', async () => {
    stubWorkspace({
      'POST /api/v1/campaigns': { status: 201, json: { ...brief(), id: CAMPAIGN_ID } },
      'GET /api/v1/campaigns': { json: { campaigns: [] } },
    });
    const model = createBriefEditorModel(null);
    for (const [key, value] of Object.entries(toForm(brief({ name: 'Spring fair' }))))
      model.set(key as never, value);
    await model.save();
    expect(model.message.value).toBeNull();
    expect(path.value).toBe('/');
    expect(notice.value).toBe('Saved “Spring fair”.');
    navigate('/feedback');
    expect(notice.value).toBeNull();
  });

  it('names the version it edits, and keeps what was typed when someone changed the brief since', async () => {
    const opened = { ...brief(), id: CAMPAIGN_ID, updatedAt: '2026-11-20T08:00:00.000Z' };
    campaigns.value = [opened as never];
    const { calls } = stubWorkspace({
      [`PATCH /api/v1/campaigns/${CAMPAIGN_ID}`]: {
        status: 412,
        json: { error: { code: 'changed', message: 'This campaign was changed at …' } },
      },
    });
    const model = createBriefEditorModel(CAMPAIGN_ID);
    model.set('name' as never, 'Hannover Messe 2026, hall 9');
    await model.save();
    expect(calls[0]?.method).toBe('PATCH');
    expect(calls[0]?.headers['If-Match']).toBe('"2026-11-20T08:00:00.000Z"');
    expect(model.message.value).toMatch(/^Someone changed this campaign after you opened it/);
    expect(model.form.value.name).toBe('Hannover Messe 2026, hall 9');
  });

  it('keeps what is typed in the tab until saved or cancelled, with the version it was typed over', async () => {
    const opened = { ...brief(), id: CAMPAIGN_ID, updatedAt: '2026-11-20T08:00:00.000Z' };
    campaigns.value = [opened as never];
    const typing = createBriefEditorModel(CAMPAIGN_ID);
    typing.set('name' as never, 'Hannover Messe 2026, hall 9');
    // A link to another page, Back or a reload, and the campaigns read again meanwhile (someone saved
    // the brief since): the editor opened again gives back what was typed, over the version it was.
    campaigns.value = [{ ...opened, updatedAt: '2026-11-21T09:00:00.000Z' } as never];
    const { calls } = stubWorkspace({ [`PATCH /api/v1/campaigns/${CAMPAIGN_ID}`]: { json: opened } });
    const again = createBriefEditorModel(CAMPAIGN_ID);
    expect(again.form.value.name).toBe('Hannover Messe 2026, hall 9');
    await again.save();
    expect(calls[0]?.headers['If-Match']).toBe('"2026-11-20T08:00:00.000Z"');
    // Saved: nothing kept; a new campaign's form starts empty.
    expect(createBriefEditorModel(CAMPAIGN_ID).form.value.name).toBe('Hannover Messe 2026');
    const fresh = createBriefEditorModel(null);
    fresh.set('name' as never, 'Spring webinar');
    expect(createBriefEditorModel(null).form.value.name).toBe('Spring webinar');
    fresh.cancel();
    expect(createBriefEditorModel(null).form.value.name).toBe('');
  });

  it('opened by address, fills in the brief around what was typed before the campaigns arrived', async () => {
    stubWorkspace({ 'GET /api/v1/campaigns': { json: { campaigns: [brief()] } } });
    const early = createBriefEditorModel(CAMPAIGN_ID);
    early.set('name' as never, 'Typed before the campaigns came');
    await early.load();
    expect(early.form.value.name).toBe('Typed before the campaigns came');
    expect(early.form.value.channel).toBe('Trade show');
  });

  it('after a reload gives back every kept field, also one set back to an empty form’s value', async () => {
    const opened = { ...brief(), id: CAMPAIGN_ID, priority: 'high', offer: 'Free site assessment.' };
    campaigns.value = [opened as never];
    const typing = createBriefEditorModel(CAMPAIGN_ID);
    typing.set('priority', 'normal');
    typing.set('offer', '');
    typing.set('status', 'draft');
    // Reloaded: the campaigns are read again when the editor loads.
    campaigns.value = [];
    stubWorkspace({ 'GET /api/v1/campaigns': { json: { campaigns: [opened] } } });
    const again = createBriefEditorModel(CAMPAIGN_ID);
    await again.load();
    expect(again.form.value.priority).toBe('normal');
    expect(again.form.value.offer).toBe('');
    expect(again.form.value.status).toBe('draft');
    expect(again.form.value.channel).toBe('Trade show');
  });

  it('puts what was typed before the campaign could be read over the brief once it is, and saves it as an edit', async () => {
    stubWorkspace({
      'GET /api/v1/campaigns': { status: 503, json: { error: { code: 'unavailable', message: 'Later.' } } },
    });
    const early = createBriefEditorModel(CAMPAIGN_ID);
    await early.load();
    early.set('name' as never, 'Hannover Messe 2026, hall 9');
    // The list read since (another page), the editor opened again.
    const opened = { ...brief(), id: CAMPAIGN_ID, updatedAt: '2026-11-20T08:00:00.000Z' };
    campaigns.value = [opened as never];
    const { calls } = stubWorkspace({ [`PATCH /api/v1/campaigns/${CAMPAIGN_ID}`]: { json: opened } });
    const again = createBriefEditorModel(CAMPAIGN_ID);
    expect(again.form.value.name).toBe('Hannover Messe 2026, hall 9');
    expect(again.form.value.channel).toBe('Trade show');
    await again.save();
    const patch = calls.find((call) => call.method === 'PATCH');
    expect(patch?.headers['If-Match']).toBe('"2026-11-20T08:00:00.000Z"');
    expect((patch?.body as { offer: string } | undefined)?.offer).toBe(brief().offer);
  });

  it('opens a new brief stored by a save whose answer was lost as an edit, when its form changed since', async () => {
    let stored: Record<string, unknown> | null = null;
    stubWorkspace({
      'POST /api/v1/campaigns': (body) => {
        if (!stored) {
          stored = { id: (body as { id: string }).id, updatedAt: '2026-11-20T08:00:00.000Z' };
          return { status: 504, json: { error: { code: 'timeout', message: 'Gateway timeout.' } } };
        }
        return {
          status: 409,
          json: { error: { code: 'conflict', message: 'Another campaign has this id.' } },
        };
      },
      'GET /api/v1/campaigns': () => ({ json: { campaigns: stored ? [{ ...brief(), ...stored }] : [] } }),
    });
    const model = createBriefEditorModel(null);
    for (const [key, value] of Object.entries(toForm(brief()))) model.set(key as never, value);
    await model.save();
    model.set('name' as never, 'Hannover Messe 2026, hall 9');
    await model.save();
    const storedId = (stored as unknown as { id: string }).id;
    expect(location.pathname).toBe(`/campaigns/${storedId}`);
    const edit = createBriefEditorModel(storedId);
    expect(edit.form.value.name).toBe('Hannover Messe 2026, hall 9');
  });

  it('sends no edit of a campaign it could not read: it reads it first, and says so when it cannot', async () => {
    const { calls } = stubWorkspace({
      'GET /api/v1/campaigns': {
        status: 503,
        json: { error: { code: 'unavailable', message: 'Try again.' } },
      },
    });
    const model = createBriefEditorModel(CAMPAIGN_ID);
    await model.load();
    for (const [field, value] of Object.entries(toForm(brief()))) model.set(field as never, value);
    await model.save();
    expect(calls.some((call) => call.method === 'PATCH')).toBe(false);
    expect(model.message.value).toBeTruthy();
    expect(model.form.value.name).toBe('Hannover Messe 2026');
  });

  it("says which regions are none of the workspace's, and the one meant when only the case differs", () => {
    me.value = { ...meAnswer(), workspace: { ...meAnswer().workspace, regions: ['DACH', 'Iberia'] } };
    const model = createBriefEditorModel(null);
    model.set('regions', 'DACH\n iberia \nLATAM');
    expect(model.regionsHint.value).toBe(
      "One per line. This workspace's regions: DACH, Iberia. Not among them: “iberia” (did you mean “Iberia”?), “LATAM” (an admin adds regions in Team).",
    );
    model.set('regions', 'DACH\nIberia');
    expect(model.regionsHint.value).toBe("One per line. This workspace's regions: DACH, Iberia");
    // A workspace with no regions yet: any is the team's own word.
    me.value = { ...meAnswer(), workspace: { ...meAnswer().workspace, regions: [] } };
    model.set('regions', 'LATAM');
    expect(model.regionsHint.value).toBe("One per line. This workspace's regions: none yet");
  });

  it('reads the campaigns when opened by address, and says when the campaign is gone', async () => {
    stubWorkspace({ 'GET /api/v1/campaigns': { json: { campaigns: [brief()] } } });
    const found = createBriefEditorModel(CAMPAIGN_ID);
    await found.load();
    expect(found.title.value).toBe('Edit “Hannover Messe 2026”');
    expect(found.form.value.channel).toBe('Trade show');
    const gone = createBriefEditorModel('99999999-9999-4999-8999-999999999999');
    await gone.load();
    // Nothing to edit: no form to type into and save as a new campaign.
    expect(gone.missing.value).toBe(true);
    expect(gone.message.value).toBeNull();
    expect(found.missing.value).toBe(false);
  });
});
