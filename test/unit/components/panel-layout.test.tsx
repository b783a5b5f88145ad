import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Signal, signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_LAYOUT,
  PANEL_WIDTH,
  Panel,
  type PanelLayout,
  type PanelPrefs,
  type PanelState,
} from '../../../components/Panel';
import type { SendState } from '../../../components/VerdictForm';
import type { LeadContext } from '../../../lib/crm';
import { setLanguage, verdictLabel } from '../../../lib/i18n';
import type { CacheInfo, HistoryEntry, LeadView } from '../../../lib/messages';
import { loadPanelLayout, savePanelLayout } from '../../../lib/platform/panel-prefs';
import { VERDICTS } from '../../../lib/protocol/constants';
import { brief } from '../../support/examples';

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: { leadSource: 'Web' },
};
const CACHE: CacheInfo = { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 };
const ME = {
  member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana', role: 'rep' as const, region: null },
  workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme', regions: [] },
};
/** A brief far taller than any screen. */
const LONG_BRIEF = brief({
  talkingPoints: Array.from({ length: 120 }, (_, i) => `Talking point number ${i + 1}, at some length.`),
  questionsForSales: Array.from({ length: 60 }, (_, i) => `Question ${i + 1}?`),
});
const matchedView = (): Extract<LeadView, { state: 'matched' }> => ({
  state: 'matched',
  brief: LONG_BRIEF,
  reason: { kind: 'utmCampaign', rule: 'hm26', signal: 'HM26' },
  cache: CACHE,
  me: ME,
  setup: { regions: ['Iberia', 'DACH'], region: 'Iberia' },
  history: [],
});
const MATCHED: PanelState = { kind: 'view', view: matchedView() };

function mount(
  state: PanelState,
  options: {
    prefs?: PanelPrefs;
    layout?: PanelLayout;
    onLayout?: (layout: PanelLayout) => void;
    note?: string;
    history?: HistoryEntry[];
    region?: Signal<string | null>;
    pickProblem?: Signal<string | null>;
  } = {},
) {
  const container = document.createElement('div');
  document.body.append(container);
  const props = {
    lead: signal<LeadContext | null>(LEAD),
    crmLabel: signal('Salesforce Lightning'),
    state: signal(state),
    prefs: signal(options.prefs ?? { width: 340, collapsed: false }),
    onPrefs: vi.fn(),
    layout: signal(options.layout ?? DEFAULT_LAYOUT),
    onLayout: vi.fn((next: PanelLayout) => {
      props.layout.value = next;
      options.onLayout?.(next);
    }),
    onOpenOptions: vi.fn(),
    onPick: vi.fn(),
    history: signal<HistoryEntry[]>(options.history ?? []),
    sending: signal<SendState>({ kind: 'idle' }),
    note: signal(options.note ?? ''),
    onVerdict: vi.fn(async (_verdict: string, _note: string, _region: string) => true),
    onUndo: vi.fn(),
    ...(options.region ? { region: options.region } : {}),
    ...(options.pickProblem ? { pickProblem: options.pickProblem } : {}),
  };
  render(<Panel {...props} />, container);
  return { container, props };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const fold = (root: ParentNode, title: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('.sr-fold')].find((button) => button.textContent === title)!;
const key = (target: Element, digit: string) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key: digit, bubbles: true, cancelable: true }));

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
  setLanguage('en');
});

