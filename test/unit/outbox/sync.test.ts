import type { IDBPDatabase } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { linkWorkspace } from '../../../lib/background/link';
import { setLanguage, t } from '../../../lib/i18n';
import {
  discardDead,
  leadHistory,
  markRepliesSeen,
  outboxStatus,
  resendDead,
  saveVerdict,
  UNDO_MS,
  undoVerdict,
} from '../../../lib/outbox/outbox';
import { afterQuiet, BACKOFF, backoffMs, singleFlight, syncOutbox } from '../../../lib/outbox/sync';
import { type FeedbackItem, LIMITS } from '../../../lib/protocol';
import { openSameroomDb, type SameroomDb, withUnseenMark } from '../../../lib/store/db';
import { keepDraft } from '../../../lib/store/drafts';
import { keepLink } from '../../../lib/store/kept';
import { errorResponse, fakeWorkspace, LINK, verdictInput, WORKSPACE } from './fake-workspace';

const START = new Date('2026-11-22T09:00:00.000Z');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(options: { held?: boolean } = {}) {
  const db = await openSameroomDb();
  await db.put('link', LINK, 'current');
  const ws = fakeWorkspace();
  const saved = await saveVerdict(db, verdictInput(), LINK, new Date());
  if (!options.held) vi.advanceTimersByTime(UNDO_MS);
  const sync = (extra: { force?: boolean; random?: () => number } = {}) =>
    syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1, ...extra });
  return { db, ws, saved, sync };
}

/**
 * A verdict the workspace stored on its first try, whose answer was lost on the way; the retry met a
 * proxy's 404 for the whole batch, and the verdict became a dead letter.
 */
async function deadAfterLostAnswer() {
  const setUp = await setup();
  setUp.ws.answer((items) => {
    setUp.ws.respond(items);
    return new TypeError('Failed to fetch');
  });
  expect((await setUp.sync()).sent).toBe(0);
  setUp.ws.answer(errorResponse(404, 'not_found'));
  expect((await setUp.sync({ force: true })).dead).toBe(1);
  return setUp;
}

describe('saving a verdict', () => {
  it('keeps exactly what will be sent: the id made at the click, the preset region, the record URL without its query', async () => {
    const { db, saved } = await setup({ held: true });
    const [entry] = await db.getAll('outbox');
    expect(entry?.item).toMatchObject({
      id: saved.id,
      verdict: 'good_fit',
      region: 'DACH',
      note: 'Wants a demo.',
      lead: { url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view' },
      createdAt: START.toISOString(),
    });
    expect(saved).toMatchObject({
      status: 'held',
      undoUntil: new Date(START.getTime() + UNDO_MS).toISOString(),
    });
  });

  it('commits with strict durability before it answers', async () => {
    const db = await openSameroomDb();
    const spy = vi.spyOn(db, 'transaction');
    await saveVerdict(db, verdictInput(), LINK, new Date());
    expect(spy).toHaveBeenCalledWith(['outbox', 'sent'], 'readwrite', { durability: 'strict' });
  });

  it('answers the first save when the same click arrives twice (a retried message)', async () => {
    const db = await openSameroomDb();
    const input = verdictInput();
    const first = await saveVerdict(db, input, LINK, new Date());
    vi.advanceTimersByTime(2_000);
    const second = await saveVerdict(db, { ...input, note: 'changed' }, LINK, new Date());
    expect(second).toEqual(first);
    expect(await db.count('outbox')).toBe(1);
  });

  it('refuses, in words, a verdict the workspace would refuse', async () => {
    const db = await openSameroomDb();
    await expect(
      saveVerdict(db, verdictInput({ note: 'x'.repeat(2_001) }), LINK, new Date()),
    ).rejects.toThrow(/This verdict cannot be sent: note/);
    expect(await db.count('outbox')).toBe(0);
  });

  it('takes the rep’s default region when the lead’s region is not on the workspace’s list', async () => {
    const db = await openSameroomDb();
    const input = verdictInput();
    input.lead.signals.region = 'Atlantis';
    await saveVerdict(db, input, LINK, new Date());
    expect((await db.getAll('outbox'))[0]?.item.region).toBe('Iberia');
  });
});

describe("answers to marketing's questions", () => {
  const BUDGET = 'Did they mention a 2027 budget?';

  it('keeps only what was answered, trimmed, in the item and the history, and sends it', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const ws = fakeWorkspace();
    const saved = await saveVerdict(
      db,
      verdictInput({
        answers: [
          { question: BUDGET, answer: '  Yes, 50k  ' },
          { question: 'Who signs off?', answer: '   ' },
        ],
      }),
      LINK,
      new Date(),
    );
    const [entry] = await db.getAll('outbox');
    expect(entry?.item.answers).toEqual([{ question: BUDGET, answer: 'Yes, 50k' }]);
    expect(saved.answers).toEqual([{ question: BUDGET, answer: 'Yes, 50k' }]);
    vi.advanceTimersByTime(UNDO_MS);
    await syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1 });
    expect(ws.posts[0]?.[0]?.answers).toEqual([{ question: BUDGET, answer: 'Yes, 50k' }]);
  });

  it('sends no answers field at all when none was answered (as older versions sent)', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    await saveVerdict(db, verdictInput({ answers: [{ question: BUDGET, answer: '' }] }), LINK, new Date());
    const [entry] = await db.getAll('outbox');
    expect(entry && 'answers' in entry.item).toBe(false);
  });
});

