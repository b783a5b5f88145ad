import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { DEFAULT_LAYOUT, PANEL_WIDTH, Panel, type PanelPrefs, type PanelState } from '../../components/Panel';
import '../../components/panel.css';
import type { Answers } from '../../components/VerdictFields';
import { afterUndo, type SendState } from '../../components/VerdictForm';
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import type { LeadContext } from '../../lib/crm';
import { currentLanguage, t } from '../../lib/i18n';
import { warmFormats } from '../../lib/i18n/formats';
import type { Envelope, HistoryEntry } from '../../lib/messages';
import { VerdictIds } from '../../lib/outbox/verdict-ids';
import type { PanelPush, PanelRequest } from '../../lib/panel-port';
import {
  type AllPrefs,
  allPrefs,
  loadPanelLayout,
  savePanelLayout,
  savePanelPrefs,
  watchPanelPrefs,
} from '../../lib/platform/panel-prefs';
import { offerViewChannel, pushesInOrder, viewPortName } from '../../lib/platform/view-channel';
import type { Answer, Verdict } from '../../lib/protocol';
import { draftWasSent, withKeptNote, withUndone } from '../../lib/store/draft-text';
import type { Draft } from '../../lib/store/drafts';
import { type Wakers, wakeAll, wokenWithin } from '../../lib/wakers';
import './view.css';

/**
 * The panel as an isolated view: an extension page the content script frames into the CRM page. The
 * page's scripts cannot read it or click in it; it talks only to the background, over one port, which
 * pushes the lead, what to show, its history and keyboard commands.
 */
const DEFAULT_PREFS: PanelPrefs = { width: PANEL_WIDTH.default, collapsed: false };
const RECONNECT_MS = 200;

const lead = signal<LeadContext | null>(null);
const crmLabel = signal('');
const state = signal<PanelState>({ kind: 'loading' });
const prefs = signal<PanelPrefs>(DEFAULT_PREFS);
const layout = signal(DEFAULT_LAYOUT);
const history = signal<HistoryEntry[]>([]);
const sending = signal<SendState>({ kind: 'idle' });
/** The note and answers being typed, and those left unsent on other leads of this tab, by lead key. */
const note = signal('');
const answers = signal<Answers>({});
/**
 * The region the rep chose for the lead shown (null: none, its preset applies), and for the leads this
 * view showed before: folding the panel or going to another record and back reset it to the preset.
 */
const region = signal<string | null>(null);
const regionsChosen = new Map<string, string | null>();
/** `read`: the lead's kept draft had been read into the box when the view left it (see draftRead). */
const drafts = new Map<string, { draft: Draft; read: boolean }>();
/** The lead whose note and answers are being typed now; they are kept for it as they change. */
let draftKey: string | null = null;
/**
 * The lead whose kept draft has been read (or found to be none). Until then nothing is written for it:
 * a write of what this view has would replace what an earlier frame, or the browser before it crashed,
 * kept.
 */
let draftRead: string | null = null;
/**
 * What is kept for `draftKey` as this view knows it (written from here, or pushed from another tab on
 * the record): not written again, so a view shown another tab's text never echoes it back over what
 * the rep types there next. A box that differs holds typing not kept yet.
 */
let keptText: string | null = null;
const draftText = (draft: Draft) => JSON.stringify({ note: draft.note, answers: draft.answers });
/** What the box and the answers hold now. */
const shownDraft = (): Draft => ({ note: note.value, answers: answers.value });
let draftTimer: ReturnType<typeof setTimeout> | undefined;
const DRAFT_WRITE_MS = 150;
const writeDraft = () => {
  clearTimeout(draftTimer);
  draftTimer = undefined;
  if (!draftKey || draftRead !== draftKey) return;
  const draft = shownDraft();
  if (draftText(draft) !== keptText) keepDraft(draftKey, draft);
};
/**
 * Drafts not kept yet: sent again when the worker took the answer with it (once it is back), and
 * every KEEP_RETRY_MS while the browser refuses them (its storage full), until it takes them.
 */