describe('the verdict bar', () => {
  const button = (root: ParentNode, verdict: string) =>
    root.querySelector<HTMLButtonElement>(`.sr-verdict__button--${verdict}`)!;
  const regionSelect = (root: ParentNode) => root.querySelector<HTMLSelectElement>('.sr-verdict select')!;
  const choose = (select: HTMLSelectElement, value: string) => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const foldAndOpen = async (props: ReturnType<typeof mount>['props']) => {
    props.prefs.value = { width: 340, collapsed: true };
    await tick();
    props.prefs.value = { width: 340, collapsed: false };
    await tick();
  };

  it('sends the region of the lead’s latest reading until the rep chooses one, and keeps their choice through a fold', async () => {
    // The first reading of a CRM still rendering its fields has no region; the next says DACH.
    const first = { ...matchedView(), setup: { regions: ['Iberia', 'DACH'], region: null } };
    const { container, props } = mount(
      { kind: 'view', view: first },
      { region: signal<string | null>(null) },
    );
    props.state.value = {
      kind: 'view',
      view: { ...first, setup: { regions: ['Iberia', 'DACH'], region: 'DACH' } },
    };
    await tick();
    button(container, 'good_fit').click();
    await tick();
    expect(props.onVerdict).toHaveBeenLastCalledWith('good_fit', '', 'DACH', []);
    // Chosen by the rep, it stays through a fold and a later reading's preset.
    choose(regionSelect(container), 'Iberia');
    await foldAndOpen(props);
    props.state.value = {
      kind: 'view',
      view: { ...first, setup: { regions: ['Iberia', 'DACH'], region: 'DACH' } },
    };
    await tick();
    expect(regionSelect(container).value).toBe('Iberia');
    button(container, 'tire_kicker').click();
    await tick();
    expect(props.onVerdict).toHaveBeenLastCalledWith('tire_kicker', '', 'Iberia', []);
  });

  it('says beside the picker why a pick was not taken, and nothing once it is', async () => {
    const pickProblem = signal<string | null>('Sameroom did not answer. Try again.');
    const noMatch: LeadView = {
      state: 'noMatch',
      choices: [{ id: LONG_BRIEF.id, name: 'Hannover Messe 2026', channel: 'Events', status: 'active' }],
      cache: CACHE,
      setup: { regions: [], region: null },
    };
    const { container } = mount({ kind: 'view', view: noMatch }, { pickProblem });
    expect(container.querySelector('.sr-pick [role="alert"]')?.textContent).toBe(
      'Sameroom did not answer. Try again.',
    );
    pickProblem.value = null;
    await tick();
    expect(container.querySelector('.sr-pick [role="alert"]')).toBeNull();
  });

  it('puts an undone verdict’s note back once, not again when the bar is shown again', async () => {
    const { container, props } = mount(MATCHED, { region: signal<string | null>(null) });
    props.sending.value = {
      kind: 'undone',
      verdict: 'good_fit',
      note: 'Asked for a demo.',
      region: 'Iberia',
    };
    await tick();
    expect(props.note.value).toBe('Asked for a demo.');
    // The rep deletes it, then folds the panel and opens it again.
    props.note.value = '';
    await foldAndOpen(props);
    expect(props.note.value).toBe('');
    expect(container.querySelector('textarea')?.value).toBe('');
  });

  it('sits outside the one scrolling body, after it, with every verdict and the status, however long the brief', () => {
    const { container } = mount(MATCHED);
    const aside = container.querySelector('aside')!;
    const bodies = aside.querySelectorAll('.sr-panel__body');
    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    const bar = aside.querySelector('.sr-verdict')!;
    expect(body.textContent).toContain('Talking point number 120');
    expect(body.contains(bar)).toBe(false);
    expect(bar.parentElement).toBe(aside);
    expect(body.compareDocumentPosition(bar) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(bar.querySelectorAll('.sr-verdict__button')).toHaveLength(8);
    expect(bar.querySelector('.sr-verdict__status[role="status"]')).not.toBeNull();
    expect(bar.querySelector('h3')?.textContent).toBe('Your verdict on this lead');
    // The history, the campaign name and the report stay in the scrolling body.
    expect(aside.querySelector('h2')?.textContent).toBe('Hannover Messe 2026');
  });

  it('is the only part of the panel that does not scroll with the brief (panel.css)', () => {
    const css = readFileSync(join(__dirname, '../../../components/panel.css'), 'utf8').replace(
      /\/\*[\s\S]*?\*\//g,
      '',
    );
    const rule = (selector: string) =>
      [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)]
        .filter(([, selectors]) => selectors!.split(',').some((s) => s.trim() === selector))
        .map(([, , body]) => body)
        .join(';');
    expect(rule('.sr-panel')).toMatch(/overflow:\s*hidden/);
    expect(rule('.sr-panel__body')).toMatch(/overflow-y:\s*auto/);
    expect(rule('.sr-verdict')).toMatch(/flex:\s*none/);
    expect(rule('.sr-verdict')).not.toMatch(/overflow/);
    expect(rule('.sr-verdict__button')).toMatch(/white-space:\s*nowrap/);
    expect(rule('.sr-panel')).toContain(`min-width: ${PANEL_WIDTH.min}px`);
    // A long utm_campaign or reason breaks at the narrowest width instead of overflowing it.
    expect(rule('.sr-panel')).toMatch(/overflow-wrap:\s*anywhere/);
    expect(rule('.sr-signals dd')).toMatch(/min-width:\s*0/);
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\)/);
  });

  it('keeps the note and region one click away, and a written note is never folded out of sight', async () => {
    const { container, props } = mount(MATCHED);
    const toggle = container.querySelector<HTMLButtonElement>('.sr-verdict__more-toggle')!;
    const more = container.querySelector<HTMLElement>('#sr-verdict-more')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe('sr-verdict-more');
    const name = () => toggle.querySelector('.sr-visually-hidden')?.textContent;
    expect(name()).toBe('Note and region');
    // No aria-label: Playwright's getByLabel('Region') reads aria-label and must find the region alone.
    expect(toggle.hasAttribute('aria-label')).toBe(false);
    expect(more.hidden).toBe(true);
    toggle.click();
    await tick();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(more.hidden).toBe(false);
    expect(props.onLayout).toHaveBeenLastCalledWith({ closed: [], noteOpen: true });
    const note = more.querySelector('textarea')!;
    note.value = 'Half-typed';
    note.dispatchEvent(new Event('input'));
    toggle.click();
    await tick();
    expect(more.hidden).toBe(true);
    expect(props.note.value).toBe('Half-typed');
    expect(name()).toBe('Note and region (a note is written)');
    // The next lead's panel (or this one again) opens on a written note.
    render(null, container);
    const again = mount(MATCHED, { note: 'Half-typed' });
    expect(again.container.querySelector<HTMLElement>('#sr-verdict-more')!.hidden).toBe(false);
    expect(again.container.querySelector('textarea')!.value).toBe('Half-typed');
  });

  it('digits 1–8 pick a verdict from anywhere in the panel, but not while typing the note or choosing a region', async () => {
    const { container, props } = mount(MATCHED);
    key(fold(container, 'Talking points'), '3');
    expect(props.onVerdict).toHaveBeenLastCalledWith('tire_kicker', '', 'Iberia', []);
    key(container.querySelector('.sr-panel__body h2')!, '8');
    expect(props.onVerdict).toHaveBeenLastCalledWith('lost', '', 'Iberia', []);
    key(container.querySelector('.sr-verdict__more-toggle')!, '1');
    expect(props.onVerdict).toHaveBeenLastCalledWith('good_fit', '', 'Iberia', []);
    expect(props.onVerdict).toHaveBeenCalledTimes(3);
    key(container.querySelector('.sr-verdict textarea')!, '5');
    key(container.querySelector('.sr-verdict select')!, '6');
    expect(key(container.querySelector('aside')!, '9')).toBe(true);
    expect(props.onVerdict).toHaveBeenCalledTimes(3);
    // The focus on no element (the button that had it is gone): the keys reach the frame's body.
    (document.activeElement as HTMLElement | null)?.blur();
    await tick();
    key(document.body, '2');
    expect(props.onVerdict).toHaveBeenLastCalledWith('wrong_audience', '', 'Iberia', []);
    expect(props.onVerdict).toHaveBeenCalledTimes(4);
  });

  it.each(['en', 'es'] as const)(
    'in %s, shows short labels whatever the width, with the full verdict as name and tooltip',
    (language) => {
      setLanguage(language);
      const labels = (width: number) => {
        const { container } = mount(MATCHED, { prefs: { width, collapsed: false } });
        const buttons = [...container.querySelectorAll<HTMLButtonElement>('.sr-verdict__button')];
        const seen = buttons.map((b) => [b.textContent, b.getAttribute('aria-label'), b.title]);
        render(null, container);
        return seen;
      };
      const narrow = labels(PANEL_WIDTH.min);
      expect(labels(PANEL_WIDTH.max)).toEqual(narrow);
      for (const [index, [text, name, title]] of narrow.entries()) {
        const short = text!.replace(/^\d /, '');
        expect(text).toBe(`${index + 1} ${short}`);
        expect(short.length).toBeLessThanOrEqual(12);
        // The name holds what the button shows (WCAG 2.5.3: voice control), and the full verdict.
        expect(name!.toLowerCase()).toContain(short.toLowerCase());
        expect(name).toContain(verdictLabel(VERDICTS[index]!));
        expect(title).toBe(verdictLabel(VERDICTS[index]!));
      }
      if (language === 'en') {
        expect(narrow.map(([, name]) => name)).toEqual([
          '1 Good fit',
          '2 Wrong aud.: Wrong audience',
          '3 Tire-kicker (price only)',
          '4 Not ready',
          '5 Bad data: Bad contact data',
          '6 Spam / fake',
          '7 Won',
          '8 Lost',
        ]);
        expect(narrow.map(([text]) => text)).toEqual([
          '1 Good fit',
          '2 Wrong aud.',
          '3 Tire-kicker',
          '4 Not ready',
          '5 Bad data',
          '6 Spam',
          '7 Won',
          '8 Lost',
        ]);
      }
    },
  );
});