describe('a workspace that refuses a field the verdict can go without', () => {
  /** A workspace that answers as an older (or stricter) one: `invalid` for the first field it refuses. */
  function olderWorkspace(ws: ReturnType<typeof fakeWorkspace>) {
    const answer = (items: FeedbackItem[]) =>
      Response.json({
        results: items.map((item) => {
          if (item.answers) return { id: item.id, status: 'invalid', error: 'Unrecognized key: "answers"' };
          if (item.lead.url?.startsWith('http:'))
            return { id: item.id, status: 'invalid', error: 'lead.url: must be an https address' };
          if (item.lead.site)
            return { id: item.id, status: 'invalid', error: 'lead: Unrecognized key: "site"' };
          if ('utmMedium' in item.signals)
            return { id: item.id, status: 'invalid', error: 'signals: Unrecognized key: "utmMedium"' };
          ws.respond([item]);
          return { id: item.id, status: ws.stored.has(item.id) ? 'created' : 'invalid' };
        }),
      });
    ws.answer(answer, answer, answer, answer, answer, answer);
  }

  /** Past the undo window, syncs until the outbox is empty (at most `runs` runs): every verdict sent. */
  async function sendAll(db: IDBPDatabase<SameroomDb>, ws: ReturnType<typeof fakeWorkspace>, runs: number) {
    vi.advanceTimersByTime(UNDO_MS);
    for (let run = 0; run < runs && (await db.count('outbox')) > 0; run++)
      await syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1, force: true });
    expect(await db.count('outbox')).toBe(0);
  }

  it('sends it again without the answers a workspace older than answers refuses, and keeps them here', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const ws = fakeWorkspace();
    olderWorkspace(ws);
    const saved = await saveVerdict(
      db,
      verdictInput({ answers: [{ question: 'Budget for 2027?', answer: 'Yes, 50k' }] }),
      LINK,
      new Date(),
    );
    await sendAll(db, ws, 3);
    expect(JSON.parse(ws.stored.get(saved.id)!)).not.toHaveProperty('answers');
    expect((await db.get('sent', saved.id))?.withheld).toEqual({
      answers: [{ question: 'Budget for 2027?', answer: 'Yes, 50k' }],
    });
    // The rep's history says so.
    const [shown] = await leadHistory(db, {
      crm: 'salesforce',
      objectType: 'lead',
      recordId: '00Q5g00000A1b2cEAB',
    });
    expect(shown?.withheld).toEqual(['answers']);
  });

  it('sends a verdict an earlier version queued with an http address and a signal the workspace refuses, without them', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const ws = fakeWorkspace();
    olderWorkspace(ws);
    const saved = await saveVerdict(db, verdictInput(), LINK, new Date());
    // As a version that took http:// custom sites queued it (a workspace updated since refuses it).
    const entry = (await db.get('outbox', saved.id))!;
    await db.put('outbox', {
      ...entry,
      item: {
        ...entry.item,
        lead: { crm: 'custom', objectType: 'lead', recordId: '7', url: 'http://crm.intranet/lead/7' },
        signals: { ...entry.item.signals, utmMedium: 'email' },
      },
    });
    await sendAll(db, ws, 4);
    const stored = JSON.parse(ws.stored.get(saved.id)!) as FeedbackItem;
    expect(stored.lead).toEqual({ crm: 'custom', objectType: 'lead', recordId: '7' });
    expect(stored.signals).not.toHaveProperty('utmMedium');
    expect((await db.get('sent', saved.id))?.withheld).toEqual({
      url: 'http://crm.intranet/lead/7',
      signals: { utmMedium: 'email' },
    });
  });

  it('sends a custom site’s verdict without its site to a workspace older than sites, and keeps it on the site’s record', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const ws = fakeWorkspace();
    olderWorkspace(ws);
    const lead = {
      crm: 'custom' as const,
      objectType: 'lead' as const,
      recordId: '7',
      site: 'crm.acme.test',
    };
    const saved = await saveVerdict(
      db,
      verdictInput({ lead: { ...lead, signals: {} }, url: undefined }),
      LINK,
      new Date(),
    );
    await sendAll(db, ws, 3);
    expect((JSON.parse(ws.stored.get(saved.id)!) as FeedbackItem).lead).toEqual({
      crm: 'custom',
      objectType: 'lead',
      recordId: '7',
    });
    expect((await db.get('sent', saved.id))?.withheld).toEqual({ site: 'crm.acme.test' });
    const [shown] = await leadHistory(db, lead);
    expect(shown?.withheld).toEqual(['site']);
  });

  it('leaves a verdict refused for the rep’s own words a dead letter, as it was', async () => {
    const { ws, sync } = await setup();
    ws.answer((items) =>
      Response.json({
        results: items.map((item) => ({ id: item.id, status: 'invalid', error: 'note: Too big' })),
      }),
    );
    expect((await sync()).dead).toBe(1);
  });
});

describe('the undo window', () => {
  it('holds the item back from sync for 10 seconds, then sends it', async () => {
    const { ws, sync } = await setup({ held: true });
    const report = await sync();
    expect(ws.posts).toHaveLength(0);
    expect(report.nextRunAt).toBe(new Date(START.getTime() + UNDO_MS).toISOString());
    vi.advanceTimersByTime(UNDO_MS);
    expect((await sync()).sent).toBe(1);
    expect(ws.posts).toHaveLength(1);
  });

  it('sends nothing after Undo within the window, and refuses Undo once it closed', async () => {
    const { db, ws, saved, sync } = await setup({ held: true });
    vi.advanceTimersByTime(UNDO_MS - 1);
    expect(await undoVerdict(db, saved.id, new Date())).toBe(true);
    // Asked again (the worker went away with the first answer): undone already, and said so.
    expect(await undoVerdict(db, saved.id, new Date())).toBe(true);
    vi.advanceTimersByTime(60_000);
    await sync();
    expect(ws.posts).toHaveLength(0);
    const late = await saveVerdict(db, verdictInput(), LINK, new Date());
    vi.advanceTimersByTime(UNDO_MS);
    expect(await undoVerdict(db, late.id, new Date())).toBe(false);
  });
});

