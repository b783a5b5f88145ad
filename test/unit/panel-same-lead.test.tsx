/**
 * One lead open in two tabs (from an email and from a list view), as reps have it all day: the real
 * panel view (entrypoints/panel/main.tsx) loaded once per tab, each bound through its own port to the
 * background's sessions, which answer from the real router and an IndexedDB of their own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { PanelSessions, type ViewPort } from '../../lib/background/panels';
import { handleMessage } from '../../lib/background/router';
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import type { LeadContext } from '../../lib/crm';
import type { LeadView, Message, SenderInfo } from '../../lib/messages';
import { leadHistory } from '../../lib/outbox/outbox';
import type { PanelPush } from '../../lib/panel-port';
import { openSameroomDb } from '../../lib/store/db';
import { keepDraft, keptDraft, leadDraftKey } from '../../lib/store/drafts';
import { brief } from '../support/examples';
import { backgroundDeps, OURS } from './background/deps';
import { LINK } from './outbox/fake-workspace';

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: {},
};
const URL_A = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
const OTHER: LeadContext = { ...LEAD, recordId: '00Q5g00000Z9y8xEAB' };
const URL_OTHER = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000Z9y8xEAB/view';
const PANEL_VIEW: SenderInfo = { id: OURS.id, url: `${OURS.origin}panel.html`, hasTab: false };
const MATCHED: LeadView = {
  state: 'matched',
  brief: brief({ questionsForSales: [] }),
  reason: { kind: 'pick' },
  cache: { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 },
  me: { member: LINK.member, workspace: LINK.workspace },
  setup: { regions: [], region: null },
};

/** A port's two ends; what one posts reaches the other a task later, copied, as a browser's does. */
function wire() {
  const listeners = {
    view: [] as Array<(m: unknown) => void>,
    background: [] as Array<(m: unknown) => void>,
  };
  const gone: Array<() => void> = [];
  /** The view's listeners: told only when the worker goes (restart), not when a test ends. */
  const viewGone: Array<() => void> = [];
  let open = true;
  /** Why a message can no longer go: the worker's end went (as a browser says it). */
  const refusal = 'Attempting to use a disconnected port object';
  let ended = false;
  const deliver = (to: Array<(m: unknown) => void>, message: unknown) => {
    // The test ended: what the view, loaded for good in this document, still posts goes nowhere. A
    // refusal would have it connect again, in the next file's tests, through the fake browser's
    // getManifest, which throws there.
    if (ended) return;
    if (!open) throw new Error(refusal);
    const copy = structuredClone(message);
    setTimeout(() => {
      if (open) for (const listener of to) listener(copy);
    }, 0);
  };
  const close = () => {
    if (!open) return;
    open = false;
    for (const listener of gone) listener();
  };
  const background: ViewPort = {
    postMessage: (message) => deliver(listeners.view, message),
    onMessage: { addListener: (listener) => void listeners.background.push(listener) },
    onDisconnect: { addListener: (listener) => void gone.push(listener) },
    disconnect: close,
  };
  const view = {
    name: 'sameroom-panel',
    postMessage: (message: unknown) => deliver(listeners.background, message),
    onMessage: { addListener: (listener: (m: unknown) => void) => void listeners.view.push(listener) },
    onDisconnect: { addListener: (listener: () => void) => void viewGone.push(listener) },
    disconnect: close,
  };
  /** The service worker stopped: both ends are told, and the view connects again. */
  const restart = () => {
    close();
    for (const listener of viewGone) listener();
  };
  /** The worker's end went and the view was not told (Firefox, a page in the back/forward cache). */
  const die = close;
  /** The test ended: the view, loaded for good in this document, is heard no more. */
  const end = () => {
    ended = true;
    close();
  };
  return { background, view, close: end, die, restart };
}

let panels: PanelSessions;
const closers: Array<() => void> = [];
/**
 * The views' listeners on the window and the document, taken off as each test ends: a view stays loaded
 * in this thread's document (a module cannot be unloaded, and files share the thread), and a later
 * file's `pageshow` had every view left here connect again.
 */