const unkept = new Map<string, Draft>();
/** Why the last draft could not be kept (the browser's storage full): said under the note. */
const notKept = signal<string | null>(null);
/** The tab is in a private window (the background says so with what to show). */
const privateWindow = signal(false);
const KEEP_RETRY_MS = 3_000;
/** A failed read of the shown lead's draft is made again after this long, doubling up to the next. */
const DRAFT_READ_RETRY_MS = 1_000;
const DRAFT_READ_RETRY_MAX_MS = 10_000;
/** Whether a retry of the unkept drafts is due. */
let keepRetrying = false;

/**
 * What saved verdicts sent, to be taken out of the drafts of records this view has left (forgetSent):
 * asked again at the next connection when the worker went away with the question, as unkept drafts are.
 */
const forgets = new Map<string, { note: string; answers: Answer[] }>();

function askForget(key: string): void {
  const sent = forgets.get(key);
  if (!sent) return;
  void ask({ kind: 'forgetSent', leadKey: key, note: sent.note, answers: sent.answers }).then((answer) => {
    if (!('lost' in answer) && forgets.get(key) === sent) forgets.delete(key);
  });
}

/** Kept by the background, in its database: a browser that crashes or closes gives it back. */
function keepDraft(key: string, draft: Draft): void {
  unkept.set(key, draft);
  void ask({ kind: 'keepDraft', leadKey: key, draft }).then((answer) => {
    if ('lost' in answer) return;
    notKept.value = answer.ok ? null : answer.error;
    if (!answer.ok) {
      // Without it, a draft refused once stayed unkept after space was freed, until the next keystroke.
      if (!keepRetrying) {
        keepRetrying = true;
        setTimeout(() => {
          keepRetrying = false;
          for (const [again, unsaved] of unkept) keepDraft(again, unsaved);
        }, KEEP_RETRY_MS);
      }
      return;
    }
    if (unkept.get(key) === draft) unkept.delete(key);
    if (key === draftKey) keptText = draftText(draft);
  });
}

/**
 * Reads the draft kept for the lead now shown, and adds it to what is in the box: all of it when the
 * rep has typed nothing yet, and ahead of what they typed when they have (a frame that just loaded).
 * Asked again when the worker went away with the question, at the next connection.
 */
async function readDraft(key: string, retryMs = DRAFT_READ_RETRY_MS): Promise<void> {
  const answer = await ask<Draft | null>({ kind: 'draft', leadKey: key });
  // Read already: another tab's draft, pushed meanwhile, is newer than this answer (takeDraft).
  if (draftKey !== key || draftRead === key || 'lost' in answer) return;
  if (!answer.ok) {
    // A read that failed (the browser's database not open, once, after a restart) says nothing of what
    // is kept. Taken as "none", the rep's next keystroke was written over the draft kept before. Read
    // again; what is typed meanwhile stays in the box and goes after it, as with any read.
    setTimeout(() => void readDraft(key, Math.min(retryMs * 2, DRAFT_READ_RETRY_MAX_MS)), retryMs);
    return;
  }
  addKept(key, answer.reply);
}

/**
 * After the worker was gone: what another tab kept for the shown lead meanwhile was pushed to no one
 * here. Read again, it takes the place of the older text, as a push would have (takeDraft); without
 * it, this view's next keystroke wrote its older text over the other tab's.
 */
async function rereadDraft(key: string): Promise<void> {
  const known = keptText;
  const answer = await ask<Draft | null>({ kind: 'draft', leadKey: key });
  if (draftKey !== key || draftRead !== key || 'lost' in answer || !answer.ok) return;
  const stored = answer.reply ?? { note: '', answers: {} };
  // Unchanged since this view last knew it, or changed by this view itself meanwhile.
  if (keptText !== known || draftText(stored) === known || unkept.has(key)) return;
  takeDraft(key, stored);
}

/** The draft kept for the lead shown, added to what was typed in the box before it was read. */
function addKept(key: string, stored: Draft | null): void {
  draftRead = key;
  keptText = draftText(stored ?? { note: '', answers: {} });
  if (stored) {
    note.value = withKeptNote(note.value, stored.note);
    const typedAnswers = Object.entries(answers.value).filter(([, answer]) => answer !== '');
    answers.value = { ...stored.answers, ...Object.fromEntries(typedAnswers) };
  }
  // What the rep typed while it was read was not written: it is now, with the kept draft in it.
  writeDraft();
}