describe('sync: the workspace’s answers', () => {
  it('created: the item leaves the outbox and shows as sent in the lead’s history', async () => {
    const { db, saved, sync } = await setup();
    expect((await sync()).sent).toBe(1);
    expect(await db.count('outbox')).toBe(0);
    const history = await leadHistory(db, {
      crm: 'salesforce',
      objectType: 'lead',
      recordId: '00Q5g00000A1b2cEAB',
    });
    expect(history.map((entry) => [entry.id, entry.status])).toEqual([[saved.id, 'sent']]);
  });

  it('duplicate counts as delivered', async () => {
    const { db, ws, sync } = await setup();
    ws.answer((items) =>
      Response.json({ results: items.map((item) => ({ id: item.id, status: 'duplicate' })) }),
    );
    expect((await sync()).sent).toBe(1);
    expect(await db.count('outbox')).toBe(0);
  });

  it.each(['invalid', 'conflict'] as const)(
    '%s: dead-lettered with the reason, not retried',
    async (status) => {
      const { db, ws, sync } = await setup();
      ws.answer((items) =>
        Response.json({
          results: items.map((item) => ({
            id: item.id,
            status,
            error: `region: not on the list (${status})`,
          })),
        }),
      );
      expect((await sync()).dead).toBe(1);
      const status1 = await outboxStatus(db);
      expect(status1.dead).toHaveLength(1);
      expect(status1.dead[0]?.problem).toBe(`region: not on the list (${status})`);
      vi.advanceTimersByTime(3_600_000);
      await sync();
      expect(ws.posts).toHaveLength(1);
    },
  );

  it.each([
    ['a network error', () => new TypeError('Failed to fetch')],
    ['a timeout', () => new DOMException('The operation timed out.', 'TimeoutError')],
    ['408', () => errorResponse(408, 'timeout')],
    ['429', () => errorResponse(429, 'rate_limited')],
    ['500', () => errorResponse(500, 'internal')],
    ['502 from a proxy (not JSON)', () => new Response('<html>Bad gateway</html>', { status: 502 })],
    ['503', () => errorResponse(503, 'unavailable')],
    ["507, the workspace's disk full", () => errorResponse(507, 'disk_full')],
    ['an unreadable answer', () => new Response('{"results": 12}', { status: 200 })],
  ])('%s: kept, retried after a capped, jittered backoff, resent unchanged', async (_name, answer) => {
    const { db, ws, sync } = await setup();
    ws.answer(answer(), answer());
    const first = await sync();
    expect(first.sent).toBe(0);
    expect(first.waiting).toBe(1);
    expect(first.nextRunAt).toBe(new Date(Date.now() + BACKOFF.baseMs).toISOString());
    expect((await db.getAll('outbox'))[0]).toMatchObject({ state: 'pending', attempts: 1 });
    // Before the backoff ends nothing is tried; after it, the second failure doubles the wait.
    await sync();
    expect(ws.posts).toHaveLength(1);
    vi.advanceTimersByTime(BACKOFF.baseMs);
    const second = await sync();
    expect(second.nextRunAt).toBe(new Date(Date.now() + 2 * BACKOFF.baseMs).toISOString());
    vi.advanceTimersByTime(2 * BACKOFF.baseMs);
    expect((await sync()).sent).toBe(1);
    expect(ws.posts).toHaveLength(3);
    expect(ws.posts[2]).toEqual(ws.posts[0]);
    expect(await db.count('outbox')).toBe(0);
  });

  it('honours Retry-After on 429, 503 and 507 when it is longer than the backoff', async () => {
    const { ws, sync } = await setup();
    ws.answer(errorResponse(429, 'rate_limited', { 'Retry-After': '120' }));
    const limited = await sync();
    expect(limited.nextRunAt).toBe(new Date(Date.now() + 120_000).toISOString());
    // In the rep's words with the wait asked, not the workspace's English ("The workspace says …").
    expect(limited.problem).toBe('The workspace asks to wait 2 min (429).');
    setLanguage('es');
    try {
      vi.advanceTimersByTime(120_000);
      ws.answer(errorResponse(429, 'rate_limited', { 'Retry-After': '40' }));
      expect((await sync()).problem).toBe('El espacio de trabajo pide esperar 40 s (429).');
    } finally {
      setLanguage('en');
    }
    vi.advanceTimersByTime(120_000);
    ws.answer(
      errorResponse(503, 'unavailable', { 'Retry-After': new Date(Date.now() + 300_000).toUTCString() }),
    );
    expect((await sync()).nextRunAt).toBe(new Date(Date.now() + 300_000).toISOString());
    // A proxy asking for days is held to an hour: verdicts do not wait on it until "Sync now".
    vi.advanceTimersByTime(300_000);
    ws.answer(errorResponse(503, 'unavailable', { 'Retry-After': String(7 * 86_400) }));
    expect((await sync()).nextRunAt).toBe(new Date(Date.now() + 3_600_000).toISOString());
    // A workspace whose disk is full asks for a minute.
    vi.advanceTimersByTime(3_600_000);
    ws.answer(errorResponse(507, 'disk_full', { 'Retry-After': '60' }));
    expect((await sync()).nextRunAt).toBe(new Date(Date.now() + 60_000).toISOString());
    // A date is read on the sender's clock, from its Date: here 50 minutes ahead of ours, asking for
    // five minutes (by our clock 55, and an hour's cap had hidden the rest).
    vi.advanceTimersByTime(60_000);
    const theirs = Date.now() - (Date.now() % 1000) + 50 * 60_000;
    ws.answer(
      errorResponse(503, 'unavailable', {
        Date: new Date(theirs).toUTCString(),
        'Retry-After': new Date(theirs + 300_000).toUTCString(),
      }),
    );
    expect((await sync()).nextRunAt).toBe(new Date(Date.now() + 300_000).toISOString());
  });

  it('never waits more than the cap, with full jitter below it', () => {
    expect(backoffMs(1, () => 0)).toBe(0);
    expect(backoffMs(3, () => 0.5)).toBe(4_000);
    expect(backoffMs(40, () => 1)).toBe(BACKOFF.capMs);
  });

  it.each([401, 403])('%s: pauses without using an attempt until the rep links again', async (status) => {
    const { db, ws, sync } = await setup();
    ws.answer(errorResponse(status, status === 401 ? 'unauthorized' : 'forbidden'));
    const report = await sync();
    expect(report).toMatchObject({ paused: true, nextRunAt: null });
    expect(report.problem).toMatch(/link Sameroom again/);
    expect((await db.getAll('outbox'))[0]).toMatchObject({ state: 'held', attempts: 0 });
    expect((await outboxStatus(db)).paused).toBe(true);
    vi.advanceTimersByTime(3_600_000);
    await sync({ force: true });
    expect(ws.posts).toHaveLength(1);

    const linkFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/api/v1/link')) return Response.json(LINK);
      if (String(input).endsWith('/api/v1/campaigns')) return Response.json({ campaigns: [] });
      return ws.fetchFn(input, init);
    }) as typeof fetch;
    await linkWorkspace(
      db,
      { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
      { now: new Date(), fetchFn: linkFetch },
    );
    expect((await sync()).sent).toBe(1);
  });

  it('leaves sync going when the rep links again while a run is refused with the old token', async () => {
    const { db, ws } = await setup();
    const fresh = { ...LINK, token: 'tok_bbbbbbbbbbbbbbbbbbbbbbbb' };
    const linkFetch = (async (input: RequestInfo | URL) => {
      if (String(input).endsWith('/api/v1/link')) return Response.json(fresh);
      return Response.json({ campaigns: [] });
    }) as typeof fetch;
    // The old token is refused, and the rep links again before that answer is back.
    const refusedWhileRelinking = (async () => {
      await linkWorkspace(
        db,
        { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
        { now: new Date(), fetchFn: linkFetch },
      );
      return errorResponse(401, 'unauthorized');
    }) as typeof fetch;
    await syncOutbox(db, { now: () => new Date(), fetchFn: refusedWhileRelinking, random: () => 1 });
    expect((await outboxStatus(db)).paused).toBe(false);
    const report = await syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1 });
    expect(report).toMatchObject({ sent: 1, paused: false });
  });

  it('takes an item out of Undo’s reach before sending it, even when the clock steps back meanwhile', async () => {
    const { db, ws, saved } = await setup();
    let undone: boolean | null = null;
    const stepsBack = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === 'POST') undone = await undoVerdict(db, saved.id, new Date(Date.now() - 2_000));
      return ws.fetchFn(input, init);
    }) as typeof fetch;
    const report = await syncOutbox(db, { now: () => new Date(), fetchFn: stepsBack, random: () => 1 });
    expect(undone).toBe(false);
    expect(report.sent).toBe(1);
    expect(ws.posts).toHaveLength(1);
    expect(await db.count('sent')).toBe(1);
  });

  it('sends nothing an Undo took back after sync read the queue, the clock having stepped back between', async () => {
    const { db, ws, saved } = await setup();
    let undone: boolean | null = null;
    const read = db.getAllFromIndex.bind(db) as typeof db.getAllFromIndex;
    vi.spyOn(db, 'getAllFromIndex').mockImplementation((async (...args: Parameters<typeof read>) => {
      const found = await read(...args);
      // Between the read and the mark of what it takes: the clock set back 20 s reopens the window.
      if (args[0] === 'outbox' && undone === null)
        undone = await undoVerdict(db, saved.id, new Date(Date.now() - 20_000));
      return found;
    }) as never);
    await syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1 });
    expect(undone).toBe(true);
    // Before, the run sent it from what it had read: stored, though the panel said Undone.
    expect(ws.posts).toHaveLength(0);
    expect(await db.count('sent')).toBe(0);
  });

  it('dead-letters a batch the workspace refuses as a whole (400, 413, 422)', async () => {
    const { db, ws, sync } = await setup();
    ws.answer(errorResponse(422, 'invalid_body'));
    expect((await sync()).dead).toBe(1);
    expect((await outboxStatus(db)).dead[0]?.problem).toBe('The workspace says invalid_body.');
  });

  it('keeps an item the answer does not account for, without spinning, and says so', async () => {
    const { db, ws, sync } = await setup();
    ws.answer(
      Response.json({ results: [{ id: '00000000-0000-4000-8000-000000000000', status: 'created' }] }),
    );
    const report = await sync();
    expect(ws.posts).toHaveLength(1);
    expect(await db.count('outbox')).toBe(1);
    // Before, it waited with no word and went again every minute: now backed off, and the rep is told.
    expect(report.problem).toBe(t('errUnreadable'));
    expect((await db.getAll('outbox'))[0]).toMatchObject({ state: 'pending', problem: t('errUnreadable') });
    expect(report.nextRunAt).toBe(new Date(Date.now() + BACKOFF.baseMs).toISOString());
    // Answered so again: the wait grows, as for any failure, rather than 2 s every time.
    vi.advanceTimersByTime(BACKOFF.baseMs);
    ws.answer(
      Response.json({ results: [{ id: '00000000-0000-4000-8000-000000000000', status: 'created' }] }),
    );
    expect((await sync()).nextRunAt).toBe(new Date(Date.now() + 2 * BACKOFF.baseMs).toISOString());
    expect(ws.posts).toHaveLength(2);
  });

  it('sends in batches of at most 100, oldest first', async () => {
    const { db, ws, sync } = await setup();
    for (let i = 0; i < 249; i++) {
      await saveVerdict(db, verdictInput(), LINK, new Date());
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(UNDO_MS);
    expect((await sync()).sent).toBe(250);
    expect(ws.posts.map((batch) => batch.length)).toEqual([100, 100, 50]);
    const times = ws.posts.flat().map((item) => item.createdAt);
    expect(times).toEqual([...times].sort());
  });

  it('sends another rep’s verdicts only under their own link, whoever links this browser to the workspace', async () => {
    // Ana's verdict is refused with her token (the admin removed her), and sync pauses.
    const { db, ws, sync } = await setup();
    ws.answer(errorResponse(401, 'unauthorized'));
    expect(await sync()).toMatchObject({ paused: true });
    // The laptop goes to Ben, who links it to the same workspace.
    const ben = {
      ...LINK,
      token: 'tok_bbbbbbbbbbbbbbbbbbbbbbbb',
      member: {
        id: '0d2e4f6a-8b0c-4d2e-9f4a-6b8c0d2e4f6a',
        name: 'Ben Okafor',
        role: 'rep' as const,
        region: null,
      },
    };
    const linkAs = (record: typeof LINK) =>
      linkWorkspace(
        db,
        { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
        {
          now: new Date(),
          fetchFn: (async (input: RequestInfo | URL, init?: RequestInit) => {
            if (String(input).endsWith('/api/v1/link')) return Response.json(record);
            if (String(input).endsWith('/api/v1/campaigns')) return Response.json({ campaigns: [] });
            return ws.fetchFn(input, init);
          }) as typeof fetch,
        },
      );
    await linkAs(ben);
    const bens = await saveVerdict(db, verdictInput(), ben, new Date());
    vi.advanceTimersByTime(UNDO_MS);
    // Before, Ana's went out with Ben's token too: stored as his.
    expect((await sync()).sent).toBe(1);
    expect(ws.posts.at(-1)!.map((item) => item.id)).toEqual([bens.id]);
    const status = await outboxStatus(db);
    expect(status).toMatchObject({ held: 0, pending: 0, otherReps: [{ name: 'Ana Ruiz', count: 1 }] });
    // Ben's panel on the lead both judged shows his verdict, not Ana's (nor her note).
    const lead = verdictInput().lead;
    expect((await leadHistory(db, lead)).map((entry) => entry.id)).toEqual([bens.id]);
    // Ana links again: hers go, under her token, and her panel shows hers alone.
    await linkAs(LINK);
    expect((await sync()).sent).toBe(1);
    expect((await outboxStatus(db)).otherReps).toEqual([]);
    const anas = (await leadHistory(db, lead)).map((entry) => entry.id);
    expect(anas).toHaveLength(1);
    expect(anas).not.toContain(bens.id);
  });

  it('sends nothing made for another workspace, and keeps it', async () => {
    const { db, ws, sync } = await setup();
    await db.put('link', { ...LINK, workspaceUrl: 'https://other.example.com' }, 'current');
    await sync();
    expect(ws.posts).toHaveLength(0);
    expect((await outboxStatus(db)).otherWorkspace).toBe(1);
  });
});

