import { leadKeyOf } from '../campaigns/lead-key';
import type { LeadContext } from '../crm';
import { inWords } from '../errors';
import { t } from '../i18n';
import type { Envelope, HistoryEntry, LeadView, Message } from '../messages';
import { singleFlight } from '../outbox/sync';
import type { PageQuestion, PanelAsk, PanelPush } from '../panel-port';
import type { PanelCommand } from '../platform/commands';
import { type Draft, type DraftKey, leadDraftKey, privateLeadDraftKey } from '../store/drafts';
import { type Wakers, wakeAll, wokenWithin } from '../wakers';

/** The few things of a `runtime.Port` the sessions use, so tests can hand in their own. */
export interface ViewPort {
  postMessage(message: PanelPush): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

export interface PanelSessionDeps {
  /** Answers a message as the background answers an extension page's (lib/background/router.ts). */
  ask(message: Message): Promise<Envelope<unknown>>;
  /** This lead's verdicts, as the outbox has them. */
  history(lead: LeadContext): Promise<HistoryEntry[]>;
  /** Asks the content script in the tab's top frame about its page; undefined when none answers. */
  askPage(tabId: number, question: PageQuestion): Promise<unknown>;
}

interface Session {
  lead: LeadContext | null;
  url: string;
  crmLabel: string;
  view: LeadView | null;
  /** The problem in words when the view could not be had. */
  error: string | null;
  ports: Set<ViewPort>;
  /** What the views were last sent about the history, to push only changes. */
  lastHistory: string;
  /** Each question for what to show is numbered; an answer older than the one shown is dropped. */
  asked: number;
  applied: number;
  /** How many times the page has told its lead (or been asked it on a view's connection). */
  told: number;
  /** The skeleton waiting to be pushed for a new record, unless what to show comes first. */
  skeleton?: ReturnType<typeof setTimeout>;
  /** Verdicts waiting for the session's lead and view (a worker just started is asking the page). */
  waiting: Wakers;
  /**
   * The tab is in a private window (incognito): its drafts are kept in memory alone
   * (`privateLeadDraftKey`), and shared only with the record's other private tabs.
   */
  private: boolean;
}

/**
 * How long a new record's skeleton waits for what to show. The background answers from memory within a
 * few ms, and a skeleton pushed first cost every move between records a second message and a second
 * render in the view; a slow answer (a worker just woken) still gets the skeleton.
 */
export const SKELETON_AFTER_MS = 100;

/**
 * How long a view's verdict waits for a worker that has just started (after the last one stopped or
 * died) to learn the tab's lead from its content script again, before it is refused.
 */
export const VIEW_WAIT_MS = 5_000;

/**
 * What the content script is answered for its lead: whether Sameroom is on there (the envelope) and the
 * lead's state, never the brief, its economics or the rep's name. The content script runs in the CRM
 * page's process, which the isolated view keeps every brief out of; the view is pushed the rest.
 */
export function toldPage(answer: Envelope<LeadView>): Envelope<Pick<LeadView, 'state'>> {
  return answer.ok ? { ok: true, reply: { state: answer.reply.state } } : answer;
}

const isPageLead = (raw: unknown): raw is { lead: LeadContext; url: string; label: string } =>
  typeof raw === 'object' &&
  raw !== null &&
  typeof (raw as { url?: unknown }).url === 'string' &&
  typeof (raw as { label?: unknown }).label === 'string' &&
  typeof (raw as { lead?: unknown }).lead === 'object';

/**
 * The panel views framed into CRM tabs, one session per tab. The content script reports the lead
 * (`lead` messages); the view, an extension page the CRM page cannot read, connects a port and gets
 * pushed what to show: the lead, the brief, the history and its changes. Nothing here polls.
 */
export class PanelSessions {
  private readonly sessions = new Map<number, Session>();

  constructor(
    private readonly deps: PanelSessionDeps,
    private readonly viewWaitMs = VIEW_WAIT_MS,
  ) {}

  private session(tabId: number): Session {
    let session = this.sessions.get(tabId);
    if (!session) {
      session = {
        lead: null,
        url: '',
        crmLabel: '',
        view: null,
        error: null,
        ports: new Set(),
        lastHistory: '',
        asked: 0,
        applied: 0,
        told: 0,
        waiting: new Set(),
        private: false,
      };
      this.sessions.set(tabId, session);
    }
    return session;
  }

  private push(session: Session, message: PanelPush, except?: ViewPort): void {
    for (const port of session.ports) {
      if (port === except) continue;
      try {
        port.postMessage(message);
      } catch {
        session.ports.delete(port);
      }
    }
  }