const viewListeners: Array<() => void> = [];
/** The ports of the views opened, by tab: the newest last. */
const ports = new Map<number, Array<ReturnType<typeof wire>>>();
/** How many keepDraft requests to refuse next, as a browser with its storage full does. */
let refuseKeeps = 0;
/** How many draft reads to fail next, as a database that failed to open once after a restart does. */
let failReads = 0;
/** How many verdicts to store but answer with an error, as Firefox with its disk full did. */
let storedButFailed = 0;

beforeEach(async () => {
  for (const target of [window, document] as EventTarget[]) {
    const add = target.addEventListener.bind(target);
    vi.spyOn(target, 'addEventListener').mockImplementation((type, listener, options) => {
      viewListeners.push(() => target.removeEventListener(type, listener, options));
      add(type, listener, options);
    });
  }
  const db = await openSameroomDb();
  await db.put('link', LINK, 'current');
  // As entrypoints/background.ts: every change to the outbox reaches every view's history.
  const deps = backgroundDeps({ outboxChanged: () => void panels.refreshHistory() });
  panels = new PanelSessions({
    ask: async (message: Message) => {
      if (message.type === 'lead') return { ok: true, reply: MATCHED };
      if (message.type === 'draft' && failReads > 0) {
        failReads--;
        return { ok: false, error: 'The browser’s storage could not be opened.' };
      }
      if (message.type === 'keepDraft' && refuseKeeps > 0) {
        refuseKeeps--;
        return { ok: false, error: 'This browser has no room left to store it.' };
      }
      if (message.type === 'verdict' && storedButFailed > 0) {
        storedButFailed--;
        await handleMessage(message, PANEL_VIEW, deps);
        return { ok: false, error: 'This browser has no room left to store it.' };
      }
      return handleMessage(message, PANEL_VIEW, deps);
    },
    history: async (lead) => leadHistory(await openSameroomDb(), lead),
    askPage: async () => ({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' }),
  });
});

afterEach(() => {
  refuseKeeps = 0;
  failReads = 0;
  storedButFailed = 0;
  ports.clear();
  for (const close of closers.splice(0)) close();
  for (const off of viewListeners.splice(0)) off();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

/** A tab on the lead: its panel view loaded fresh, connected, and shown the lead with its brief. */
async function openTab(tabId: number) {
  const container = document.createElement('div');
  container.id = 'app';
  document.body.append(container);
  // Firefox's event page: no channel of the view's own, everything over the port.
  vi.spyOn(browser.runtime, 'getManifest').mockReturnValue({ background: {} } as never);
  vi.spyOn(browser.runtime, 'connect').mockImplementation(() => {
    const port = wire();
    closers.push(port.close);
    ports.set(tabId, [...(ports.get(tabId) ?? []), port]);
    panels.connect(tabId, port.background);
    return port.view as unknown as ReturnType<typeof browser.runtime.connect>;
  });
  vi.resetModules();
  await import('../../entrypoints/panel/main');
  container.id = `tab-${tabId}`;
  await vi.waitFor(() => expect(container.querySelector('.sr-verdict__button--good_fit')).not.toBeNull());
  const box = () => container.querySelector('textarea')!;
  return {
    box,
    /** What is said under the note. */
    warnings: () => [...container.querySelectorAll('.sr-warning')].map((warning) => warning.textContent),
    /** Its tab's service worker stops; the view connects again on its own. */
    restartWorker: () => ports.get(tabId)!.at(-1)!.restart(),
    type(text: string) {
      box().value = text;
      box().dispatchEvent(new Event('input', { bubbles: true }));
    },
    click(verdict: string) {
      container.querySelector<HTMLButtonElement>(`.sr-verdict__button--${verdict}`)!.click();
    },
    quotes: () => [...container.querySelectorAll('.sr-history .sr-quote')].map((quote) => quote.textContent),
    /** The verdict bar's Undo, of this view's own last click (the history offers one per held verdict). */
    undo() {
      [...container.querySelectorAll<HTMLButtonElement>('.sr-verdict button')]
        .find((button) => button.textContent?.startsWith('Undo'))!
        .click();
    },
  };
}

const kept = async () => (await keptDraft(await openSameroomDb(), leadDraftKey(leadKeyOf(LEAD))))?.note;
const saved = async () =>
  (await leadHistory(await openSameroomDb(), LEAD)).map((entry) => ({
    verdict: entry.verdict,
    note: entry.note,
  }));

/** As long as a rep takes to go from one tab to the other. */
const switchTabs = () => new Promise((resolve) => setTimeout(resolve, 300));
/** Where every word a rep typed must be: in a verdict saved, or in the draft the lead's next view opens. */
async function everything() {
  const next = await openTab(9);
  // The new view reads the lead's draft once shown: on a loaded machine the answer comes later.
  const stored = (await kept()) ?? '';
  await vi.waitFor(() => expect(next.box().value).toBe(stored), { timeout: 5_000 });
  return [...(await saved()).map((entry) => entry.note), next.box().value].join('\n');
}

describe('one lead open in two tabs', () => {
  it('shows what was typed in one tab in the other, and keeps both when the rep goes on there', async () => {
    const a = await openTab(1);
    const b = await openTab(2);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    await switchTabs();
    // The rep goes on typing after what the other tab shows (on a loaded machine the push may take
    // longer than the switch: waited for, not assumed).
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved.'));
    b.type(`${b.box().value} Wants a demo in May.`.trim());
    await vi.waitFor(async () => expect(await kept()).toContain('Wants a demo in May.'));
    await switchTabs();
    await vi.waitFor(() => expect(a.box().value).toBe('Budget approved. Wants a demo in May.'));
    expect(await everything()).toBe('Budget approved. Wants a demo in May.');
  });

  it('empties the other tab’s box of a note sent from one, so it is not sent again', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    const b = await openTab(2);
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved.'));
    a.click('good_fit');
    await vi.waitFor(() => expect(a.box().value).toBe(''));
    // The other tab's history shows the verdict, and its box no longer holds the note it took.
    await vi.waitFor(() => expect(b.quotes()).toEqual(['Budget approved.']));
    await switchTabs();
    await vi.waitFor(() => expect(b.box().value).toBe(''));
    // Another verdict from that tab goes without it.
    b.click('tire_kicker');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(2));
    expect(await saved()).toContainEqual({ verdict: 'tire_kicker', note: null });
  });

  it('keeps what the other tab added when one sends the note both showed', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    const b = await openTab(2);
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved.'));
    b.type('Budget approved. Ask for Jo, the plant manager.');
    await vi.waitFor(async () => expect(await kept()).toContain('Ask for Jo'));
    await switchTabs();
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    await switchTabs();
    expect(await everything()).toContain('Ask for Jo, the plant manager.');
  });

  it('keeps a note an Undo gives back at once, before the emptied box was written', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    a.click('good_fit');
    await vi.waitFor(() => expect(a.box().value).toBe(''));
    // Undone within the 150 ms before the emptied box is written (the background forgot the sent draft).
    await vi.waitFor(() => a.undo(), { interval: 1 });
    await vi.waitFor(() => expect(a.box().value).toBe('Budget approved.'));
    expect(await saved()).toEqual([]);
    // Before, the box equalled the text last kept and was not written: the disk held no draft.
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'), { timeout: 3_000 });
  });

  it('gives an undone note back without dropping what the other tab typed since', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    const b = await openTab(2);
    b.type('Wrong region, pass to DACH.');
    b.click('wrong_audience');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(2));
    b.type('Call again in June.');
    await vi.waitFor(async () => expect(await kept()).toBe('Call again in June.'));
    await switchTabs();
    a.undo();
    await vi.waitFor(async () =>
      expect(await saved()).toEqual([{ verdict: 'wrong_audience', note: 'Wrong region, pass to DACH.' }]),
    );
    // The undone note goes back into the lead's draft, after what the other tab typed since.
    await vi.waitFor(async () => expect(await kept()).toContain('Budget approved.'));
    const all = await everything();
    expect(all).toContain('Budget approved.');
    expect(all).toContain('Call again in June.');
  });

  it('takes back the other tab’s “Saved.” when its verdict is undone from this tab’s history', async () => {
    const a = await openTab(1);
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    const barOf = (tab: number) =>
      document.getElementById(`tab-${tab}`)!.querySelector('.sr-verdict__status')!;
    await vi.waitFor(() => expect(barOf(1).textContent).toMatch(/Saved/));
    await openTab(2);
    const undo = () =>
      document
        .getElementById('tab-2')!
        .querySelector<HTMLButtonElement>('.sr-history button[aria-label^="Undo"]');
    await vi.waitFor(() => expect(undo()).not.toBeNull());
    undo()!.click();
    await vi.waitFor(async () => expect(await saved()).toEqual([]));
    await vi.waitFor(() => expect(barOf(1).textContent).not.toMatch(/Saved/));
    expect(barOf(1).querySelector('button')).toBeNull();
  });

  it('takes what the other tab kept while its worker was away, rather than write its older text over it', async () => {
    const a = await openTab(1);
    const b = await openTab(2);
    a.type('Budget approved.');
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved.'));
    // Tab 2's worker restarts; meanwhile tab 1 keeps more, and its push reaches no view of tab 2.
    b.restartWorker();
    a.type('Budget approved. Ask for Jo.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved. Ask for Jo.'));
    // Connected again, tab 2 shows what was kept (before, it kept showing the older text, and the
    // rep's next keystroke there wrote it over tab 1's).
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved. Ask for Jo.'));
    b.type(`${b.box().value} Demo in May.`);
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved. Ask for Jo. Demo in May.'));
    expect(await everything()).toBe('Budget approved. Ask for Jo. Demo in May.');
  });
  it('keeps what the other tab typed when a view that left the record hears its verdict was saved', async () => {
    const a = await openTab(1);
    const b = await openTab(2);
    a.type('Budget approved.');
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved.'));
    // Tab 1's answers and drafts pushed to it are late, as on a loaded machine.
    const toA = ports.get(1)!.at(-1)!.background;
    const post = toA.postMessage;
    const held: PanelPush[] = [];
    toA.postMessage = (push) =>
      void (push.kind === 'reply' || push.kind === 'draft' ? held.push(push) : post(push));
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    // Tab 1 moves to another record before its "Saved" arrives; the rep types more on the lead in tab 2.
    panels.leadArrived(1, OTHER, URL_OTHER, 'Salesforce Lightning');
    panels.shown(1, OTHER, { ok: true, reply: MATCHED });
    b.type('Budget approved. Ask for Jo, the plant manager.');
    await vi.waitFor(async () =>
      expect(await kept()).toBe('Budget approved. Ask for Jo, the plant manager.'),
    );
    // The answers reach tab 1 first, then the draft pushes.
    toA.postMessage = post;
    for (const push of held.filter((p) => p.kind === 'reply').splice(0)) post(push);
    await switchTabs();
    for (const push of held.filter((p) => p.kind === 'draft')) post(push);
    await switchTabs();
    // Before, tab 1 wrote an empty draft for the lead it left: tab 2's text was gone from the disk, and
    // from tab 2's box, shown the empty draft.
    expect(await kept()).toBe('Budget approved. Ask for Jo, the plant manager.');
    expect(b.box().value).toBe('Budget approved. Ask for Jo, the plant manager.');
    expect(await everything()).toContain('Ask for Jo, the plant manager.');
  });
  it('takes the sent note out of the lead it left once its worker is back, when the worker went away with the question', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    const toA = ports.get(1)!.at(-1)!.background;
    const post = toA.postMessage;
    const held: PanelPush[] = [];
    toA.postMessage = (push) => void (push.kind === 'reply' ? held.push(push) : post(push));
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    await vi.waitFor(async () => expect(await kept()).toBeUndefined());
    // The view's write as it left the record, landing after the background forgot the sent draft.
    await keepDraft(
      await openSameroomDb(),
      leadDraftKey(leadKeyOf(LEAD)),
      { note: 'Budget approved.', answers: {} },
      new Date(),
    );
    panels.leadArrived(1, OTHER, URL_OTHER, 'Salesforce Lightning');
    panels.shown(1, OTHER, { ok: true, reply: MATCHED });
    // The worker goes away with the view's question.
    const fromA = ports.get(1)!.at(-1)!.view;
    const ask = fromA.postMessage;
    fromA.postMessage = (message: unknown) =>
      (message as { kind?: string }).kind === 'forgetSent' ? undefined : ask(message);
    toA.postMessage = post;
    for (const push of held.splice(0)) post(push);
    await switchTabs();
    expect(await kept()).toBe('Budget approved.');
    a.restartWorker();
    // Asked again once connected: the note sent is no draft to be sent again.
    await vi.waitFor(async () => expect(await kept()).toBeUndefined(), { timeout: 3_000 });
  });
});