describe("a rep's clock that is off", () => {
  const HOUR = 3_600_000;
  /** The fake workspace's answers, with the Date a workspace's clock `offsetMs` from ours would send. */
  const dated = (fetchFn: typeof fetch, offsetMs: () => number): typeof fetch =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await fetchFn(input, init);
      const headers = new Headers(response.headers);
      headers.set('Date', new Date(Date.now() + offsetMs()).toUTCString());
      return new Response(response.body, { status: response.status, headers });
    }) as typeof fetch;

  it('lets Undo take back a new verdict at once after a clock hours ahead was put right', async () => {
    // Three hours ahead: a verdict is given, its window ends, sync takes and sends it.
    vi.setSystemTime(START.getTime() + 3 * HOUR);
    const { db, sync } = await setup();
    expect((await sync()).sent).toBe(1);
    // The clock put right; the rep gives a verdict and takes it back within its ten seconds.
    vi.setSystemTime(START);
    const next = await saveVerdict(db, verdictInput(), LINK, new Date());
    // Before, sync's mark of what it took was an instant three hours ahead: "too late" for three hours.
    expect(await undoVerdict(db, next.id, new Date())).toBe(true);
    expect(await db.count('outbox')).toBe(0);
  });

  it('dates verdicts by the workspace’s time once an answer showed the clock hours off, and by its own again once it is right', async () => {
    const { db, ws } = await setup();
    let offset = -3 * HOUR; // this laptop's clock runs three hours ahead of the workspace's
    const sync = () =>
      syncOutbox(db, { now: () => new Date(), fetchFn: dated(ws.fetchFn, () => offset), random: () => 1 });
    expect((await sync()).sent).toBe(1);
    const link = await db.get('link', 'current');
    // The header is to the second: the offset as seen, within it.
    expect(Math.abs(link!.clockOffsetMs! + 3 * HOUR)).toBeLessThanOrEqual(1_000);

    const saved = await saveVerdict(db, verdictInput(), link!, new Date());
    const entry = await db.get('outbox', saved.id);
    expect(Date.parse(entry!.item.createdAt)).toBe(Date.now() + link!.clockOffsetMs!);
    // The undo window is this browser's own time: ten seconds from the click, whatever the clocks say.
    expect(saved.undoUntil).toBe(new Date(Date.now() + UNDO_MS).toISOString());

    // The clock set right: a difference of seconds (the header's second, the way there) is no correction.
    offset = -400;
    vi.advanceTimersByTime(UNDO_MS);
    await sync();
    const righted = await db.get('link', 'current');
    expect(righted!.clockOffsetMs).toBe(0);
    const next = await saveVerdict(db, verdictInput(), righted!, new Date());
    expect((await db.get('outbox', next.id))!.item.createdAt).toBe(new Date().toISOString());
  });

  it('sends a verdict held when the clock was then set back hours, not hours later, and Undo then refuses it', async () => {
    const { db, ws, saved, sync } = await setup({ held: true });
    // The laptop's clock was three hours ahead when the rep clicked; it is put right a moment later.
    vi.setSystemTime(new Date(START.getTime() - 3 * HOUR + 2_000));
    expect((await sync()).sent).toBe(1);
    expect(ws.posts.flat().map((item) => item.id)).toEqual([saved.id]);
    expect(await undoVerdict(db, saved.id, new Date())).toBe(false);
  });

  it('does not wait out a backoff the clock’s step back left hours ahead', async () => {
    const { ws, sync } = await setup();
    ws.answer(() => errorResponse(503, 'unavailable'));
    const failed = await sync();
    expect(failed.sent).toBe(0);
    expect(Date.parse(failed.nextRunAt!)).toBeGreaterThan(Date.now());
    vi.setSystemTime(new Date(START.getTime() - 3 * HOUR));
    expect((await sync()).sent).toBe(1);
  });

  it('dates a fixed dead letter by the workspace’s time too, as a new verdict', async () => {
    const { db, ws } = await setup();
    ws.answer((items) =>
      Response.json({ results: items.map((item) => ({ id: item.id, status: 'invalid', error: 'bad' })) }),
    );
    const offset = 5 * HOUR; // this laptop's clock runs five hours behind the workspace's
    await syncOutbox(db, {
      now: () => new Date(),
      fetchFn: dated(ws.fetchFn, () => offset),
      random: () => 1,
    });
    const [dead] = (await outboxStatus(db)).dead;
    const link = await db.get('link', 'current');
    expect(Math.abs(link!.clockOffsetMs! - offset)).toBeLessThanOrEqual(1_000);
    await resendDead(db, dead!.id, { note: 'Fixed' }, new Date(), '5f0c2a1e-0000-4000-8000-00000000abce');
    const fixed = await db.get('outbox', dead!.id);
    expect(Date.parse(fixed!.item.createdAt)).toBe(Date.now() + link!.clockOffsetMs!);
  });

  it('knows the workspace’s time from the moment the extension links, before any verdict', async () => {
    const db = await openSameroomDb();
    const linkFetch = (async (input: RequestInfo | URL) => {
      const answer = String(input).endsWith('/api/v1/link') ? LINK : { campaigns: [] };
      return Response.json(answer, { headers: { Date: new Date(Date.now() + 5 * HOUR).toUTCString() } });
    }) as typeof fetch;
    await linkWorkspace(
      db,
      { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
      { now: new Date(), fetchFn: linkFetch },
    );
    const link = await db.get('link', 'current');
    expect(Math.abs(link!.clockOffsetMs! - 5 * HOUR)).toBeLessThanOrEqual(1_000);
    const saved = await saveVerdict(db, verdictInput(), link!, new Date());
    expect(Date.parse((await db.get('outbox', saved.id))!.item.createdAt)).toBe(
      Date.now() + link!.clockOffsetMs!,
    );
  });

  it('keeps no correction from a workspace whose answers carry no Date, nor for a difference of seconds', async () => {
    const { db, ws } = await setup();
    await syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1 });
    expect((await db.get('link', 'current'))!.clockOffsetMs).toBeUndefined();
    await syncOutbox(db, {
      now: () => new Date(),
      fetchFn: dated(ws.fetchFn, () => 20_000),
      random: () => 1,
    });
    expect((await db.get('link', 'current'))!.clockOffsetMs).toBeUndefined();
  });
});