/**
 * What another view kept for a lead (the record open in another tab): it takes the place of the older
 * text this view shows, which would otherwise be written back over it or sent again. What was typed
 * here and not kept yet stays, after it, as a read adds it (see readDraft).
 */
function takeDraft(key: string, draft: Draft): void {
  if (key !== draftKey) {
    if (drafts.get(key)?.read) drafts.set(key, { draft, read: true });
    return;
  }
  if (draftRead === key && draftText(shownDraft()) === keptText) {
    note.value = '';
    answers.value = {};
  }
  addKept(key, draft);
}

/** Every CRM's width and fold: read once as the view loads (beside the port's first answer, not after
 * it), then kept in step by the storage watch. */
let knownPrefs: Promise<AllPrefs> = allPrefs().catch((): AllPrefs => ({}));

let port: ReturnType<typeof browser.runtime.connect> | null = null;
/** The worker went while this view was out of sight: it connects once seen (or asked: wake). */
let asleep = false;
let nextId = 1;
/** An answer, or none: the worker went away (stopped, crashed, updated) with the request, or before it. */
type Answered<T> = Envelope<T> | { ok: false; error: string; lost: true };
const waiting = new Map<number, (envelope: Answered<unknown>) => void>();
const lost = (): { ok: false; error: string; lost: true } => ({
  ok: false,
  error: t('stateNoAnswer'),
  lost: true,
});

function ask<T>(request: PanelRequest): Promise<Answered<T>> {
  const id = nextId++;
  wake();
  return new Promise((resolve) => {
    if (!port) {
      resolve(lost());
      return;
    }
    waiting.set(id, resolve as (envelope: Answered<unknown>) => void);
    try {
      port.postMessage({ ...request, id });
    } catch (error) {
      waiting.delete(id);
      resolve(lost());
      // A port whose other end went without a word (below): this answer is lost, the next one is not.
      // ("Attempting to use a disconnected port object" in Chromium, "Attempt to postMessage on
      // disconnected port" in Firefox; anything else leaves the port be.)
      if (/disconnected/i.test(String(error))) connectAgain();
    }
  });
}

/** How long a verdict whose answer was lost waits for the worker to be back on its lead, in all. */
const RESEND_WITHIN_MS = 10_000;
/** Verdicts waiting for the background to show a lead's brief again (after a worker restart). */
const briefShown: Wakers = new Set();
/** The lead whose brief the view last showed. */
let briefKey: string | null = null;

/** True once the background shows this lead's brief again (another lead's: the wait goes on), by `until`. */
async function briefShownAgain(key: string, until: number): Promise<boolean> {
  while (await wokenWithin(briefShown, until - Date.now())) if (briefKey === key) return true;
  return false;
}

/**
 * A verdict, asked until it has an answer. When the worker goes away with it (it may have stored it
 * or not), the same request, with the same id, is sent again once the background shows this lead's
 * brief again: the background stores an id once and answers a repeat with the first save, so the
 * verdict is stored once and the rep sees "Saved." instead of an error and a second click.
 */
async function askVerdict(request: Extract<PanelRequest, { kind: 'verdict' }>, key: string) {
  const until = Date.now() + RESEND_WITHIN_MS;
  for (;;) {
    const answer = await ask<HistoryEntry>(request);
    if (!('lost' in answer)) return answer;
    if (!(await briefShownAgain(key, until))) return answer;
  }
}

/**
 * The record the note box, history and verdict state were last set up for, as onShow begins: `lead` is
 * set only after the CRM's prefs are read (awaited on a first show), and a second show of the same record
 * meanwhile, compared with `lead`, was taken for a move to another record: the history and the note box
 * were emptied again, and the history (already pushed) never came back.
 */
let setUpFor: string | null = null;