describe('a draft the browser could not keep', () => {
  it('is not written over by a view whose read of it failed: read again, and what was typed goes after it', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    // The browser restarts; the next view's read fails once (its database did not open).
    failReads = 1;
    const b = await openTab(2);
    b.type('Wants a demo in May.');
    // Before, the failed read counted as "no draft", and this keystroke's write replaced the kept one.
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.\nWants a demo in May.'), {
      timeout: 6_000,
    });
    expect(b.box().value).toBe('Budget approved.\nWants a demo in May.');
  }, 10_000);

  it('shows an undone note once when the view’s draft is read after the Undo (the background put it back on disk)', async () => {
    const a = await openTab(1);
    a.type('Call again in June.');
    await vi.waitFor(async () => expect(await kept()).toBe('Call again in June.'));
    // The next view's read fails (its database did not open): read again a second later.
    failReads = 1;
    const b = await openTab(2);
    b.type('Budget approved.');
    b.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    b.undo();
    await vi.waitFor(async () => expect(await saved()).toEqual([]));
    // The background put the note back before what the disk held; the view, reading that, shows both
    // once (before, the note it held came after them again).
    await vi.waitFor(() => expect(b.box().value).toBe('Budget approved.\n\nCall again in June.'), {
      timeout: 4_000,
    });
  }, 10_000);

  it('is kept once the browser takes it again, without another keystroke', async () => {
    const a = await openTab(1);
    refuseKeeps = 1;
    a.type('Wants a call on Monday.');
    await vi.waitFor(() => expect(a.warnings().join(' ')).toContain('Not kept in this browser'));
    expect(await kept()).toBeUndefined();
    // Before, it stayed unkept until the rep typed again: lost with a crash meanwhile.
    await vi.waitFor(async () => expect(await kept()).toBe('Wants a call on Monday.'), { timeout: 6_000 });
    await vi.waitFor(() => expect(a.warnings().join(' ')).not.toContain('Not kept in this browser'));
  });

  it('keeps whole an undone note put back before what was typed since, longer together than a verdict takes', async () => {
    const a = await openTab(1);
    const first = `Budget approved: ${'x'.repeat(1_900)}`;
    a.type(first);
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1));
    const since = `Call again in June: ${'y'.repeat(1_500)}`;
    a.type(since);
    await vi.waitFor(async () => expect(await kept()).toBe(since));
    a.undo();
    await vi.waitFor(async () => expect(await saved()).toEqual([]));
    // Before, the draft refused a note over 2,000 characters: the box showed it, the browser kept none.
    await vi.waitFor(async () => expect(await kept()).toBe(`${first}\n\n${since}`));
    expect(a.warnings().join(' ')).toContain('Shorten it to send the verdict');
    expect(await everything()).toBe(`${first}\n\n${since}`);
  });
});

