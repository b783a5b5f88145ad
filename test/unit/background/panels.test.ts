import { describe, expect, it, vi } from 'vitest';
import { PanelSessions, SKELETON_AFTER_MS, toldPage, type ViewPort } from '../../../lib/background/panels';
import { leadKeyOf } from '../../../lib/campaigns/lead-key';
import type { LeadContext } from '../../../lib/crm';
import type { Envelope, HistoryEntry, LeadView, Message } from '../../../lib/messages';
import type { PanelAsk, PanelPush } from '../../../lib/panel-port';
import { brief } from '../../support/examples';

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: {},
};
const OTHER: LeadContext = { ...LEAD, recordId: '00Q5g00000B9z8yEAB' };
const URL_A = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
const URL_B = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000B9z8yEAB/view';
const BRIEF = brief();
const MATCHED: LeadView = {
  state: 'matched',
  brief: BRIEF,
  reason: { kind: 'pick' },
  cache: { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 },
  me: {
    member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana', role: 'rep', region: null },
    workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme', regions: [] },
  },
  setup: { regions: [], region: null },
  history: [],
};
const ENTRY: HistoryEntry = {
  id: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  verdict: 'good_fit',
  note: null,
  region: null,
  createdAt: '2026-11-22T09:00:00Z',
  status: 'held',
  undoUntil: '2026-11-22T09:00:10Z',
  problem: null,
  replies: [],
};

/** A view's port: what it was pushed, and a way to send it a request as the view would. */
function viewPort() {
  const pushed: PanelPush[] = [];
  let onMessage: (message: unknown) => void = () => undefined;
  let onDisconnect: () => void = () => undefined;
  const port: ViewPort = {
    postMessage: (message) => void pushed.push(message),
    onMessage: {
      addListener: (listener) => {
        onMessage = listener;
      },
    },
    onDisconnect: {
      addListener: (listener) => {
        onDisconnect = listener;
      },
    },
    disconnect: () => onDisconnect(),
  };
  const reply = async (ask: PanelAsk) => {
    onMessage(ask);
    await vi.waitFor(() => expect(pushed.some((p) => p.kind === 'reply' && p.id === ask.id)).toBe(true));
    return (pushed.find((p) => p.kind === 'reply' && p.id === ask.id) as { envelope: Envelope<unknown> })
      .envelope;
  };
  return { port, pushed, reply, close: () => onDisconnect() };
}

function sessions(page: unknown = null, viewWaitMs?: number) {
  const asked: Message[] = [];
  const ask = vi.fn(async (message: Message): Promise<Envelope<unknown>> => {
    asked.push(message);
    if (message.type === 'lead' || message.type === 'pick') return { ok: true, reply: MATCHED };
    if (message.type === 'verdict') return { ok: true, reply: ENTRY };
    return { ok: true, reply: { ok: true } };
  });
  const history = vi.fn(async (_lead: LeadContext) => [ENTRY]);
  const askPage = vi.fn(async (_tab: number, question: { sameroom: string }) =>
    question.sameroom === 'report' ? 'outline' : page,
  );
  return { panels: new PanelSessions({ ask, history, askPage }, viewWaitMs), asked, ask, history, askPage };
}

/** A plain verdict as the view asks for it. */
const GOOD_FIT: PanelAsk = {
  id: 1,
  kind: 'verdict',
  leadKey: leadKeyOf(LEAD),
  verdictId: ENTRY.id,
  verdict: 'good_fit',
  note: '',
  region: '',
};

const shows = (pushed: PanelPush[]) =>
  pushed.filter((p): p is Extract<PanelPush, { kind: 'show' }> => p.kind === 'show');

