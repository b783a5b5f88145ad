import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Panel, type PanelPrefs, type PanelState } from '../../../components/Panel';
import { afterUndo, type SendState } from '../../../components/VerdictForm';
import type { LeadContext } from '../../../lib/crm';
import { setLanguage } from '../../../lib/i18n';
import { formatWhen } from '../../../lib/i18n/formats';
import type { CacheInfo, HistoryEntry } from '../../../lib/messages';
import { brief } from '../../support/examples';

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: { leadSource: 'Web' },
};
const CACHE: CacheInfo = { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 };
const VERDICT_SETUP = { setup: { regions: ['Iberia', 'DACH'], region: 'Iberia' }, history: [] };
const ME = {
  member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana', role: 'rep' as const, region: null },
  workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme', regions: [] },
};

function mount(state: PanelState, prefs: PanelPrefs = { width: 340, collapsed: false }) {
  const container = document.createElement('div');
  document.body.append(container);
  const props = {
    lead: signal<LeadContext | null>(LEAD),
    crmLabel: signal('Salesforce Lightning'),
    state: signal(state),
    prefs: signal(prefs),
    onPrefs: vi.fn((next: PanelPrefs) => {
      props.prefs.value = next;
    }),
    onOpenOptions: vi.fn(),
    onPick: vi.fn(),
    history: signal<HistoryEntry[]>([]),
    sending: signal<SendState>({ kind: 'idle' }),
    note: signal(''),
    onVerdict: vi.fn(
      async (
        _verdict: string,
        _note: string,
        _region: string,
        _answers: Array<{ question: string; answer: string }>,
      ) => true,
    ),
    onUndo: vi.fn(),
  };
  render(<Panel {...props} />, container);
  return { container, props };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the panel', () => {
  it('is a labelled landmark naming the CRM and the record type, loading at first', () => {
    const { container } = mount({ kind: 'loading' });
    expect(container.querySelector('aside')?.getAttribute('aria-label')).toBe('Sameroom: campaign brief');
    expect(container.textContent).toContain('Salesforce Lightning · Lead');
    expect(container.querySelector('[role="status"]')?.textContent).toBe('Loading…');
  });

  it('says it is not linked and offers the way to link', () => {
    const { container, props } = mount({ kind: 'view', view: { state: 'notLinked' } });
    expect(container.textContent).toContain('Not linked to a workspace');
    [...container.querySelectorAll('button')].find((b) => b.textContent === 'Open Sameroom options')?.click();
    expect(props.onOpenOptions).toHaveBeenCalledOnce();
  });

  it('shows the brief with why it matched, its economics and how it is going', () => {
    const shown = brief();
    const { container } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: shown,
        reason: { kind: 'utmCampaign', rule: 'hm26', signal: 'HM26' },
        cache: CACHE,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    const text = container.textContent ?? '';
    expect(container.querySelector('h2')?.textContent).toBe('Hannover Messe 2026');
    expect(text).toContain('Matched by utm_campaign “HM26”.');
    expect(text).toContain('Retrofit without stopping the line.');
    expect(text).toContain('Students, competitors, and distributors looking for margin.');
    expect(text).toContain('Payback under 14 months');
    expect(text).toContain('Did they mention a 2027 budget?');
    expect(text).toContain('5 of 12 sales needed');
    expect(text).toContain('31 leads judged');
    expect(text).toContain('Good fit: 12');
  });

  it('says a campaign past its break-even has paid for itself, not "14 of 12 sales needed"', () => {
    const shown = brief();
    const { container } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: { ...shown, stats: { ...shown.stats, won: 14 } },
        reason: { kind: 'utmCampaign', rule: 'hm26', signal: 'HM26' },
        cache: CACHE,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    expect(container.textContent).toContain('Paid for itself: 14 sales won, 12 needed');
    expect(container.textContent).not.toContain('of 12 sales needed');
    expect(container.querySelector('progress')?.getAttribute('aria-label')).toBe(
      'Paid for itself: 14 sales won, 12 needed',
    );
  });

  it('says when a campaign is paused or ended, and when it shows an offline cache', () => {
    const paused = brief({ status: 'paused' });
    const offline = {
      ...CACHE,
      offlineSince: '2026-11-22T10:00:00Z',
      problem: 'The workspace cannot be reached.',
    };
    const { container } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: paused,
        reason: { kind: 'pick' },
        cache: offline,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    expect(container.textContent).toContain('This campaign is paused.');
    expect(container.querySelector('.sr-panel__footer [role="status"]')?.textContent).toMatch(
      /^Offline — showing campaigns as of .+The workspace cannot be reached\.$/,
    );
  });

  it('names the day of an offline cache not read today, in a sentence that takes a day (Spanish)', () => {
    setLanguage('es');
    try {
      const { container } = mount({
        kind: 'view',
        view: {
          state: 'noMatch',
          cache: { ...CACHE, offlineSince: '2026-11-22T10:00:00Z', problem: 'Sin red.' },
          choices: [],
          ...VERDICT_SETUP,
        },
      });
      const line = container.querySelector('.sr-panel__footer [role="status"]')?.textContent ?? '';
      expect(line).toContain(`Sin conexión: campañas del ${formatWhen(CACHE.fetchedAt)}.`);
      expect(line).not.toContain('a las');
    } finally {
      setLanguage('en');
    }
  });

  /** The brief of a campaign the rep picked. */
  const pickedBrief = (): PanelState => ({
    kind: 'view',
    view: {
      state: 'matched',
      brief: brief(),
      reason: { kind: 'pick' },
      cache: CACHE,
      me: ME,
      ...VERDICT_SETUP,
    },
  });

  /** A lead no campaign matched, with one campaign to pick. */
  const NOTHING_MATCHED: PanelState = {
    kind: 'view',
    view: {
      state: 'noMatch',
      cache: CACHE,
      ...VERDICT_SETUP,
      choices: [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' }],
    },
  };

  it('shows the signals seen when nothing matched, and lets the rep pick a campaign', async () => {
    const { container, props } = mount(NOTHING_MATCHED);
    expect(container.textContent).toContain('No campaign matched this lead');
    expect(container.querySelector('dl')?.textContent).toBe('Lead sourceWeb');
    const select = container.querySelector('select')!;
    expect(select.title).toBe('');
    select.value = 'c1';
    select.dispatchEvent(new Event('change'));
    await tick();
    // Whole on hover, where the closed control cuts a long name.
    expect(select.title).toBe('Spring webinar — Webinar');
    container.querySelector<HTMLButtonElement>('.sr-pick button')!.click();
    expect(props.onPick).toHaveBeenCalledWith('c1');
  });

  it('takes the keyboard’s focus to the brief once a campaign is picked (the picker it was in is gone)', async () => {
    const { container, props } = mount(NOTHING_MATCHED);
    const select = container.querySelector('select')!;
    select.value = 'c1';
    select.dispatchEvent(new Event('change'));
    await tick();
    const pick = container.querySelector<HTMLButtonElement>('.sr-pick button')!;
    pick.focus();
    pick.click();
    props.state.value = pickedBrief();
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('sr-brief-name'));
  });

  it('takes the focus to the picker after Forget my pick, never to a verdict button (Enter would send it)', async () => {
    const { container, props } = mount(pickedBrief());
    const forget = [...container.querySelectorAll<HTMLButtonElement>('button')].find(
      (button) => button.textContent === 'Forget my pick',
    )!;
    forget.focus();
    props.state.value = NOTHING_MATCHED;
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('sr-pick-select'));
  });

  it('leaves the focus where the rep took it: a button that went after the rep clicked elsewhere puts nothing back', async () => {
    const { container, props } = mount(NOTHING_MATCHED);
    const pick = container.querySelector<HTMLButtonElement>('.sr-pick button')!;
    pick.focus();
    pick.blur(); // a click on text, or into the CRM page: the button still there
    props.state.value = pickedBrief();
    await tick();
    await tick();
    expect(document.activeElement).toBe(document.body);
  });

  it('renders page and remote text as text, never as markup', async () => {
    const hostile = brief({ name: '<img src=x onerror=alert(1)>', keyMessage: '<script>alert(1)</script>' });
    const { container, props } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: hostile,
        reason: { kind: 'pick' },
        cache: CACHE,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    props.crmLabel.value = '<b>bold</b>';
    await tick();
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('collapses to a strip with a badge and remembers it through onPrefs', async () => {
    const { container, props } = mount({
      kind: 'view',
      view: { state: 'noMatch', cache: CACHE, choices: [], ...VERDICT_SETUP },
    });
    const toggle = () => container.querySelector<HTMLButtonElement>('.sr-panel__toggle')!;
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    toggle().click();
    await tick();
    expect(props.onPrefs).toHaveBeenLastCalledWith({ width: 340, collapsed: true });
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(toggle().getAttribute('aria-label')).toBe('Expand the Sameroom panel');
    expect(container.querySelector('.sr-badge')?.textContent).toBe('?');
  });

  it('keeps the keyboard on the fold button as it folds and unfolds (a new element each time)', async () => {
    const { container } = mount({ kind: 'loading' });
    const toggle = () => container.querySelector<HTMLButtonElement>('.sr-panel__toggle')!;
    toggle().focus();
    toggle().click();
    await tick();
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle());
    toggle().click();
    await tick();
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(toggle());
    // Enter held on it: its repeats do not fold and unfold the panel again and again.
    const held = new KeyboardEvent('keydown', {
      key: 'Enter',
      repeat: true,
      bubbles: true,
      cancelable: true,
    });
    toggle().dispatchEvent(held);
    expect(held.defaultPrevented).toBe(true);
  });

  it('resizes from the keyboard within its bounds', async () => {
    const { container, props } = mount({ kind: 'loading' }, { width: 630, collapsed: false });
    const handle = container.querySelector<HTMLElement>('[role="separator"]')!;
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await tick();
    expect(props.onPrefs).toHaveBeenLastCalledWith({ width: 640, collapsed: false });
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await tick();
    expect(props.onPrefs).toHaveBeenLastCalledWith({ width: 624, collapsed: false });
  });

  describe('verdicts', () => {
    const buttons = (container: HTMLElement) => [
      ...container.querySelectorAll<HTMLButtonElement>('.sr-verdict__button'),
    ];
    const entry = (overrides: Partial<HistoryEntry> = {}): HistoryEntry => ({
      id: 'e1',
      verdict: 'tire_kicker',
      note: 'Only asked for the price.',
      region: 'Iberia',
      createdAt: '2026-11-22T09:00:00.000Z',
      status: 'held',
      undoUntil: new Date(Date.now() + 8_000).toISOString(),
      problem: null,
      replies: [],
      ...overrides,
    });

    it('shows the eight verdicts in order with their keys, and one click sends the note and the preset region', async () => {
      const { container, props } = mount(pickedBrief());
      expect(buttons(container).map((b) => b.getAttribute('aria-label'))).toEqual([
        '1 Good fit',
        '2 Wrong aud.: Wrong audience',
        '3 Tire-kicker (price only)',
        '4 Not ready',
        '5 Bad data: Bad contact data',
        '6 Spam / fake',
        '7 Won',
        '8 Lost',
      ]);
      expect(buttons(container).map((b) => b.getAttribute('aria-keyshortcuts'))).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
      ]);
      expect(container.querySelector<HTMLSelectElement>('.sr-verdict select')?.value).toBe('Iberia');
      const note = container.querySelector('textarea')!;
      note.value = 'Only asked for the price.';
      note.dispatchEvent(new Event('input'));
      buttons(container)[2]!.click();
      await tick();
      expect(props.onVerdict).toHaveBeenCalledWith('tire_kicker', 'Only asked for the price.', 'Iberia', []);
      expect(note.value).toBe('');
    });

    it('digits 1–8 pick a verdict while the panel has focus, but type into the note', async () => {
      const { container, props } = mount(pickedBrief());
      const aside = container.querySelector('aside')!;
      aside.dispatchEvent(new KeyboardEvent('keydown', { key: '7', bubbles: true }));
      expect(props.onVerdict).toHaveBeenCalledWith('won', '', 'Iberia', []);
      container
        .querySelector('textarea')!
        .dispatchEvent(new KeyboardEvent('keydown', { key: '8', bubbles: true }));
      expect(props.onVerdict).toHaveBeenCalledTimes(1);
    });

    it('opens the note box when the kept note arrives after the bar was shown, not after the rep folded it', async () => {
      const { container, props } = mount(pickedBrief());
      const box = container.querySelector<HTMLElement>('#sr-verdict-more')!;
      expect(box.hidden).toBe(true);
      // The lead's kept draft, read over the port after the view showed the lead.
      props.note.value = 'Asked for the reseller price list.';
      await tick();
      expect(box.hidden).toBe(false);
      // Folded by the rep over the note: another tab's change to it leaves it folded.
      container.querySelector<HTMLButtonElement>('.sr-verdict__more-toggle')!.click();
      await tick();
      expect(box.hidden).toBe(true);
      props.note.value = 'Asked for the reseller price list, twice.';
      await tick();
      expect(box.hidden).toBe(true);
    });

    it('a digit or Enter held down gives one verdict, not one per repeat', async () => {
      const { container, props } = mount(pickedBrief());
      const aside = container.querySelector('aside')!;
      aside.dispatchEvent(new KeyboardEvent('keydown', { key: '3', bubbles: true }));
      expect(props.onVerdict).toHaveBeenCalledTimes(1);
      props.history.value = [entry({ verdict: 'tire_kicker' })];
      props.sending.value = { kind: 'saved', id: 'e1' };
      await tick();
      for (let n = 0; n < 5; n++)
        aside.dispatchEvent(new KeyboardEvent('keydown', { key: '3', repeat: true, bubbles: true }));
      expect(props.onVerdict).toHaveBeenCalledTimes(1);
      // Enter's repeats on the focused button: their default (a click) is prevented.
      const held = new KeyboardEvent('keydown', {
        key: 'Enter',
        repeat: true,
        bubbles: true,
        cancelable: true,
      });
      buttons(container)[2]!.dispatchEvent(held);
      expect(held.defaultPrevented).toBe(true);
      const first = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
      buttons(container)[2]!.dispatchEvent(first);
      expect(first.defaultPrevented).toBe(false);
    });

    it('keeps the keyboard focus on the verdict pressed while it saves, and on it again after Undo', async () => {
      const { container, props } = mount(pickedBrief());
      const tireKicker = buttons(container)[2]!;
      tireKicker.focus();
      props.sending.value = { kind: 'saving' };
      await tick();
      // Not disabled (which drops the focus): marked so, and a second click meanwhile does nothing.
      expect(tireKicker.disabled).toBe(false);
      expect(tireKicker.getAttribute('aria-disabled')).toBe('true');
      expect(document.activeElement).toBe(tireKicker);
      buttons(container)[6]!.click();
      expect(props.onVerdict).not.toHaveBeenCalled();
      props.history.value = [entry({ verdict: 'tire_kicker' })];
      props.sending.value = { kind: 'saved', id: 'e1' };
      await tick();
      const undo = container.querySelector<HTMLButtonElement>('.sr-verdict__status button')!;
      // Inside the status live region, its countdown is not read out each second.
      expect(undo.getAttribute('aria-live')).toBe('off');
      undo.focus();
      props.sending.value = { kind: 'undone', verdict: 'tire_kicker', note: '', region: 'Iberia' };
      await tick();
      expect(document.activeElement).toBe(tireKicker);
    });

    it('keeps the note when saving fails, and says why', async () => {
      const { container, props } = mount(pickedBrief());
      props.onVerdict.mockResolvedValueOnce(false);
      const note = container.querySelector('textarea')!;
      note.value = 'Call back in May.';
      note.dispatchEvent(new Event('input'));
      buttons(container)[3]!.click();
      props.sending.value = { kind: 'error', message: "Sameroom's background did not answer." };
      await tick();
      expect(note.value).toBe('Call back in May.');
      expect(container.querySelector('[role="alert"]')?.textContent).toBe(
        "Sameroom's background did not answer.",
      );
    });

    it('says an Undo came too late, rather than leave the rep to think the verdict was taken back', async () => {
      const { container, props } = mount(pickedBrief());
      props.history.value = [entry()];
      props.sending.value = { kind: 'saved', id: 'e1' };
      await tick();
      // The background answered undone: false (sync had taken it as its window ended).
      props.sending.value = afterUndo(entry(), false)!;
      await tick();
      expect(container.querySelector('[role="alert"]')?.textContent).toBe(
        'Too late to undo: Tire-kicker (price only) had already gone to the outbox.',
      );
      expect(afterUndo(entry(), true)).toEqual({
        kind: 'undone',
        verdict: 'tire_kicker',
        note: 'Only asked for the price.',
        region: 'Iberia',
        answers: [],
      });
      expect(afterUndo(undefined, false)).toBeNull();
    });

    it('says Saved with Undo, then Sent, and lists the history with replies', async () => {
      const { container, props } = mount(pickedBrief());
      props.history.value = [entry()];
      props.sending.value = { kind: 'saved', id: 'e1' };
      await tick();
      const status = () => container.querySelector('.sr-verdict__status')?.textContent;
      expect(status()).toMatch(/^Saved\. Undo \([89] s\)$/);
      container.querySelector<HTMLButtonElement>('.sr-verdict__status button')!.click();
      expect(props.onUndo).toHaveBeenCalledWith('e1');
      props.history.value = [
        entry({
          status: 'sent',
          undoUntil: null,
          replies: [
            {
              id: 'r1',
              feedbackId: 'e1',
              author: { id: 'm1', name: 'Mara Jensen' },
              text: 'Thanks, we will tighten the targeting.',
              createdAt: '2026-11-22T10:00:00.000Z',
            },
          ],
        }),
      ];
      await tick();
      expect(status()).toBe('Sent to the workspace.');
      const history = container.querySelector('.sr-history')!.textContent;
      expect(history).toContain('Tire-kicker (price only)');
      expect(history).toContain('Only asked for the price.');
      expect(history).toContain('Mara Jensen: Thanks, we will tighten the targeting.');
      // What people wrote goes in its own direction (an Arabic or Hebrew reply beside a Latin name was
      // reordered with it): the reply isolated, the note's direction its own.
      expect(container.querySelector('.sr-reply bdi')?.textContent).toBe(
        'Thanks, we will tighten the targeting.',
      );
      expect(container.querySelector('.sr-history .sr-quote')?.getAttribute('dir')).toBe('auto');
    });

    it('keeps the note in the signal the content script holds per lead, through a reload of the view', async () => {
      const { container, props } = mount(pickedBrief());
      const note = container.querySelector('textarea')!;
      note.value = 'Half-typed thought';
      note.dispatchEvent(new Event('input'));
      expect(props.note.value).toBe('Half-typed thought');
      props.state.value = { kind: 'loading' };
      await tick();
      props.state.value = pickedBrief();
      await tick();
      expect(container.querySelector('textarea')!.value).toBe('Half-typed thought');
    });

    it('puts the note back after Undo', async () => {
      const { container, props } = mount(pickedBrief());
      props.sending.value = { kind: 'undone', verdict: 'spam', note: 'Looked fake.', region: 'DACH' };
      await tick();
      expect(container.querySelector('textarea')!.value).toBe('Looked fake.');
      expect(container.querySelector<HTMLSelectElement>('.sr-verdict select')!.value).toBe('DACH');
      expect(container.querySelector('.sr-verdict__status')?.textContent).toContain('nothing was sent');
    });

    it('puts the note back after Undo before what the rep has written since, which stays', async () => {
      const { container, props } = mount(pickedBrief());
      const box = container.querySelector('textarea')!;
      box.value = 'A second thought, typed after Saved.';
      box.dispatchEvent(new Event('input'));
      props.sending.value = { kind: 'undone', verdict: 'spam', note: 'Looked fake.', region: 'DACH' };
      await tick();
      expect(container.querySelector('textarea')!.value).toBe(
        'Looked fake.\n\nA second thought, typed after Saved.',
      );
    });

    it('keeps every word of a note put back longer than a verdict takes, says how much to shorten, and sends nothing until it fits', async () => {
      const { container, props } = mount(pickedBrief());
      const box = () => container.querySelector('textarea')!;
      const since = `Typed after Saved: ${'y'.repeat(1_500)}`;
      box().value = since;
      box().dispatchEvent(new Event('input'));
      const undone = `Looked fake: ${'x'.repeat(1_900)}`;
      props.sending.value = { kind: 'undone', verdict: 'spam', note: undone, region: 'DACH' };
      await tick();
      // Before, the box held it whole but the kept draft and the verdict refused it (over 2,000).
      expect(box().value).toBe(`${undone}\n\n${since}`);
      const warning = [...container.querySelectorAll('.sr-warning')].find((el) =>
        el.textContent?.includes('characters'),
      );
      expect(warning?.textContent).toBe(
        `This note has ${(undone.length + 2 + since.length).toLocaleString()} characters; a verdict’s note holds up to ${(2_000).toLocaleString()}. Shorten it to send the verdict (it is kept meanwhile).`,
      );
      buttons(container)[0]!.click();
      await tick();
      await tick();
      expect(props.onVerdict).not.toHaveBeenCalled();
      expect(document.activeElement).toBe(box());
      box().value = 'Looked fake.';
      box().dispatchEvent(new Event('input'));
      await tick();
      expect(container.textContent).not.toContain('Shorten it');
      buttons(container)[0]!.click();
      await tick();
      expect(props.onVerdict).toHaveBeenCalledWith('good_fit', 'Looked fake.', 'DACH', []);
    });

    it('keeps what the rep typed while the verdict was saving', async () => {
      let finish: (saved: boolean) => void = () => undefined;
      const { container, props } = mount(pickedBrief());
      props.onVerdict.mockImplementation(() => new Promise<boolean>((resolve) => (finish = resolve)));
      const box = container.querySelector('textarea')!;
      box.value = 'Sent with the verdict.';
      box.dispatchEvent(new Event('input'));
      container.querySelector<HTMLButtonElement>('[data-verdict-key="1"]')!.click();
      await tick();
      box.value = 'Sent with the verdict. And one more thing';
      box.dispatchEvent(new Event('input'));
      finish(true);
      await tick();
      expect(props.note.value).toBe('Sent with the verdict. And one more thing');
    });

    describe("answers to marketing's questions", () => {
      const QUESTION = 'Did they mention a 2027 budget?';
      const mountWithAnswers = () => mount(pickedBrief());
      const answerBox = (container: HTMLElement) =>
        [...container.querySelectorAll<HTMLLabelElement>('.sr-answers label')]
          .find((label) => label.textContent?.includes(QUESTION))
          ?.querySelector('input');

      it("lists the brief's questions in the note's area, each with an optional one-line answer", async () => {
        const { container } = mountWithAnswers();
        const more = container.querySelector<HTMLElement>('#sr-verdict-more')!;
        expect(more.hidden).toBe(true);
        expect(more.querySelector('.sr-answers legend')?.textContent).toBe(
          'What marketing wants to learn (optional)',
        );
        const input = answerBox(container)!;
        expect(input.required).toBe(false);
        expect(input.maxLength).toBe(200);
        container.querySelector<HTMLButtonElement>('.sr-verdict__more-toggle')!.click();
        await tick();
        expect(more.hidden).toBe(false);
      });

      it('sends what was answered with the verdict and clears it once saved; one click still sends the verdict alone', async () => {
        const { container, props } = mountWithAnswers();
        buttons(container)[0]!.click();
        await tick();
        expect(props.onVerdict).toHaveBeenLastCalledWith('good_fit', '', 'Iberia', []);
        const input = answerBox(container)!;
        input.value = 'Yes, 50k in Q1';
        input.dispatchEvent(new Event('input'));
        buttons(container)[6]!.click();
        await tick();
        expect(props.onVerdict).toHaveBeenLastCalledWith('won', '', 'Iberia', [
          { question: QUESTION, answer: 'Yes, 50k in Q1' },
        ]);
        expect(answerBox(container)!.value).toBe('');
      });

      it('keeps a half-typed answer when saving fails, types digits into it, and marks the folded area as drafted', async () => {
        const { container, props } = mountWithAnswers();
        props.onVerdict.mockResolvedValueOnce(false);
        const input = answerBox(container)!;
        input.value = 'Maybe';
        input.dispatchEvent(new Event('input'));
        input.dispatchEvent(new KeyboardEvent('keydown', { key: '3', bubbles: true }));
        expect(props.onVerdict).not.toHaveBeenCalled();
        await tick();
        expect(container.querySelector('.sr-verdict__draft')).not.toBeNull();
        buttons(container)[3]!.click();
        await tick();
        expect(answerBox(container)!.value).toBe('Maybe');
      });

      it('takes its answers from the signal the view keeps per lead, and puts them back after Undo', async () => {
        const container = document.createElement('div');
        document.body.append(container);
        const answers = signal<Record<string, string>>({ [QUESTION]: 'Left from before' });
        const { props } = mount(pickedBrief());
        document.body.innerHTML = '';
        document.body.append(container);
        render(<Panel {...props} answers={answers} />, container);
        const more = container.querySelector<HTMLElement>('#sr-verdict-more')!;
        // A drafted answer opens the area, so the rep sees it before the next click.
        expect(more.hidden).toBe(false);
        expect(answerBox(container)!.value).toBe('Left from before');
        answers.value = {};
        props.sending.value = {
          kind: 'undone',
          verdict: 'spam',
          note: '',
          region: 'DACH',
          answers: [{ question: QUESTION, answer: 'No budget' }],
        };
        await tick();
        expect(answers.value).toEqual({ [QUESTION]: 'No budget' });
        expect(answerBox(container)!.value).toBe('No budget');
      });

      it('shows no questions when the lead matched no campaign', () => {
        const { container } = mount({
          kind: 'view',
          view: { state: 'noMatch', choices: [], cache: CACHE, ...VERDICT_SETUP },
        });
        expect(container.querySelector('.sr-answers')).toBeNull();
      });
    });
  });
});