describe('folding sections', () => {
  it('folds a section by its heading button and tells the panel to remember it', async () => {
    const { container, props } = mount(MATCHED);
    const why = fold(container, 'Why it exists');
    expect(why.parentElement?.tagName).toBe('H3');
    expect(why.type).toBe('button');
    expect(why.getAttribute('aria-expanded')).toBe('true');
    const body = container.querySelector<HTMLElement>(`#${why.getAttribute('aria-controls')}`)!;
    expect(body.hidden).toBe(false);
    why.click();
    await tick();
    expect(why.getAttribute('aria-expanded')).toBe('false');
    expect(body.hidden).toBe(true);
    expect(props.onLayout).toHaveBeenLastCalledWith({ closed: ['why'], noteOpen: false });
    fold(container, 'Economics').click();
    await tick();
    expect(props.layout.value.closed).toEqual(['why', 'economics']);
    why.click();
    await tick();
    expect(props.layout.value.closed).toEqual(['economics']);
    expect(body.hidden).toBe(false);
  });

  it('starts with the sections the rep folded, the history among them', () => {
    const history: HistoryEntry[] = [
      {
        id: 'e1',
        verdict: 'won',
        note: null,
        region: 'Iberia',
        createdAt: '2026-11-22T09:00:00.000Z',
        status: 'sent',
        undoUntil: null,
        problem: null,
        replies: [],
      },
    ];
    const { container } = mount(MATCHED, {
      layout: { closed: ['points', 'history'], noteOpen: true },
      history,
    });
    const expanded = [...container.querySelectorAll('.sr-fold')].map((button) => [
      button.textContent,
      button.getAttribute('aria-expanded'),
    ]);
    expect(expanded).toEqual([
      ['Why it exists', 'true'],
      ['Who it is for', 'true'],
      ['Who it is not for', 'true'],
      ['Key message', 'true'],
      ['Offer', 'true'],
      ['Talking points', 'false'],
      ['What marketing wants to learn from you', 'true'],
      ['Economics', 'true'],
      ['How it is going', 'true'],
      ['Your verdicts on this lead', 'false'],
    ]);
    // Folded text is hidden, not gone.
    expect(container.querySelector('.sr-history')?.textContent).toContain('Won');
    expect(container.querySelector<HTMLElement>('#sr-verdict-more')!.hidden).toBe(false);
  });

  it('restores the folds from storage when the panel view opens again', async () => {
    // As entrypoints/panel/main.tsx does: the layout is read from storage and saved on every change.
    const open = async () => {
      const layout = signal(await loadPanelLayout(DEFAULT_LAYOUT));
      return mount(MATCHED, { layout: layout.value, onLayout: (next) => void savePanelLayout(next) });
    };
    const first = await open();
    fold(first.container, 'Key message').click();
    first.container.querySelector<HTMLButtonElement>('.sr-verdict__more-toggle')!.click();
    await vi.waitFor(async () =>
      expect(await loadPanelLayout(DEFAULT_LAYOUT)).toEqual({ closed: ['message'], noteOpen: true }),
    );
    render(null, first.container);

    const second = await open();
    expect(fold(second.container, 'Key message').getAttribute('aria-expanded')).toBe('false');
    expect(fold(second.container, 'Offer').getAttribute('aria-expanded')).toBe('true');
    expect(second.container.querySelector('.sr-verdict__more-toggle')?.getAttribute('aria-expanded')).toBe(
      'true',
    );
  });
});