async function onShow(push: Extract<PanelPush, { kind: 'show' }>): Promise<void> {
  const previous = lead.value;
  const next = push.lead;
  if (!next) {
    lead.value = null;
    setUpFor = null;
    return;
  }
  const previousKey = setUpFor;
  setUpFor = leadKeyOf(next);
  if (leadKeyOf(next) !== previousKey) {
    history.value = [];
    sending.value = { kind: 'idle' };
    pickProblem.value = null;
    if (previousKey) regionsChosen.set(previousKey, region.value);
    region.value = regionsChosen.get(leadKeyOf(next)) ?? null;
    if (previousKey)
      drafts.set(previousKey, {
        draft: shownDraft(),
        read: draftRead === previousKey,
      });
    if (draftTimer !== undefined) writeDraft();
    const key = leadKeyOf(next);
    const cached = drafts.get(key);
    draftKey = key;
    draftRead = cached?.read ? key : null;
    keptText = cached?.read ? draftText(cached.draft) : null;
    note.value = cached?.draft.note ?? '';
    answers.value = cached?.draft.answers ?? {};
    // A frame the CRM dropped and the content script put back is a new view, and a browser started
    // again a new page: the draft is in the background's database. A lead left before its read was
    // answered is read again, with what was typed on it meanwhile kept after the kept note.
    if (!cached?.read) void readDraft(key);
  }
  if (next.crm !== previous?.crm) prefs.value = (await knownPrefs)[next.crm] ?? DEFAULT_PREFS;
  lead.value = next;
  crmLabel.value = push.crmLabel;
  state.value = push.state;
  if (push.state.kind === 'view') {
    briefKey = leadKeyOf(next);
    wakeAll(briefShown);
  }
  const shownHistory =
    push.state.kind === 'view' && 'history' in push.state.view ? push.state.view.history : undefined;
  if (shownHistory) history.value = shownHistory;
}

/**
 * Moving from one record to another, the skeleton waits for the next frame: the brief from the cache
 * usually comes before it, and drawing the skeleton first would hold the brief back by a whole render.
 * Without the brief by then, the skeleton is drawn, still within a frame.
 */
let skeletonFrame = 0;
/** The record of the latest 'show', from the moment it arrives: its history (pushed after it) is taken
 * even before `lead` is set, which waits for the CRM's prefs. */
let shownKey: string | null = null;

function onPush(push: PanelPush): void {
  switch (push.kind) {
    case 'show':
      privateWindow.value = push.privateWindow === true;
      // A worker started again has forgotten what this view shows, and its skeleton came for the record
      // on screen: the brief stays until its answer, and so does the note box the rep may be typing in.
      if (
        push.state.kind === 'loading' &&
        push.lead &&
        state.value.kind === 'view' &&
        lead.value &&
        leadKeyOf(push.lead) === leadKeyOf(lead.value)
      )
        return;
      shownKey = push.lead && leadKeyOf(push.lead);
      cancelAnimationFrame(skeletonFrame);
      if (push.state.kind === 'loading' && push.lead && lead.value) {
        skeletonFrame = requestAnimationFrame(() => void onShow(push));
        return;
      }
      void onShow(push);
      return;
    case 'history':
      if (push.leadKey === shownKey) {
        // The verdict this view's bar says "Saved." for left the history: undone from another tab (its
        // history offers Undo too). The bar no longer speaks of a verdict that is not there.
        const bar = sending.value;
        if (
          bar.kind === 'saved' &&
          history.value.some((entry) => entry.id === bar.id) &&
          !push.entries.some((entry) => entry.id === bar.id)
        )
          sending.value = { kind: 'idle' };
        history.value = push.entries;
      }
      return;
    case 'draft':
      takeDraft(push.leadKey, push.draft);
      return;
    case 'reply':
      waiting.get(push.id)?.(push.envelope);
      waiting.delete(push.id);
      return;
    case 'command':
      command(push.command);
      return;
  }
}