  private pushShow(session: Session): void {
    wakeAll(session.waiting);
    const state = session.error
      ? ({ kind: 'error', message: session.error } as const)
      : session.view
        ? ({ kind: 'view', view: session.view } as const)
        : ({ kind: 'loading' } as const);
    const history = session.view && 'history' in session.view ? session.view.history : undefined;
    if (history) session.lastHistory = JSON.stringify(history);
    this.push(session, {
      kind: 'show',
      lead: session.lead,
      url: session.url,
      crmLabel: session.crmLabel,
      state,
      ...(session.private ? { privateWindow: true as const } : {}),
    });
  }

  /**
   * The content script recognised a lead (or read more of it as the page rendered). A new record's view
   * follows when `shown` has it, and the skeleton only if that takes longer than SKELETON_AFTER_MS.
   */
  leadArrived(tabId: number, lead: LeadContext, url: string, crmLabel: string): number {
    const session = this.session(tabId);
    const asked = ++session.asked;
    session.told++;
    const sameRecord = session.lead !== null && leadKeyOf(session.lead) === leadKeyOf(lead);
    session.lead = lead;
    session.url = url;
    session.crmLabel = crmLabel;
    if (!sameRecord) {
      session.view = null;
      session.error = null;
      // A view moving to another record starts that record's history empty.
      session.lastHistory = '[]';
      clearTimeout(session.skeleton);
      session.skeleton = setTimeout(() => {
        if (session.asked === asked && session.applied < asked) this.pushShow(session);
      }, SKELETON_AFTER_MS);
    }
    return asked;
  }

  /**
   * What to show for the tab's lead, unless the tab has moved to another record since it was asked, or
   * a later question (numbered by `leadArrived` or `ask`) has been answered already.
   */
  shown(tabId: number, lead: LeadContext, answer: Envelope<LeadView>, asked?: number): void {
    const session = this.sessions.get(tabId);
    if (!session?.lead || leadKeyOf(session.lead) !== leadKeyOf(lead)) return;
    const number = asked ?? ++session.asked;
    if (number < session.applied) return;
    session.applied = number;
    clearTimeout(session.skeleton);
    session.view = answer.ok ? answer.reply : null;
    session.error = answer.ok ? null : answer.error;
    this.pushShow(session);
    // A view without its history (leadBrief) is on screen first; the history, read from the outbox,
    // follows it.
    const view = session.view;
    if (view && (view.state === 'matched' || view.state === 'noMatch') && !view.history) {
      // Pushed after this show whatever went before it: a badge pass that pushed the record's history
      // while the view still showed the record before found it dropped there, and the same text was
      // then not pushed again.
      session.lastHistory = '';
      void this.pushHistory(session).catch(() => undefined);
    }
  }

  /**
   * The answer to a content script's lead: shown, a failure too (the browser's database unreadable: the
   * panel stayed an empty strip, and refused verdicts for a tab with no lead on record). Off here (a CRM
   * switched off, a site removed): the content script takes its frame down, and the view shows nothing.
   */
  answered(tabId: number, lead: LeadContext, answer: Envelope<LeadView>, asked: number): void {
    if (answer.ok || !answer.off) this.shown(tabId, lead, answer, asked);
    else this.gone(tabId);
  }

  /** The tab left its record, or its page is no longer served: the view shows nothing. */
  gone(tabId: number): void {
    const session = this.sessions.get(tabId);
    if (session) this.forget(session);
  }

  private forget(session: Session): void {
    clearTimeout(session.skeleton);
    session.lead = null;
    session.view = null;
    session.error = null;
    this.pushShow(session);
  }

  closed(tabId: number): void {
    clearTimeout(this.sessions.get(tabId)?.skeleton);
    this.sessions.delete(tabId);
  }

  /** A keyboard command for the tab's panel. */
  command(tabId: number, command: PanelCommand): void {
    const session = this.sessions.get(tabId);
    if (session) this.push(session, { kind: 'command', command });
  }

  /**
   * A view connected from the tab: it is sent what the tab shows now, and the content script is asked
   * for its lead (a worker that was stopped has forgotten it; a page that changed has a new one).
   */
  connect(tabId: number, port: ViewPort, inPrivateWindow = false): void {
    const session = this.session(tabId);
    session.private = inPrivateWindow;
    session.ports.add(port);
    port.onDisconnect.addListener(() => session.ports.delete(port));
    port.onMessage.addListener((raw) => void this.request(tabId, port, raw));
    // A new view has no history yet, whatever earlier views were sent.
    session.lastHistory = '';
    // Nothing is shown before the page names its record: the tab's lead may be the page's before (a full
    // page load's view connects before its page has read the record, and the view was shown the record
    // left, a verdict clicked then was saved for it and a note typed went into its draft).
    const before = session.told;
    void this.deps.askPage(tabId, { sameroom: 'lead' }).then(async (answer) => {
      // The page told its record since it was asked: that tell's answer is shown to every view, this one too.
      if (session.told !== before) return;
      // No record on the page (yet): the one kept is a page's before.
      if (!isPageLead(answer)) {
        if (session.lead) this.forget(session);
        return;
      }
      const known = session.lead && leadKeyOf(session.lead) === leadKeyOf(answer.lead) && session.view;
      const asked = this.leadArrived(tabId, answer.lead, answer.url, answer.label);
      if (known) {
        this.pushShow(session);
        void this.pushHistory(session).catch(() => undefined);
        return;
      }
      const view = await this.deps.ask({ type: 'lead', lead: answer.lead });
      this.shown(tabId, answer.lead, view as Envelope<LeadView>, asked);
    });
  }