describe('dead letters', () => {
  it('a fixed verdict goes out again under its own id; a discarded one is gone', async () => {
    const { db, ws, saved, sync } = await setup();
    ws.answer((items) =>
      Response.json({ results: items.map((item) => ({ id: item.id, status: 'invalid', error: 'bad' })) }),
    );
    await sync();
    const [dead] = (await outboxStatus(db)).dead;
    const fixed = await resendDead(
      db,
      dead!.id,
      { note: 'Fixed note', region: 'Nordics' },
      new Date(),
      '5f0c2a1e-0000-4000-8000-00000000abcd',
    );
    expect(fixed).toMatchObject({ id: saved.id, status: 'pending', note: 'Fixed note', region: 'Nordics' });
    expect((await sync()).sent).toBe(1);
    expect(ws.posts[1]?.[0]).toMatchObject({ id: saved.id, note: 'Fixed note' });

    ws.answer((items) =>
      Response.json({ results: items.map((item) => ({ id: item.id, status: 'conflict' })) }),
    );
    await saveVerdict(db, verdictInput(), LINK, new Date());
    vi.advanceTimersByTime(UNDO_MS);
    await sync();
    const [second] = (await outboxStatus(db)).dead;
    await discardDead(db, second!.id);
    expect((await outboxStatus(db)).dead).toEqual([]);
  });

  it('a verdict refused alone is dated anew when resent unchanged: a date refused is put right', async () => {
    const { db, ws, saved, sync } = await setup();
    // A workspace from before dates ahead were taken: the rep's clock ran ahead when they clicked.
    ws.answer((items) =>
      Response.json({
        results: items.map((item) => ({ id: item.id, status: 'invalid', error: 'createdAt: in the future' })),
      }),
    );
    await sync();
    vi.advanceTimersByTime(60_000);
    await resendDead(db, saved.id, {}, new Date(), '5f0c2a1e-0000-4000-8000-00000000abc4');
    expect((await db.get('outbox', saved.id))!.item.createdAt).toBe(new Date().toISOString());
  });

  it('a conflict dead-lettered before conflicts were marked goes under a new id at the first Resend', async () => {
    const { db, saved } = await setup();
    const entry = (await db.get('outbox', saved.id))!;
    await db.put('outbox', {
      ...entry,
      state: 'dead',
      problem: 'an item with this id and other content is already stored',
    });
    const newId = '5f0c2a1e-0000-4000-8000-00000000abc5';
    expect(await resendDead(db, saved.id, {}, new Date(), newId)).toMatchObject({ id: newId });
  });

  it('a verdict stored on a try whose answer was lost, then refused as a whole batch, is stored once after Resend', async () => {
    const { db, ws, saved, sync } = await deadAfterLostAnswer();
    const [dead] = (await outboxStatus(db)).dead;
    expect(dead!.id).toBe(saved.id);

    // Resent as it was: the workspace has it (duplicate), and it is sent, stored once.
    await resendDead(db, dead!.id, {}, new Date(), '5f0c2a1e-0000-4000-8000-00000000abc1');
    expect((await sync()).sent).toBe(1);
    expect([...ws.stored.keys()]).toEqual([saved.id]);
    expect(await db.count('outbox')).toBe(0);
  });

  it('a dead letter the workspace turns out to hold (its first try stored, the answer lost) leaves the outbox as sent when replies are pulled', async () => {
    const { db, ws, saved, sync } = await deadAfterLostAnswer();
    const stored = (await db.get('outbox', saved.id))!.item;
    // The rep had begun a fix for it in the popup.
    await keepDraft(
      db,
      `dead:${saved.id}`,
      { note: 'Half a fix', answers: {}, fix: { verdict: 'good_fit', region: '' } },
      new Date(),
    );
    // The pull of the rep's items finds it stored (its address as the workspace keeps it), and
    // marketing has replied to it meanwhile.
    const reply = {
      id: '3a3a3a3a-0000-4000-8000-000000000002',
      feedbackId: saved.id,
      author: { id: '4b4b4b4b-0000-4000-8000-000000000001', name: 'Mara Jensen' },
      text: 'Which demo slot suits them?',
      createdAt: '2026-11-22T09:30:00.000Z',
    };
    ws.setRecords([
      {
        ...stored,
        lead: {
          ...stored.lead,
          url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
        },
        rep: { id: LINK.member.id, name: 'Ana Ruiz' },
        replies: [reply],
        updatedAt: reply.createdAt,
      },
    ]);
    await sync({ force: true });
    expect(await db.count('outbox')).toBe(0);
    expect((await db.get('sent', saved.id))?.item.id).toBe(saved.id);
    const status = await outboxStatus(db);
    expect(status.dead).toEqual([]);
    // The reply is news: the rep never saw this verdict as sent.
    expect(status.newReplies.map((notice) => notice.reply.text)).toEqual([reply.text]);
    expect([...ws.stored.keys()]).toEqual([saved.id]);
    // The fix went with it, not left on disk for a verdict no longer shown.
    expect(await db.get('drafts', `dead:${saved.id}`)).toBeUndefined();
  });

  it('a refused verdict the rep changed, which the workspace had stored, is a conflict; its next Resend goes under a new id', async () => {
    const { db, ws, saved, sync } = await deadAfterLostAnswer();
    await resendDead(db, saved.id, { note: 'Changed' }, new Date(), '5f0c2a1e-0000-4000-8000-00000000abc2');
    expect((await sync()).dead).toBe(1);
    const [conflict] = (await outboxStatus(db)).dead;
    expect(conflict!.id).toBe(saved.id);

    const newId = '5f0c2a1e-0000-4000-8000-00000000abc3';
    expect(await resendDead(db, saved.id, { note: 'Changed' }, new Date(), newId)).toMatchObject({
      id: newId,
    });
    expect((await sync()).sent).toBe(1);
    expect([...ws.stored.keys()]).toEqual([saved.id, newId]);
    expect(await db.get('outbox', newId)).toBeUndefined();
  });
});