describe('the folded panel', () => {
  it('is an activity bar: the mark, and a badge counting the unsent verdicts on this lead', () => {
    const held: HistoryEntry = {
      id: 'e1',
      verdict: 'good_fit',
      note: null,
      region: null,
      createdAt: '2026-11-22T09:00:00.000Z',
      status: 'held',
      undoUntil: null,
      problem: null,
      replies: [],
    };
    const { container } = mount(MATCHED, {
      prefs: { width: 340, collapsed: true },
      history: [held, { ...held, id: 'e2', status: 'pending' }, { ...held, id: 'e3', status: 'sent' }],
    });
    const bar = container.querySelector('.sr-panel__activity')!;
    expect(container.querySelector('.sr-panel__body, .sr-verdict, .sr-panel__header')).toBeNull();
    const toggle = bar.querySelector<HTMLButtonElement>('.sr-panel__toggle')!;
    expect(toggle.getAttribute('aria-label')).toBe('Expand the Sameroom panel');
    expect(toggle.querySelector('.sr-mark')).not.toBeNull();
    expect(toggle.querySelector('.sr-badge')?.textContent).toBe('2');
    const described = container.querySelector(`#${toggle.getAttribute('aria-describedby')}`);
    expect(described?.textContent).toBe('2 unsent verdicts on this lead');
  });
});