function connect(): void {
  // Chromium: the background's pushes come over a channel of the view's own once it is paired, taken in
  // the order they were sent (lib/platform/view-channel.ts).
  const pushes = pushesInOrder(onPush);
  const channel = offerViewChannel(pushes.direct);
  const connected = browser.runtime.connect({ name: viewPortName(channel?.key ?? null) });
  port = connected;
  connected.onMessage.addListener((message) => pushes.runtime(message as PanelPush));
  // The worker stopped (or was updated): what was asked gets an answer, and the view connects again.
  let dropped = false;
  const drop = (): boolean => {
    if (dropped) return false;
    dropped = true;
    channel?.close();
    if (port === connected) port = null;
    for (const resolve of waiting.values()) resolve(lost());
    waiting.clear();
    return true;
  };
  connected.onDisconnect.addListener(() => {
    // Work the next worker must take: a request under way (a verdict clicked as the rep switched tabs),
    // drafts it did not answer for, a sent note to take out of a draft, a verdict waiting to go again.
    const owed = waiting.size > 0 || unkept.size > 0 || forgets.size > 0 || briefShown.size > 0;
    if (!drop()) return;
    // Chrome stops a worker idle for 30 s, open ports or not, and each view's new port starts it again:
    // a CRM tab left in the background kept the worker starting twice a minute all day. A view out of
    // sight and owing nothing connects once it is seen, or asked something.
    if (document.visibilityState === 'hidden' && !owed) asleep = true;
    else setTimeout(connect, RECONNECT_MS);
  });
  connectAgain = () => {
    if (!drop()) return;
    try {
      connected.disconnect();
    } catch {
      // Already gone.
    }
    // In a task of its own: a port dead from the start cannot make this a loop within one.
    setTimeout(connect, 0);
  };
  // What the last worker took with it: drafts it did not answer for, and the shown lead's kept draft.
  for (const [key, draft] of unkept) keepDraft(key, draft);
  for (const key of forgets.keys()) askForget(key);
  if (draftKey && draftRead !== draftKey) void readDraft(draftKey);
  else if (draftKey) void rereadDraft(draftKey);
}

/**
 * Drops the port and connects at once. Firefox tells a document kept in the back/forward cache nothing
 * of its port's end (the event page idled out meanwhile: `onDisconnect` fires only in an active
 * document), so a view brought back found its port dead at the rep's first click, and stayed so.
 */
let connectAgain: () => void = () => undefined;
function wake(): void {
  if (!asleep) return;
  asleep = false;
  connect();
}
/** A view that connects once seen, or asked something (ask). */
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') wake();
});
addEventListener('pageshow', (event) => {
  if (event.persisted) connectAgain();
});

function command(name: 'toggle-panel' | 'focus-verdicts'): void {
  const crm = lead.value?.crm;
  if (!crm) return;
  const collapsed = name === 'toggle-panel' ? !prefs.value.collapsed : false;
  prefs.value = { ...prefs.value, collapsed };
  void savePanelPrefs(crm, prefs.value);
  if (name === 'focus-verdicts') {
    // After the unfolded panel has rendered.
    setTimeout(() => document.querySelector<HTMLElement>('[data-verdict-key="1"]')?.focus(), 0);
  }
}

/** A verdict clicked again after its answer was lost for good goes with the same id: stored once. */
const verdictIds = new VerdictIds();