describe('a refused verdict whose first version the workspace holds', () => {
  it('is listed once in the lead’s history, with the replies to the version held', async () => {
    const { db, ws, saved, sync } = await deadAfterLostAnswer();
    await resendDead(db, saved.id, { note: 'Changed' }, new Date(), '5f0c2a1e-0000-4000-8000-00000000abc4');
    expect((await sync()).dead).toBe(1);
    // The pull brings the version the workspace holds, with a reply to it.
    const held = JSON.parse(ws.stored.get(saved.id)!) as FeedbackItem;
    ws.setRecords([
      {
        ...held,
        rep: { id: LINK.member.id, name: 'Ana Ruiz' },
        replies: [
          {
            id: '3a3a3a3a-0000-4000-8000-000000000abc',
            feedbackId: saved.id,
            author: { id: '4b4b4b4b-0000-4000-8000-000000000001', name: 'Mara Jensen' },
            text: 'On the first version.',
            createdAt: '2026-11-22T09:30:00.000Z',
          },
        ],
        updatedAt: '2026-11-22T09:30:00.000Z',
      },
    ]);
    await sync({ force: true });
    expect(await db.get('sent', saved.id)).toBeDefined();
    const history = await leadHistory(db, held.lead);
    // Before: twice under one id, the dead letter and the pulled copy.
    expect(history.filter((entry) => entry.id === saved.id)).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: saved.id, status: 'dead', note: 'Changed' });
    expect(history[0]!.replies.map((reply) => reply.text)).toEqual(['On the first version.']);
  });
});