describe('a verdict clicked again after an error', () => {
  it('goes with a new id under another campaign picked meanwhile (the same id stood for the first campaign’s)', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    storedButFailed = 1;
    a.click('good_fit');
    await vi.waitFor(() => expect(document.body.textContent).toContain('no room left'));
    // The rep picks another campaign for the lead and clicks the same verdict, note as it was.
    const webinar = brief({
      id: '55555555-5555-4555-8555-555555555555',
      name: 'Webinar Q2',
      questionsForSales: [],
    });
    panels.shown(1, LEAD, { ok: true, reply: { ...MATCHED, brief: webinar } });
    await vi.waitFor(() => expect(document.body.textContent).toContain('Webinar Q2'));
    expect(a.box().value).toBe('Budget approved.');
    a.click('good_fit');
    const db = await openSameroomDb();
    await vi.waitFor(async () => expect(await db.count('outbox')).toBe(2));
    const campaigns = (await db.getAll('outbox')).map((entry) => entry.item.campaignId).sort();
    expect(campaigns).toEqual([MATCHED.state === 'matched' ? MATCHED.brief.id : '', webinar.id].sort());
  });
});

describe('a verdict clicked as the record’s campaign changes', () => {
  it('is not saved under a campaign the view had not shown yet: the rep is told to look again', async () => {
    const a = await openTab(1);
    // The record's late signals match it to another campaign: the background has the new view, and
    // its push to the frame is on its way when the rep clicks.
    const webinar = brief({
      id: '66666666-6666-4666-8666-666666666666',
      name: 'Webinar Q3',
      questionsForSales: [],
    });
    panels.shown(1, LEAD, { ok: true, reply: { ...MATCHED, brief: webinar } });
    a.click('good_fit');
    await vi.waitFor(() =>
      expect(document.body.textContent).toContain('The campaign shown for this record changed'),
    );
    expect(await openSameroomDb().then((db) => db.count('outbox'))).toBe(0);
    // Shown now: the click goes, under the campaign on screen.
    await vi.waitFor(() => expect(document.body.textContent).toContain('Webinar Q3'));
    a.click('good_fit');
    const db = await openSameroomDb();
    await vi.waitFor(async () => expect(await db.count('outbox')).toBe(1));
    expect((await db.getAll('outbox'))[0]!.item.campaignId).toBe(webinar.id);
  });
});