describe('the panel views, bound to their tabs', () => {
  it('answers a refused pick to the view, and keeps the panel it shows', async () => {
    const { panels, ask } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.shown(1, LEAD, { ok: true, reply: MATCHED }, panels.leadArrived(1, LEAD, URL_A, 'Salesforce'));
    const before = shows(view.pushed).length;
    ask.mockImplementation(async () => ({ ok: false, error: 'The pick could not be kept.' }));
    const answer = await view.reply({ id: 7, kind: 'pick', leadKey: leadKeyOf(LEAD), campaignId: BRIEF.id });
    expect(answer).toEqual({ ok: false, error: 'The pick could not be kept.' });
    expect(shows(view.pushed)).toHaveLength(before);
  });

  it('says a failed answer to the lead in the panel, and shows nothing where Sameroom is off', () => {
    const { panels } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    const asked = panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.answered(1, LEAD, { ok: false, error: 'The browser’s storage cannot be opened.' }, asked);
    expect(shows(view.pushed).at(-1)).toMatchObject({
      lead: LEAD,
      state: { kind: 'error', message: 'The browser’s storage cannot be opened.' },
    });
    const again = panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.answered(1, LEAD, { ok: false, error: 'Not allowed.', off: true }, again);
    expect(shows(view.pushed).at(-1)).toMatchObject({ lead: null });
  });

  it('shows a new record’s view to that tab only, without a skeleton first when it follows at once', () => {
    const { panels } = sessions();
    const mine = viewPort();
    const other = viewPort();
    panels.connect(1, mine.port);
    panels.connect(2, other.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    expect(shows(mine.pushed)).toHaveLength(1);
    expect(shows(mine.pushed)[0]).toMatchObject({
      lead: LEAD,
      crmLabel: 'Salesforce Lightning',
      state: { kind: 'view', view: { state: 'matched' } },
    });
    expect(shows(other.pushed)).toEqual([]);
  });

  it('shows the skeleton when what to show is slow to come, then the view', async () => {
    vi.useFakeTimers();
    try {
      const { panels } = sessions();
      const view = viewPort();
      panels.connect(1, view.port);
      panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
      expect(shows(view.pushed)).toEqual([]);
      await vi.advanceTimersByTimeAsync(SKELETON_AFTER_MS);
      expect(shows(view.pushed).at(-1)).toMatchObject({ lead: LEAD, state: { kind: 'loading' } });
      panels.shown(1, LEAD, { ok: true, reply: MATCHED });
      expect(shows(view.pushed).at(-1)).toMatchObject({ state: { kind: 'view' } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores what to show for a record the tab has left meanwhile', async () => {
    vi.useFakeTimers();
    try {
      const { panels } = sessions();
      const view = viewPort();
      panels.connect(1, view.port);
      panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
      panels.leadArrived(1, OTHER, URL_A, 'Salesforce Lightning');
      panels.shown(1, LEAD, { ok: true, reply: MATCHED });
      await vi.advanceTimersByTimeAsync(SKELETON_AFTER_MS);
      expect(shows(view.pushed).at(-1)).toMatchObject({ lead: OTHER, state: { kind: 'loading' } });
      expect(shows(view.pushed).some((p) => p.state.kind === 'view')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not flash the skeleton when the page says more about the same record', () => {
    const { panels } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    const before = view.pushed.length;
    panels.leadArrived(1, { ...LEAD, signals: { leadSource: 'Web' } }, URL_A, 'Salesforce Lightning');
    expect(view.pushed.length).toBe(before);
  });

  it('asks the page for its lead when a view connects (a stopped worker has forgotten it)', async () => {
    const { panels, askPage } = sessions({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    const view = viewPort();
    panels.connect(7, view.port);
    expect(askPage).toHaveBeenCalledWith(7, { sameroom: 'lead' });
    await vi.waitFor(() =>
      expect(shows(view.pushed).at(-1)).toMatchObject({ lead: LEAD, state: { kind: 'view' } }),
    );
  });

  it('shows a view that connects nothing of the page before until its page names the record (a full page load)', async () => {
    // The tab showed LEAD; the rep clicked through to another record, whose page loads in full: its view
    // connects before the new page's content script has read the record.
    let pageLead: unknown = null;
    const { panels, askPage } = sessions(null, 50);
    askPage.mockImplementation(async (_tab: number, _question: { sameroom: string }) => pageLead);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    const view = viewPort();
    panels.connect(1, view.port);
    await vi.waitFor(() => expect(askPage).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shows(view.pushed).filter((show) => show.lead !== null)).toEqual([]);
    expect(view.pushed.filter((push) => push.kind === 'history')).toEqual([]);
    // A verdict the view sends meanwhile is for no record the tab knows: it waits, then is refused.
    const refused = await view.reply(GOOD_FIT);
    expect(refused.ok).toBe(false);
    // The page tells its record: that one is shown.
    pageLead = { lead: OTHER, url: URL_B, label: 'Salesforce Lightning' };
    panels.leadArrived(1, OTHER, URL_B, 'Salesforce Lightning');
    panels.shown(1, OTHER, { ok: true, reply: MATCHED });
    expect(shows(view.pushed).at(-1)).toMatchObject({ lead: OTHER, state: { kind: 'view' } });
  });

  it('shows a view that connects while the briefs are refreshed behind the pages its record all the same', async () => {
    const { panels, askPage } = sessions();
    let answerPage: (answer: unknown) => void = () => undefined;
    askPage.mockImplementation(() => new Promise((resolve) => (answerPage = resolve)));
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    const view = viewPort();
    panels.connect(1, view.port);
    await panels.refreshViews(); // the same answer: nothing pushed
    answerPage({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    await vi.waitFor(() =>
      expect(shows(view.pushed).at(-1)).toMatchObject({ lead: LEAD, state: { kind: 'view' } }),
    );
  });

  it('pushes a record’s history after its view even when a badge pass pushed it before, while the view showed another', async () => {
    const { panels } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    panels.leadArrived(1, OTHER, URL_B, 'Salesforce Lightning');
    await panels.refreshHistory();
    const { history: _none, ...briefOnly } = MATCHED as Extract<LeadView, { state: 'matched' }>;
    panels.shown(1, OTHER, { ok: true, reply: briefOnly });
    const shown = view.pushed.findLastIndex((p) => p.kind === 'show' && p.lead === OTHER);
    await vi.waitFor(() =>
      expect(
        view.pushed.findLastIndex((p) => p.kind === 'history' && p.leadKey === leadKeyOf(OTHER)),
      ).toBeGreaterThan(shown),
    );
  });

  it("sends a verdict for the tab's own lead, address and campaign, whatever else the view says", async () => {
    const { panels, asked } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    const answer = await view.reply({
      id: 1,
      kind: 'verdict',
      leadKey: leadKeyOf(LEAD),
      verdictId: ENTRY.id,
      verdict: 'good_fit',
      note: '  ',
      region: 'Iberia',
      // A view cannot name another record: extra fields are not read.
      ...({ lead: OTHER } as object),
    } as PanelAsk);
    expect(answer).toEqual({ ok: true, reply: ENTRY });
    expect(asked.filter((message) => message.type === 'verdict').at(-1)).toEqual({
      type: 'verdict',
      id: ENTRY.id,
      lead: LEAD,
      url: URL_A,
      campaignId: BRIEF.id,
      verdict: 'good_fit',
      region: 'Iberia',
      // The lead's draft, forgotten once saved if it holds only what was sent.
      draft: `lead:${leadKeyOf(LEAD)}`,
    });
  });

  it("passes the rep's answers on with the verdict, and none when every answer is blank", async () => {
    const { panels, asked } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    const answers = [{ question: 'Did they mention a 2027 budget?', answer: 'Yes' }];
    const ask = {
      kind: 'verdict',
      leadKey: leadKeyOf(LEAD),
      verdictId: ENTRY.id,
      verdict: 'won',
      note: '',
      region: '',
    } as const;
    await view.reply({ id: 1, ...ask, answers });
    expect(asked.filter((message) => message.type === 'verdict').at(-1)).toMatchObject({
      type: 'verdict',
      verdict: 'won',
      answers,
    });
    await view.reply({ id: 2, ...ask, answers: [{ question: 'Q', answer: '  ' }] });
    expect(asked.filter((message) => message.type === 'verdict').at(-1)).not.toHaveProperty('answers');
  });

  it('refuses a verdict the view asked for the record the tab has just left, and stores nothing', async () => {
    const { panels, asked } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    // The page moves on before the view is told: its click was for LEAD.
    panels.leadArrived(
      1,
      OTHER,
      'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000B9z8yEAB/view',
      'Salesforce Lightning',
    );
    const answer = view.reply({ ...GOOD_FIT, note: 'about the first lead' });
    panels.shown(1, OTHER, { ok: true, reply: MATCHED });
    expect(await answer).toMatchObject({ ok: false, error: expect.stringMatching(/another record/) });
    expect(asked.some((message) => message.type === 'verdict')).toBe(false);
    const pick = await view.reply({ id: 2, kind: 'pick', leadKey: leadKeyOf(LEAD), campaignId: null });
    expect(pick).toMatchObject({ ok: false });
    expect(asked.some((message) => message.type === 'pick')).toBe(false);
  });

  it('refuses a verdict when the tab has no lead (none comes within the wait), with words', async () => {
    const { panels, asked } = sessions(null, 20);
    const view = viewPort();
    panels.connect(1, view.port);
    const answer = await view.reply(GOOD_FIT);
    expect(answer).toMatchObject({ ok: false, error: expect.any(String) });
    expect(asked.filter((m) => m.type === 'verdict')).toEqual([]);
  });

  it('holds a verdict a view sends a worker that has just started until the page has told it the lead', async () => {
    // The worker stopped; the view connected again and sent its verdict at once. The new worker asks
    // the content script for the tab's lead, which answers a moment later.
    let answerPage: (lead: unknown) => void = () => undefined;
    const { panels, asked, askPage } = sessions();
    askPage.mockImplementation(() => new Promise((resolve) => (answerPage = resolve)));
    const view = viewPort();
    panels.connect(1, view.port);
    const answer = view.reply(GOOD_FIT);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(asked.filter((m) => m.type === 'verdict')).toEqual([]);
    answerPage({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    expect(await answer).toEqual({ ok: true, reply: ENTRY });
    expect(asked.filter((m) => m.type === 'verdict')).toMatchObject([
      { id: ENTRY.id, lead: LEAD, campaignId: BRIEF.id },
    ]);
  });

  it('shows a view that came without its history first, then pushes that history', async () => {
    const { panels } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    const { history: _none, ...briefOnly } = MATCHED as Extract<LeadView, { state: 'matched' }>;
    panels.shown(1, LEAD, { ok: true, reply: briefOnly });
    const shown = view.pushed.findIndex((p) => p.kind === 'show' && p.state.kind === 'view');
    expect(shown).toBeGreaterThan(-1);
    await vi.waitFor(() => expect(view.pushed.some((p) => p.kind === 'history')).toBe(true));
    const history = view.pushed.findIndex((p) => p.kind === 'history');
    expect(history).toBeGreaterThan(shown);
    expect(view.pushed[history]).toMatchObject({ entries: [ENTRY] });
  });

  it('sends a view that connects later its lead’s history, whatever earlier views were sent', async () => {
    const { panels } = sessions({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    const first = viewPort();
    panels.connect(1, first.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    const { history: _none, ...briefOnly } = MATCHED as Extract<LeadView, { state: 'matched' }>;
    panels.shown(1, LEAD, { ok: true, reply: briefOnly });
    await panels.refreshHistory();
    expect(first.pushed.filter((p) => p.kind === 'history')).toHaveLength(1);
    first.close();
    const reloaded = viewPort();
    panels.connect(1, reloaded.port);
    await vi.waitFor(() =>
      expect(reloaded.pushed.find((p) => p.kind === 'history')).toMatchObject({ entries: [ENTRY] }),
    );
  });

  it('pushes a lead’s history only when it changed, and not to views that left', async () => {
    const { panels, history } = sessions();
    const view = viewPort();
    panels.connect(1, view.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    await panels.refreshHistory();
    await panels.refreshHistory();
    expect(view.pushed.filter((p) => p.kind === 'history')).toHaveLength(1);
    view.close();
    history.mockResolvedValue([{ ...ENTRY, status: 'sent' }]);
    await panels.refreshHistory();
    expect(view.pushed.filter((p) => p.kind === 'history')).toHaveLength(1);
  });

  it('passes a keyboard command to the tab’s view, and the page’s report to the view that asks', async () => {
    const { panels } = sessions();
    const view = viewPort();
    panels.connect(3, view.port);
    panels.command(3, 'focus-verdicts');
    expect(view.pushed).toContainEqual({ kind: 'command', command: 'focus-verdicts' });
    expect(await view.reply({ id: 9, kind: 'report' })).toEqual({ ok: true, reply: 'outline' });
  });

  it('marks the replies of its tab’s own lead seen for a view, never another record’s', async () => {
    const { panels, asked } = sessions({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    panels.leadArrived(5, LEAD, URL_A, 'Salesforce Lightning');
    const view = viewPort();
    panels.connect(5, view.port);
    await view.reply({ id: 1, kind: 'repliesSeen', leadKey: leadKeyOf(LEAD) });
    expect(asked).toContainEqual({ type: 'repliesSeen', leadKey: leadKeyOf(LEAD) });
    expect(await view.reply({ id: 2, kind: 'repliesSeen', leadKey: leadKeyOf(OTHER) })).toMatchObject({
      ok: false,
    });
    expect(asked.filter((message) => (message as { type: string }).type === 'repliesSeen')).toHaveLength(1);
  });

  it('marks them seen for a view that connects to a new worker before the page has named its lead, and picks there too', async () => {
    const { panels, asked } = sessions({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    const view = viewPort();
    // A view out of sight connects as its tab is seen again, and says at once what it had shown.
    panels.connect(6, view.port);
    expect(await view.reply({ id: 1, kind: 'repliesSeen', leadKey: leadKeyOf(LEAD) })).toMatchObject({
      ok: true,
    });
    expect(asked).toContainEqual({ type: 'repliesSeen', leadKey: leadKeyOf(LEAD) });
    const other = viewPort();
    panels.connect(7, other.port);
    expect(
      await other.reply({ id: 2, kind: 'pick', leadKey: leadKeyOf(LEAD), campaignId: null }),
    ).toMatchObject({ ok: true });
  });

  it('keeps and reads a draft for any lead the view names, as the background keeps drafts', async () => {
    const { panels, asked } = sessions();
    const view = viewPort();
    panels.connect(4, view.port);
    const draft = { note: 'Call back after the fair.', answers: {} };
    // The tab may be on another record by now: the view keeps the draft of the one it left, too.
    await view.reply({ id: 1, kind: 'keepDraft', leadKey: leadKeyOf(OTHER), draft });
    await view.reply({ id: 2, kind: 'draft', leadKey: leadKeyOf(LEAD) });
    expect(asked).toContainEqual({ type: 'keepDraft', key: `lead:${leadKeyOf(OTHER)}`, draft });
    expect(asked).toContainEqual({ type: 'draft', key: `lead:${leadKeyOf(LEAD)}` });
  });

  it('shows a draft kept in one view to every other view (the record open in another tab), not back to it', async () => {
    const { panels, ask } = sessions();
    const typing = viewPort();
    const sameTab = viewPort();
    const otherTab = viewPort();
    panels.connect(1, typing.port);
    panels.connect(1, sameTab.port);
    panels.connect(2, otherTab.port);
    const draft = { note: 'Budget approved.', answers: { 'Budget?': 'Q3' } };
    await typing.reply({ id: 1, kind: 'keepDraft', leadKey: leadKeyOf(LEAD), draft });
    const pushed = { kind: 'draft', leadKey: leadKeyOf(LEAD), draft };
    expect(sameTab.pushed).toContainEqual(pushed);
    expect(otherTab.pushed).toContainEqual(pushed);
    expect(typing.pushed.filter((push) => push.kind === 'draft')).toEqual([]);
    // Not kept (the browser's storage full): the other views keep what they show.
    ask.mockResolvedValueOnce({ ok: false, error: 'full' });
    await typing.reply({
      id: 2,
      kind: 'keepDraft',
      leadKey: leadKeyOf(LEAD),
      draft: { note: 'x', answers: {} },
    });
    expect(otherTab.pushed.filter((push) => push.kind === 'draft')).toHaveLength(1);
  });

  it('shows the lead’s draft as kept after a saved verdict to every other view, whatever the sending view does next', async () => {
    const { panels, ask } = sessions();
    const sending = viewPort();
    const otherTab = viewPort();
    panels.connect(1, sending.port);
    panels.connect(2, otherTab.port);
    panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(1, LEAD, { ok: true, reply: MATCHED });
    // The note went with the verdict: the lead's draft is empty now (the sending tab may close at once).
    ask.mockImplementation(async (message: Message) =>
      message.type === 'verdict' ? { ok: true, reply: ENTRY } : { ok: true, reply: null },
    );
    await sending.reply({ ...GOOD_FIT, note: 'Budget approved.' });
    await vi.waitFor(() =>
      expect(otherTab.pushed).toContainEqual({
        kind: 'draft',
        leadKey: leadKeyOf(LEAD),
        draft: { note: '', answers: {} },
      }),
    );
    expect(sending.pushed.filter((push) => push.kind === 'draft')).toEqual([]);
  });

  it('shows the lead’s draft with an undone verdict’s note back in it to every other view', async () => {
    const { panels, ask } = sessions();
    const undoing = viewPort();
    const otherTab = viewPort();
    panels.connect(1, undoing.port);
    panels.connect(2, otherTab.port);
    // The background put the note back in the record's draft as it answered the Undo (keepUndone).
    const back = { note: 'Budget approved.', answers: {} };
    ask.mockImplementation(async (message: Message) =>
      message.type === 'undo'
        ? { ok: true, reply: { undone: true, leadKey: leadKeyOf(LEAD) } }
        : { ok: true, reply: back },
    );
    await undoing.reply({ id: 1, kind: 'undo', verdictId: ENTRY.id });
    // Before, the other tab kept its older text, and its next keystroke wrote it over the note.
    await vi.waitFor(() =>
      expect(otherTab.pushed).toContainEqual({ kind: 'draft', leadKey: leadKeyOf(LEAD), draft: back }),
    );
    expect(undoing.pushed.filter((push) => push.kind === 'draft')).toEqual([]);
  });
});

describe('a tab in a private window (incognito)', () => {
  it('keeps, reads, forgets and sends its drafts under the private key, kept in memory alone', async () => {
    const { panels, asked } = sessions();
    const view = viewPort();
    panels.connect(4, view.port, true);
    panels.leadArrived(4, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(4, LEAD, { ok: true, reply: MATCHED });
    const draft = { note: 'Met at the fair.', answers: {} };
    const key = `private:lead:${leadKeyOf(LEAD)}`;
    await view.reply({ id: 1, kind: 'keepDraft', leadKey: leadKeyOf(LEAD), draft });
    await view.reply({ id: 2, kind: 'draft', leadKey: leadKeyOf(LEAD) });
    await view.reply({ id: 3, kind: 'forgetSent', leadKey: leadKeyOf(LEAD), note: 'Met', answers: [] });
    await view.reply({ ...GOOD_FIT, id: 4, note: 'Met at the fair.' });
    await view.reply({ id: 5, kind: 'undo', verdictId: ENTRY.id });
    expect(asked).toContainEqual({ type: 'keepDraft', key, draft });
    expect(asked).toContainEqual({ type: 'draft', key });
    expect(asked).toContainEqual({ type: 'forgetSent', key, note: 'Met', answers: [] });
    expect(asked).toContainEqual(expect.objectContaining({ type: 'verdict', draft: key }));
    expect(asked).toContainEqual({ type: 'undo', id: ENTRY.id, draft: 'private' });
    expect(JSON.stringify(asked)).not.toContain('"lead:');
    // The view is told, to say under the note box that it goes with the browser.
    expect(shows(view.pushed).length).toBeGreaterThan(0);
    expect(shows(view.pushed).every((push) => push.privateWindow === true)).toBe(true);
  });

  it('shares a draft with the record’s other private tabs only, and takes none from the others', async () => {
    const { panels } = sessions();
    const typing = viewPort();
    const otherPrivate = viewPort();
    const otherWindow = viewPort();
    panels.connect(1, typing.port, true);
    panels.connect(2, otherPrivate.port, true);
    panels.connect(3, otherWindow.port);
    const secret = { note: 'Private: their budget is 40k.', answers: {} };
    await typing.reply({ id: 1, kind: 'keepDraft', leadKey: leadKeyOf(LEAD), draft: secret });
    expect(otherPrivate.pushed).toContainEqual({ kind: 'draft', leadKey: leadKeyOf(LEAD), draft: secret });
    expect(otherWindow.pushed.filter((push) => push.kind === 'draft')).toEqual([]);
    // The other way: a draft typed in an ordinary window does not reach the private tabs.
    const plain = { note: 'Call back.', answers: {} };
    await otherWindow.reply({ id: 1, kind: 'keepDraft', leadKey: leadKeyOf(LEAD), draft: plain });
    expect(typing.pushed.filter((push) => push.kind === 'draft')).toEqual([]);
    expect(otherPrivate.pushed.filter((push) => push.kind === 'draft')).toHaveLength(1);
    panels.leadArrived(3, LEAD, URL_A, 'Salesforce Lightning');
    panels.shown(3, LEAD, { ok: true, reply: MATCHED });
    expect(shows(otherWindow.pushed).some((push) => 'privateWindow' in push)).toBe(false);
  });
});

describe('what the content script is told of its lead', () => {
  it('is whether Sameroom is on there and the lead’s state: no brief and no rep in the CRM page’s process', () => {
    const told = toldPage({ ok: true, reply: MATCHED });
    expect(told).toEqual({ ok: true, reply: { state: 'matched' } });
    expect(JSON.stringify(told)).not.toContain(BRIEF.name);
    expect(toldPage({ ok: false, error: 'Off here.', off: true })).toEqual({
      ok: false,
      error: 'Off here.',
      off: true,
    });
  });
});

describe('what to show, when the briefs change behind the pages', () => {
  it('updates a tab whose view has not connected yet, and never goes back to an older answer', async () => {
    const { panels } = sessions({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' });
    const asked = panels.leadArrived(1, LEAD, URL_A, 'Salesforce Lightning');
    const newer: LeadView = { ...MATCHED, brief: { ...BRIEF, keyMessage: 'Retrofit over one weekend.' } };
    // The revalidation's answer lands first; the lead message's older answer after it.
    panels.shown(1, LEAD, { ok: true, reply: newer }, asked + 1);
    panels.shown(1, LEAD, { ok: true, reply: MATCHED }, asked);
    const view = viewPort();
    panels.connect(1, view.port);
    await vi.waitFor(() =>
      expect(shows(view.pushed)[0]).toMatchObject({
        state: { kind: 'view', view: { brief: { keyMessage: 'Retrofit over one weekend.' } } },
      }),
    );
  });

  it('recomputes every tab with a lead when the briefs were revalidated', async () => {
    const { panels, ask } = sessions();
    panels.leadArrived(4, LEAD, URL_A, 'Salesforce Lightning');
    await panels.refreshViews();
    expect(ask).toHaveBeenCalledWith({ type: 'lead', lead: LEAD });
  });
});