describe('replies', () => {
  /** Mara's reply `n` to a verdict. */
  const replyTo = (feedbackId: string, n: number, text: string, createdAt = '2026-11-22T09:30:00.000Z') => ({
    id: `3a3a3a3a-0000-4000-8000-${String(n).padStart(12, '0')}`,
    feedbackId,
    author: { id: '4b4b4b4b-0000-4000-8000-000000000001', name: 'Mara Jensen' },
    text,
    createdAt,
  });
  /** The sent verdict as the workspace's feed gives it back to Ana, with these replies. */
  const record = (sent: { item: FeedbackItem }, replies: Array<ReturnType<typeof replyTo>>) => ({
    ...sent.item,
    rep: { id: LINK.member.id, name: 'Ana Ruiz' },
    replies,
    updatedAt: replies.at(-1)!.createdAt,
  });
  it('reach the popup after the workspace moved to another address and the rep linked to it', async () => {
    const { db, ws, saved, sync } = await setup();
    await sync();
    const sent = (await db.getAll('sent'))[0]!;
    // Sent when the workspace answered at its old address.
    await db.put('sent', { ...sent, workspaceUrl: 'https://old-sameroom.acme.test' });
    const reply = replyTo(saved.id, 71, 'Seen on the new address.');
    ws.setRecords([record(sent, [reply])]);
    await sync();
    // Before: kept at the old address, the reply was in the lead's panel but never the popup's.
    expect((await outboxStatus(db)).newReplies.map((notice) => notice.reply.text)).toEqual([reply.text]);
    expect((await db.get('sent', saved.id))?.workspaceUrl).toBe(LINK.workspaceUrl);
  });

  it('counts a reply past the workspace’s newest 100 as new, the list having slid', async () => {
    const { db, ws, saved, sync } = await setup();
    await sync();
    const sent = (await db.getAll('sent'))[0]!;
    const reply = (n: number) =>
      replyTo(saved.id, n, `Reply ${n}`, new Date(Date.UTC(2026, 10, 22, 9, 0, n)).toISOString());
    const first = Array.from({ length: LIMITS.replies }, (_, n) => reply(n + 1));
    await db.put('sent', { ...sent, replies: first, repliesSeen: first.length });
    // The newest 100 now: the first one gone, one more at the end.
    const slid = [...first.slice(1), reply(LIMITS.replies + 1)];
    ws.setRecords([record(sent, slid)]);
    await sync();
    // Before: 100 seen of 100, so the new one was never new.
    expect((await outboxStatus(db)).newReplies.map((notice) => notice.reply.text)).toEqual([
      `Reply ${LIMITS.replies + 1}`,
    ]);
  });

  it('pulls the rep’s items by cursor and shows new replies once', async () => {
    const { db, ws, saved, sync } = await setup();
    await sync();
    const sent = (await db.getAll('sent'))[0]!;
    const reply = replyTo(saved.id, 1, 'Thanks — we will pass on the demo request.');
    ws.setRecords([record(sent, [reply])]);
    await sync();
    expect(ws.pulls).toEqual(['0', '0']);
    const status = await outboxStatus(db);
    expect(status.newReplies.map((notice) => notice.reply.text)).toEqual([reply.text]);
    const history = await leadHistory(db, sent.item.lead);
    expect(history[0]?.replies[0]?.text).toBe(reply.text);
    await markRepliesSeen(db);
    expect((await outboxStatus(db)).newReplies).toEqual([]);
    await sync();
    expect(ws.pulls.at(-1)).toBe('1');
  });
});