  /**
   * The briefs changed behind the pages (or the workspace went out of reach): each view is shown its
   * lead again, if what it would show differs.
   */
  async refreshViews(): Promise<void> {
    // Every tab with a lead, framed yet or not: a view that connects later is sent what the tab has.
    for (const [tabId, session] of this.sessions) {
      const lead = session.lead;
      if (!lead) continue;
      const asked = ++session.asked;
      const answer = (await this.deps.ask({ type: 'lead', lead })) as Envelope<LeadView>;
      const before = JSON.stringify(session.error ?? session.view);
      const after = JSON.stringify(answer.ok ? answer.reply : answer.error);
      if (before !== after) this.shown(tabId, lead, answer, asked);
    }
  }

  /**
   * After anything that may change verdicts (a click, an undo, a sync): each view gets its lead's
   * history. The background calls this whenever it refreshes the badge, which follows every change to
   * the outbox (entrypoints/background.ts); a view shows its own click's verdict itself. Asks while a
   * pass runs share one more pass after it.
   */
  readonly refreshHistory = singleFlight(() => this.pushHistories());

  private async pushHistories(): Promise<void> {
    for (const session of this.sessions.values()) await this.pushHistory(session);
  }

  /** The session's lead's history to its views, when it differs from what they were last sent. */
  private async pushHistory(session: Session): Promise<void> {
    const lead = session.lead;
    if (!lead || session.ports.size === 0) return;
    const entries = await this.deps.history(lead);
    const text = JSON.stringify(entries);
    if (text === session.lastHistory || session.lead !== lead) return;
    session.lastHistory = text;
    this.push(session, { kind: 'history', leadKey: leadKeyOf(lead), entries });
  }

  private async request(tabId: number, port: ViewPort, raw: unknown): Promise<void> {
    const ask = raw as PanelAsk;
    if (typeof ask !== 'object' || ask === null || typeof ask.id !== 'number') return;
    const envelope = await this.answer(tabId, port, ask).catch(
      (error: unknown): Envelope<unknown> => ({ ok: false, error: inWords(error) }),
    );
    try {
      port.postMessage({ kind: 'reply', id: ask.id, envelope });
    } catch {
      // The view went away meanwhile.
    }
  }

  /** The session's lead and view: at once, or once they come (within viewWaitMs), or nulls. */
  private async leadAndView(session: Session): Promise<{ lead: LeadContext | null; view: LeadView | null }> {
    const deadline = Date.now() + this.viewWaitMs;
    while (!(session.lead && session.view) && Date.now() < deadline) {
      await wokenWithin(session.waiting, deadline - Date.now());
    }
    return { lead: session.lead, view: session.view };
  }

  /** Where the session's tab keeps a lead's draft: in memory alone in a private window. */
  private draftKey(session: Session, leadKey: string): DraftKey {
    return session.private ? privateLeadDraftKey(leadKey) : leadDraftKey(leadKey);
  }

  /**
   * A lead's draft (null: none kept), to every view but `from` that keeps it where `session` does (the
   * record open in other tabs, private ones for a private tab's, the others for the others').
   */
  private pushDraft(session: Session, leadKey: string, draft: Draft | null, from: ViewPort): void {
    const pushed: PanelPush = { kind: 'draft', leadKey, draft: draft ?? { note: '', answers: {} } };
    for (const other of this.sessions.values())
      if (other.private === session.private) this.push(other, pushed, from);
  }

  /** The lead's draft as kept now for `session`'s tab, pushed to every view but `from` that shares it. */
  private async showDraftElsewhere(session: Session, leadKey: string, from: ViewPort): Promise<void> {
    const key = this.draftKey(session, leadKey);
    const kept = await this.deps.ask({ type: 'draft', key }).catch(() => null);
    if (kept?.ok) this.pushDraft(session, leadKey, kept.reply as Draft | null, from);
  }