async function sendVerdict(
  verdict: Verdict,
  text: string,
  region: string,
  given: Answer[],
): Promise<boolean> {
  const current = lead.value;
  if (!current || state.value.kind !== 'view') return false;
  const key = leadKeyOf(current);
  sending.value = { kind: 'saving' };
  // The campaign too: clicked again under another one picked since, the first id (the background
  // answers a repeat with its first save) would have said "Saved" for the verdict on the first campaign.
  const shown = state.value.view;
  const campaign = shown.state === 'matched' ? shown.brief.id : null;
  const what = JSON.stringify([key, campaign, verdict, text, region, given]);
  const verdictId = verdictIds.idFor(what);
  const answer = await askVerdict(
    {
      kind: 'verdict',
      leadKey: key,
      verdictId,
      verdict,
      note: text,
      region,
      answers: given,
      campaignId: campaign,
    },
    key,
  );
  verdictIds.settle(what, verdictId, answer.ok);
  if (!lead.value || leadKeyOf(lead.value) !== key) {
    // The view moved to another record meanwhile: the box holds that record's note now, and keeps it.
    // Saved, what was sent is no longer a draft of the record it was sent for; refused, it still is.
    if (answer.ok) forgetSent(key, text, given);
    return false;
  }
  if (!answer.ok) {
    sending.value = { kind: 'error', message: answer.error };
    return false;
  }
  sending.value = { kind: 'saved', id: answer.reply.id };
  // The background forgets the sent draft on its disk (forgetSentDraft): what is kept is no longer what
  // this view last wrote, so the next write is made whatever it holds. Before, a note an Undo put back
  // within the 150 ms before the emptied box was written equalled the text last kept, was not written,
  // and the disk held no draft: a crash then lost it.
  keptText = null;
  // "Saved." first, on its own: the history list (and the undo countdown it feeds) renders a frame
  // later, so the click's answer is not held back by redrawing every verdict on this lead.
  const saved = answer.reply;
  requestAnimationFrame(() => {
    if (lead.value && leadKeyOf(lead.value) === leadKeyOf(current))
      history.value = [saved, ...history.value.filter((entry) => entry.id !== saved.id)];
  });
  return true;
}

/**
 * Drops what a saved verdict sent from the draft of the record the view has left, unless the rep has
 * written more since: the draft the view keeps for it, or the box itself when the view shows no record
 * now (a list page). What is on disk the background forgets after the save (`forgetSentDraft`), and
 * again after this view's own last write of it (made as it left the record, maybe after that forget),
 * only if the disk still holds just what was sent: an empty draft written from here went over what
 * the rep typed on the record in another tab meanwhile, whose push had not reached this view yet, and
 * that tab's box, shown the empty draft, lost it too.
 */
function forgetSent(key: string, text: string, given: Answer[]): void {
  const sent = { note: text, answers: given };
  const cached = drafts.get(key);
  if (cached) {
    if (!draftWasSent(cached.draft, sent)) return;
    drafts.delete(key);
    const waiting = unkept.get(key);
    if (waiting && draftWasSent(waiting, sent)) unkept.delete(key);
    forgets.set(key, sent);
    askForget(key);
  } else if (draftKey === key && draftWasSent(shownDraft(), sent)) {
    note.value = '';
    answers.value = {};
  }
}

/** Why the last pick was not taken (refused, or no answer however often asked), until the next. */
const pickProblem = signal<string | null>(null);

/** The rep's pick of the lead's campaign (null: forgotten), asked again as a verdict is when no answer came. */
async function pick(key: string, campaignId: string | null): Promise<void> {
  pickProblem.value = null;
  const until = Date.now() + RESEND_WITHIN_MS;
  let answer = await ask<unknown>({ kind: 'pick', leadKey: key, campaignId });
  while ('lost' in answer && (await briefShownAgain(key, until)))
    answer = await ask<unknown>({ kind: 'pick', leadKey: key, campaignId });
  // Answered or not, it was thrown away: a worker gone with it, or a refusal, changed nothing on screen.
  if (!answer.ok && lead.value && leadKeyOf(lead.value) === key) pickProblem.value = answer.error;
}

async function undo(id: string): Promise<void> {
  const entry = history.value.find((candidate) => candidate.id === id);
  const key = lead.value && leadKeyOf(lead.value);
  // Asked again, as a verdict is, when the worker went away with it: a repeat of an Undo that was done
  // is answered "undone", so the note comes back either way.
  const until = Date.now() + RESEND_WITHIN_MS;
  let answer = await ask<{ undone: boolean }>({ kind: 'undo', verdictId: id });
  while ('lost' in answer && key && (await briefShownAgain(key, until)))
    answer = await ask<{ undone: boolean }>({ kind: 'undo', verdictId: id });
  if (key && (!lead.value || leadKeyOf(lead.value) !== key)) {
    // The view moved to another record while Undo was asked: the verdict's note goes back to the draft
    // of the record it was for, not into the box of this one (where the next click would send it).
    if (answer.ok && answer.reply.undone && entry) giveBack(key, entry);
    return;
  }
  if (!answer.ok) {
    sending.value = { kind: 'error', message: answer.error };
    return;
  }
  if (answer.reply.undone) history.value = history.value.filter((candidate) => candidate.id !== id);
  const after = afterUndo(entry, answer.reply.undone);
  if (after) sending.value = after;
}