describe('a view whose first show waits for the panel’s prefs', () => {
  it('takes a second show of the same record meanwhile for the same record: its history stays', async () => {
    const a = await openTab(1);
    a.type('Asked for the retrofit assessment.');
    a.click('good_fit');
    await vi.waitFor(() => expect(a.quotes()).toEqual(['Asked for the retrofit assessment.']));
    // The next view's read of the panel's prefs is slow (a busy browser just started).
    const get = browser.storage.local.get.bind(browser.storage.local);
    vi.spyOn(browser.storage.local, 'get').mockImplementation(async (keys) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return get(keys as never);
    });
    const opening = openTab(2);
    // Meanwhile the page's record is read again (the CRM rendered its fields): the same record, shown again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    panels.shown(2, LEAD, { ok: true, reply: { ...MATCHED, setup: { regions: ['DACH'], region: 'DACH' } } });
    const b = await opening;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.quotes()).toEqual(['Asked for the retrofit assessment.']);
  });
});

describe('a worker that starts again under a view', () => {
  it('keeps the brief and the note box on screen while the new worker is slow to answer for the record shown', async () => {
    const a = await openTab(1);
    a.type('Asked about the retrofit, then');
    const deps = backgroundDeps();
    // The new worker opens its database and reads the briefs again: longer than the skeleton's wait.
    panels = new PanelSessions({
      ask: async (message: Message) => {
        if (message.type === 'lead') {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { ok: true, reply: MATCHED };
        }
        return handleMessage(message, PANEL_VIEW, deps);
      },
      history: async (lead) => leadHistory(await openSameroomDb(), lead),
      askPage: async () => ({ lead: LEAD, url: URL_A, label: 'Salesforce Lightning' }),
    });
    a.restartWorker();
    for (let waited = 0; waited < 800; waited += 40) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(document.querySelector('#tab-1 textarea'), `after ${waited} ms`).not.toBeNull();
    }
    expect(a.box().value).toBe('Asked about the retrofit, then');
  });

  it('saves the verdict clicked on a port whose end went without a word (Firefox, its worker idled out)', async () => {
    const a = await openTab(1);
    a.type('Budget approved.');
    await vi.waitFor(async () => expect(await kept()).toBe('Budget approved.'));
    // The worker's end closed; the view is not told (Firefox, a document in the back/forward cache).
    ports.get(1)!.at(-1)!.die();
    a.click('good_fit');
    await vi.waitFor(
      async () => expect(await saved()).toEqual([{ verdict: 'good_fit', note: 'Budget approved.' }]),
      {
        timeout: 5_000,
      },
    );
    expect(ports.get(1)!.length).toBeGreaterThanOrEqual(2);
  });

  it('connects again as soon as its page is back from the back/forward cache, before any click', async () => {
    await openTab(1);
    const port = ports.get(1)!.at(-1)!;
    port.die();
    // This view's port, let go (views of earlier tests, in this document too, connect again as well).
    const letGo = vi.spyOn(port.view, 'disconnect');
    const connects = vi.mocked(browser.runtime.connect).mock.calls.length;
    const restored = new Event('pageshow');
    Object.defineProperty(restored, 'persisted', { value: true });
    dispatchEvent(restored);
    expect(letGo).toHaveBeenCalledOnce();
    await vi.waitFor(() =>
      expect(vi.mocked(browser.runtime.connect).mock.calls.length).toBeGreaterThan(connects),
    );
  });

  it('out of sight when its worker stops, connects again once seen, not at once (each connection starts the worker again)', async () => {
    const a = await openTab(1);
    const connects = () => vi.mocked(browser.runtime.connect).mock.calls.length;
    const hidden = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const before = connects();
    a.restartWorker();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connects()).toBe(before);
    hidden.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(connects()).toBeGreaterThan(before));
    // And works: a verdict clicked is saved.
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1), { timeout: 5_000 });
  });

  it('out of sight when its worker stops owing it a draft, connects again at once and has it kept', async () => {
    const a = await openTab(1);
    const connects = () => vi.mocked(browser.runtime.connect).mock.calls.length;
    refuseKeeps = 1;
    a.type('Wants a call on Monday.');
    await vi.waitFor(() => expect(a.warnings().join(' ')).toContain('Not kept in this browser'));
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const before = connects();
    a.restartWorker();
    // Before its retry (3 s after the refusal), which would wake it too: the draft the worker did not
    // answer for must not wait for the rep to look at the tab again.
    await vi.waitFor(() => expect(connects()).toBeGreaterThan(before), { timeout: 1_500 });
    await vi.waitFor(async () => expect(await kept()).toBe('Wants a call on Monday.'), { timeout: 6_000 });
  });

  it('out of sight when its worker stops, connects again at the rep’s click (a shortcut’s verdict), and the verdict is saved', async () => {
    const a = await openTab(1);
    const connects = () => vi.mocked(browser.runtime.connect).mock.calls.length;
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const before = connects();
    a.restartWorker();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(connects()).toBe(before);
    // Asked something (a shortcut's verdict, while the page is still out of sight): connected, and saved.
    a.click('good_fit');
    await vi.waitFor(async () => expect(await saved()).toHaveLength(1), { timeout: 5_000 });
    expect(connects()).toBeGreaterThan(before);
  });
});