describe('replies after another rep linked this browser', () => {
  /** A verdict of `member` on the record, sent, with one reply to them not seen yet. */
  const sentWithReply = (member: { id: string; name: string }, n: number, recordId: string) => {
    const id = `7d8e2f4a-1b3c-4d5e-8f90-${String(9900 + n).padStart(12, '0')}`;
    return withUnseenMark({
      item: {
        id,
        campaignId: null,
        lead: { crm: 'hubspot', objectType: 'contact', recordId },
        signals: {},
        verdict: 'good_fit',
        createdAt: '2026-11-20T10:00:00.000Z',
      },
      workspaceUrl: LINK.workspaceUrl,
      member: { id: member.id, name: member.name },
      leadKey: `hubspot:contact:${recordId}`,
      sentAt: '2026-11-20T10:01:00.000Z',
      replies: [
        {
          id: `3a3a3a3a-0000-4000-8000-${String(9900 + n).padStart(12, '0')}`,
          feedbackId: id,
          author: { id: '4b4b4b4b-0000-4000-8000-000000000001', name: 'Mara Jensen' },
          text: `For ${member.name}`,
          createdAt: '2026-11-22T09:30:00.000Z',
        },
      ],
      repliesSeen: 0,
    });
  };

  it('marks seen only the linked rep’s replies: another rep’s on the same lead stay new for them', async () => {
    const db = await openSameroomDb();
    const leadKey = 'hubspot:contact:61230';
    const ben = { id: 'b0b0b0b0-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ben Okafor' };
    for (const [n, member] of [LINK.member, ben].entries())
      await db.put('sent', sentWithReply(member, n, '61230'));
    await relink(db, LINK);
    // Ana's panel on the lead, then her popup's "seen".
    await markRepliesSeen(db, leadKey);
    await markRepliesSeen(db);
    expect((await outboxStatus(db)).newReplies).toEqual([]);
    await relink(db, { ...LINK, member: { ...LINK.member, ...ben } });
    expect((await outboxStatus(db)).newReplies.map((notice) => notice.reply.text)).toEqual([
      'For Ben Okafor',
    ]);
  });

  it('lists no one’s replies while no one is linked: the laptop handed on shows and counts none', async () => {
    const db = await openSameroomDb();
    await db.put('sent', sentWithReply(LINK.member, 11, '61231'));
    // Unlinked (before: every rep's replies were listed, the badge counted them, and opening the popup
    // marked them seen for their rep).
    expect((await outboxStatus(db)).newReplies).toEqual([]);
    await relink(db, LINK);
    expect((await outboxStatus(db)).newReplies.map((notice) => notice.reply.text)).toEqual(['For Ana Ruiz']);
  });

  /** A link as linkWorkspace keeps it: stored, and in the background's memory. */
  const relink = async (db: Awaited<ReturnType<typeof openSameroomDb>>, link: typeof LINK) => {
    await db.put('link', link, 'current');
    keepLink(db, link);
  };

  it('pulls a member’s items from the start when the cursor was another member’s (or another workspace’s)', async () => {
    const { db, ws, sync } = await setup();
    await sync();
    const sent = (await db.getAll('sent'))[0]!;
    ws.setRecords([
      {
        ...sent.item,
        rep: { id: LINK.member.id, name: 'Ana Ruiz' },
        replies: [],
        updatedAt: sent.item.createdAt,
      },
    ]);
    await sync();
    await sync();
    expect(ws.pulls).toEqual(['0', '0', '1']);
    // Ben links this browser to the same workspace: the cursor, a place among every member's changes,
    // had passed changes of his that came before it.
    const ben = {
      ...LINK,
      token: 'tok_bbbbbbbbbbbbbbbbbbbbbbbb',
      member: { ...LINK.member, id: 'b0b0b0b0-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ben Okafor' },
    };
    await relink(db, ben);
    await sync();
    expect(ws.pulls.at(-1)).toBe('0');
    await sync();
    expect(ws.pulls.at(-1)).toBe('1');
    // And Ana again: hers from the start too.
    await relink(db, LINK);
    await sync();
    expect(ws.pulls.at(-1)).toBe('0');
    // A new workspace at the same address (its changes counted from the start again).
    await relink(db, {
      ...LINK,
      workspace: { ...LINK.workspace, id: 'c0c0c0c0-2b4e-4c6d-8e0f-1a2b3c4d5e6f' },
    });
    await sync();
    expect(ws.pulls.at(-1)).toBe('0');
  });
});

describe('one run at a time', () => {
  it('a call during a run waits for it and runs once more', async () => {
    let runs = 0;
    let release!: () => void;
    const run = singleFlight(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      return runs;
    });
    const first = run();
    const second = run();
    const third = run();
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    expect(await third).toBe(2);
  });
});

describe('afterQuiet: the bookkeeping after a burst of clicks', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once after the clicks stop, not once per click', async () => {
    const run = vi.fn(async () => undefined);
    const changed = afterQuiet(run, 100, 500);
    for (let n = 0; n < 5; n++) {
      changed();
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledOnce();
    changed();
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('runs at the latest maxMs after the first change of a burst that does not stop', async () => {
    const run = vi.fn(async () => undefined);
    const changed = afterQuiet(run, 100, 500);
    for (let n = 0; n < 30; n++) {
      changed();
      await vi.advanceTimersByTimeAsync(50);
    }
    // 1.5 s of clicks every 50 ms: a pass every 500 ms, not none until they stop.
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('keeps going after a pass that failed', async () => {
    const run = vi.fn(async () => {
      throw new Error('IndexedDB went away');
    });
    const changed = afterQuiet(run, 100, 500);
    changed();
    await vi.advanceTimersByTimeAsync(100);
    changed();
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