  private async answer(tabId: number, from: ViewPort, ask: PanelAsk): Promise<Envelope<unknown>> {
    const session = this.session(tabId);
    switch (ask.kind) {
      case 'openOptions':
        return this.deps.ask({ type: 'openOptions' });
      case 'report': {
        const report = await this.deps.askPage(tabId, { sameroom: 'report' });
        return { ok: true, reply: typeof report === 'string' ? report : null };
      }
      case 'undo': {
        const undone = await this.deps.ask({
          type: 'undo',
          id: ask.verdictId,
          ...(session.private ? { draft: 'private' as const } : {}),
        });
        // Its note is back in the record's draft (the background put it there, and says whose): the
        // record open in other tabs shows it, or their next keystroke would write their older text over it.
        const leadKey = undone.ok ? (undone.reply as { leadKey?: string }).leadKey : undefined;
        if (leadKey) void this.showDraftElsewhere(session, leadKey, from);
        return undone;
      }
      // Any lead's: the view keeps the drafts of records the tab has moved away from, too.
      case 'draft':
        return this.deps.ask({ type: 'draft', key: this.draftKey(session, ask.leadKey) });
      case 'keepDraft': {
        const kept = await this.deps.ask({
          type: 'keepDraft',
          key: this.draftKey(session, ask.leadKey),
          draft: ask.draft,
        });
        // The same record open in other tabs: their views show it too, or they would write their older
        // text back over it, or send again a note this view has sent.
        if (kept.ok) this.pushDraft(session, ask.leadKey, ask.draft, from);
        return kept;
      }
      case 'forgetSent': {
        const kept = await this.deps.ask({
          type: 'forgetSent',
          key: this.draftKey(session, ask.leadKey),
          note: ask.note,
          answers: ask.answers,
        });
        // The record open in other tabs: their views show what is kept now.
        if (kept.ok) this.pushDraft(session, ask.leadKey, kept.reply as Draft | null, from);
        return kept;
      }
      // Only the tab's own lead: a view marks what it showed, never another record's replies.
      // A worker that has just started (a view connecting again as its tab is seen) knows the tab's lead
      // once its content script has answered: both wait for it, as a verdict does.
      case 'repliesSeen': {
        const { lead } = await this.leadAndView(session);
        if (!lead || leadKeyOf(lead) !== ask.leadKey) return { ok: false, error: t('errRecordMoved') };
        return this.deps.ask({ type: 'repliesSeen', leadKey: ask.leadKey });
      }
      case 'pick': {
        const { lead } = await this.leadAndView(session);
        if (!lead) return { ok: false, error: t('stateNoAnswer') };
        if (leadKeyOf(lead) !== ask.leadKey) return { ok: false, error: t('errRecordMoved') };
        const asked = ++session.asked;
        const answer = (await this.deps.ask({
          type: 'pick',
          lead,
          campaignId: ask.campaignId,
        })) as Envelope<LeadView>;
        // Refused (the pick could not be stored): the view says so beside the picker, and keeps the
        // panel it has; shown, the error took the whole panel, verdict bar included, until the next record.
        if (answer.ok) this.shown(tabId, lead, answer, asked);
        return answer;
      }
      case 'verdict': {
        // A worker that has just started knows the tab's lead once its content script has answered.
        const { lead, view } = await this.leadAndView(session);
        if (!lead || !view) return { ok: false, error: t('stateNoAnswer') };
        if (leadKeyOf(lead) !== ask.leadKey) return { ok: false, error: t('errRecordMoved') };
        const campaignId = view.state === 'matched' ? view.brief.id : null;
        // The view on its way to the rep's frame names another campaign than the one the rep looked at.
        if (ask.campaignId !== undefined && ask.campaignId !== campaignId)
          return { ok: false, error: t('errCampaignMoved') };
        const saved = await this.deps.ask({
          type: 'verdict',
          id: ask.verdictId,
          lead,
          url: session.url,
          campaignId,
          verdict: ask.verdict,
          ...(ask.note.trim() ? { note: ask.note } : {}),
          region: ask.region,
          ...(ask.answers?.some((a) => a.answer.trim()) ? { answers: ask.answers } : {}),
          draft: this.draftKey(session, ask.leadKey),
        });
        // The note is sent and taken out of the lead's draft: the record open in other tabs shows the
        // draft as it is now, so that it is not sent again from there, even when this view goes before
        // it writes its emptied box (its tab closed at the click).
        if (saved.ok) void this.showDraftElsewhere(session, ask.leadKey, from);
        return saved;
      }
      default:
        return { ok: false, error: t('errNotUnderstood') };
    }
  }
}

/**
 * The address a content script read its lead from, when it is on the page's own origin (a pushState
 * cannot leave it); the tab's address otherwise. Told within a single-page CRM's pushState, the lead is
 * the new record's while the tab still shows the one before, and a verdict carried that one's address.
 */
export function pageAddress(told: string | undefined, tab: string): string {
  if (!told) return tab;
  try {
    return new URL(told).origin === new URL(tab).origin ? told : tab;
  } catch {
    return tab;
  }
}