/** An undone verdict's note and answers, back in the draft of the record the view has left. */
function giveBack(key: string, entry: HistoryEntry): void {
  const cached = drafts.get(key);
  // Unread, the background has put it in the draft on disk as it answered (keepUndone), and the view
  // reads it there when it comes back to the record: held here too, it came back twice beside a note
  // the disk held.
  if (!cached?.read) return;
  // Read, the box was what is on disk: written again with it, as the background did.
  const draft = withUndone(cached.draft, { note: entry.note ?? '', answers: entry.answers ?? [] });
  drafts.set(key, { draft, read: true });
  keepDraft(key, draft);
}

async function reportPage(): Promise<string | null> {
  const answer = await ask<string | null>({ kind: 'report' });
  return answer.ok ? answer.reply : null;
}

document.documentElement.lang = currentLanguage();
void loadPanelLayout(DEFAULT_LAYOUT).then((stored) => {
  layout.value = stored;
});
// The content script's resize handle saves the width; the view keeps its separator's value in step.
watchPanelPrefs((all) => {
  knownPrefs = Promise.resolve(all);
  const crm = lead.value?.crm;
  const mine = crm && all[crm];
  if (mine) prefs.value = mine;
});
// What the rep types is kept for the lead as they type (and forgotten once its verdict is saved, which
// empties both), and at once when the frame goes.
effect(() => {
  note.value;
  answers.value;
  if (!draftKey) return;
  clearTimeout(draftTimer);
  draftTimer = setTimeout(writeDraft, DRAFT_WRITE_MS);
});
addEventListener('pagehide', () => {
  if (draftTimer !== undefined) writeDraft();
});
connect();
// Formatters built while the background answers, not in the first render (the background has
// usually loaded ICU's locale data into this process already: lib/i18n/formats.ts).
warmFormats();

/**
 * The lead's replies were rendered in its open History: seen once this tab is in front (a reply pushed
 * to a tab in the background waits until the rep comes back to it).
 */
let repliesWaiting: string | null = null;
function repliesShown(): void {
  const current = lead.value;
  if (!current) return;
  const key = leadKeyOf(current);
  const mark = (shown: string) => {
    if (lead.value && leadKeyOf(lead.value) === shown) void ask({ kind: 'repliesSeen', leadKey: shown });
  };
  if (document.visibilityState === 'visible') {
    mark(key);
    return;
  }
  // One listener however many pushes come while the tab is behind: the latest lead shown is marked.
  const listening = repliesWaiting !== null;
  repliesWaiting = key;
  if (listening) return;
  document.addEventListener('visibilitychange', function shown() {
    if (document.visibilityState !== 'visible' || repliesWaiting === null) return;
    document.removeEventListener('visibilitychange', shown);
    const waiting = repliesWaiting;
    repliesWaiting = null;
    mark(waiting);
  });
}

render(
  <Panel
    lead={lead}
    crmLabel={crmLabel}
    state={state}
    prefs={prefs}
    onPrefs={(next) => {
      prefs.value = next;
      const crm = lead.value?.crm;
      if (crm) void savePanelPrefs(crm, next);
    }}
    layout={layout}
    onLayout={(next) => {
      layout.value = next;
      void savePanelLayout(next);
    }}
    onOpenOptions={() => void ask({ kind: 'openOptions' })}
    onPick={(campaignId) => {
      const current = lead.value;
      if (current) void pick(leadKeyOf(current), campaignId);
    }}
    pickProblem={pickProblem}
    onRepliesShown={repliesShown}
    history={history}
    sending={sending}
    note={note}
    notKept={notKept}
    privateWindow={privateWindow}
    answers={answers}
    region={region}
    onVerdict={sendVerdict}
    onUndo={(id) => void undo(id)}
    reportPage={reportPage}
  />,
  document.getElementById('app')!,
);
