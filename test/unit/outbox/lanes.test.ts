import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { unlinkWorkspace } from '../../../lib/background/link';
import { leadKeyOf } from '../../../lib/campaigns/lead-key';
import { saveVerdict, UNDO_MS, undoVerdict } from '../../../lib/outbox/outbox';
import { BACKOFF, BATCH_BYTES, LANES, syncOutbox } from '../../../lib/outbox/sync';
import type { FeedbackItem } from '../../../lib/protocol';
import { LIMITS } from '../../../lib/protocol';
import { openSameroomDb } from '../../../lib/store/db';
import { errorResponse, fakeWorkspace, LINK, verdictInput } from './fake-workspace';

// Sync sends up to LANES batches at once. These tests hold the rules that must survive that: each
// lead's items reach the workspace in order, Undo wins, a failure stops every lane, and nothing is
// lost or stored twice when the worker dies with batches on their way.

const START = new Date('2026-11-22T09:00:00.000Z');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

const recordId = (lead: number) => `00Q5g00000L${String(lead).padStart(4, '0')}EAB`;
const leadOf = (item: FeedbackItem) => leadKeyOf(item.lead);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

async function linked() {
  const db = await openSameroomDb();
  await db.put('link', LINK, 'current');
  const ws = fakeWorkspace();
  const sync = (extra: { force?: boolean } = {}) =>
    syncOutbox(db, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1, ...extra });
  return { db, ws, sync };
}

/** Queues `count` verdicts over `leads` leads (from lead `first`), interleaved, 1 ms apart. */
async function queue(db: Awaited<ReturnType<typeof linked>>['db'], count: number, leads: number, first = 0) {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const input = verdictInput();
    input.lead = { ...input.lead, recordId: recordId(first + (n % leads)) };
    ids.push((await saveVerdict(db, input, LINK, new Date())).id);
    vi.advanceTimersByTime(1);
  }
  return ids;
}

/** Each lead's items, in the order they reached the workspace. */
function arrivals(posts: FeedbackItem[][]): Map<string, FeedbackItem[]> {
  const byLead = new Map<string, FeedbackItem[]>();
  for (const item of posts.flat()) byLead.set(leadOf(item), [...(byLead.get(leadOf(item)) ?? []), item]);
  return byLead;
}

function expectEachLeadInOrder(posts: FeedbackItem[][]) {
  for (const items of arrivals(posts).values()) {
    const times = items.map((item) => item.createdAt);
    expect(times).toEqual([...times].sort());
  }
}

describe('batches in lanes', () => {
  it(`has at most ${LANES} batches on their way, never two with the same lead, each lead oldest first`, async () => {
    const { db, ws, sync } = await linked();
    const ids = await queue(db, 600, 4); // 150 a lead: more than one batch each
    vi.advanceTimersByTime(UNDO_MS);
    // Every answer takes a moment, so the lanes overlap.
    for (let n = 0; n < 10; n++) ws.answer(() => pause(5).then(() => undefined));

    const report = await sync();
    expect(report).toMatchObject({ sent: 600, dead: 0, waiting: 0, problem: null });
    expect(ws.maxInFlight).toBe(LANES);
    expect(ws.posts.every((batch) => batch.length <= 100)).toBe(true);
    const open = new Map<number, Set<string>>();
    for (const event of ws.events) {
      const leads = new Set(ws.posts[event.post]!.map(leadOf));
      if (event.kind === 'answered') {
        open.delete(event.post);
        continue;
      }
      for (const other of open.values()) expect([...leads].filter((lead) => other.has(lead))).toEqual([]);
      open.set(event.post, leads);
    }
    expectEachLeadInOrder(ws.posts);
    expect([...ws.stored.keys()].sort()).toEqual([...ids].sort());
    expect(ws.posts.flat()).toHaveLength(600);
    expect(await db.count('outbox')).toBe(0);
  });

  it('sends a lead’s next batch only after the workspace answered its previous one, while that one is settled', async () => {
    const { db, ws, sync } = await linked();
    await queue(db, 250, 1);
    vi.advanceTimersByTime(UNDO_MS);
    for (let n = 0; n < 3; n++) ws.answer(() => pause(5).then(() => undefined));
    expect((await sync()).sent).toBe(250);
    expect(ws.posts.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(ws.maxInFlight).toBe(1);
    expect(ws.events.map((event) => `${event.kind} ${event.post}`)).toEqual([
      'received 0',
      'answered 0',
      'received 1',
      'answered 1',
      'received 2',
      'answered 2',
    ]);
    expectEachLeadInOrder(ws.posts);
  });

  it('keeps each batch under half the workspace’s body limit when long notes and answers would pass it', async () => {
    const { db, ws, sync } = await linked();
    // The longest note and twenty answers in Japanese: about 20 KB an item, 2 MB for a hundred.
    const long = (length: number) => '営業'.repeat(length / 2);
    for (let n = 0; n < 100; n++) {
      const input = verdictInput();
      input.lead = { ...input.lead, recordId: recordId(n % 7) };
      input.note = long(LIMITS.note);
      input.answers = Array.from({ length: LIMITS.listItems }, () => ({
        question: long(20),
        answer: long(LIMITS.short),
      }));
      await saveVerdict(db, input, LINK, new Date());
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(UNDO_MS);

    expect(await sync()).toMatchObject({ sent: 100, dead: 0, waiting: 0, problem: null });
    const bodies = ws.posts.map((items) => new TextEncoder().encode(JSON.stringify({ items })).byteLength);
    expect(Math.max(...bodies)).toBeLessThanOrEqual(BATCH_BYTES + 100);
    expect(BATCH_BYTES).toBe(LIMITS.bodyBytes / 2);
    expect(ws.posts.flat()).toHaveLength(100);
    expectEachLeadInOrder(ws.posts);
    expect(await db.count('outbox')).toBe(0);
  });

  it('counts two spellings of one Salesforce record as one lead', async () => {
    const { db, ws, sync } = await linked();
    for (let n = 0; n < 150; n++) {
      const input = verdictInput();
      // The same record by its 15- and its 18-character id, as two pages of one org may show it.
      input.lead = { ...input.lead, recordId: n % 2 ? '00Q5g00000A1b2c' : '00Q5g00000A1b2cEAB' };
      await saveVerdict(db, input, LINK, new Date());
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(UNDO_MS);
    for (let n = 0; n < 2; n++) ws.answer(() => pause(5).then(() => undefined));
    expect((await sync()).sent).toBe(150);
    expect(ws.maxInFlight).toBe(1);
    const times = ws.posts.flat().map((item) => item.createdAt);
    expect(times).toEqual([...times].sort());
  });
});

describe('an item the workspace leaves unanswered', () => {
  it('holds back its lead’s later items until the next run, which sends them after it', async () => {
    const { db, ws, sync } = await linked();
    const ids = await queue(db, 150, 1);
    await queue(db, 20, 1, 3);
    vi.advanceTimersByTime(UNDO_MS);
    ws.answer(async (items) => {
      const { results } = (await ws.respond(items).json()) as { results: Array<{ id: string }> };
      ws.stored.delete(items[0]!.id);
      return Response.json({ results: [{ ...results[0], id: crypto.randomUUID() }, ...results.slice(1)] });
    });
    const first = await sync();
    expect(first).toMatchObject({ sent: 99 + 20, waiting: 51 });
    expect(ws.posts.map((batch) => batch.length)).toEqual([100, 20]);
    expect((await sync({ force: true })).sent).toBe(51);
    const lead0 = ws.posts.flat().filter((item) => item.lead.recordId === recordId(0));
    expect(lead0.slice(100).map((item) => item.id)).toEqual([ids[0], ...ids.slice(100)]);
    expect(ws.stored.size).toBe(170);
  });
});

describe('Unlink with batches on their way', () => {
  it('sends no batch once unlinked mid-run: what is not on its way waits for the link', async () => {
    const { db, ws, sync } = await linked();
    await queue(db, 250, 1);
    vi.advanceTimersByTime(UNDO_MS);
    const held = gate();
    ws.answer(() => held.opened.then(() => undefined));
    const run = sync();
    await vi.waitFor(() => expect(ws.posts).toHaveLength(1));
    // The rep unlinks while the lead's first batch is on its way (the revoke goes nowhere here).
    await unlinkWorkspace(db, { fetchFn: async () => new Response(null, { status: 204 }) });
    held.open();
    await run;
    // Before, the run went on with the token it started with: the next two batches were posted.
    expect(ws.posts).toHaveLength(1);
    expect(await db.count('outbox')).toBe(150);
  });
});

describe('Undo with batches on their way', () => {
  it('an item undone mid-run is never sent; the lead’s replacement goes after all its older items', async () => {
    const { db, ws, sync } = await linked();
    const older = await queue(db, 151, 1);
    await queue(db, 50, 1, 7); // and another lead, in another lane
    vi.advanceTimersByTime(UNDO_MS);
    const held = gate();
    ws.answer(() => held.opened.then(() => undefined));
    const run = sync();
    await vi.waitFor(() => expect(ws.posts.length).toBeGreaterThanOrEqual(1));

    // The rep changes their mind on that lead while its first batch is on its way.
    expect(ws.posts[0]![0]!.lead.recordId).toBe(recordId(0));
    const undoneInput = verdictInput({ verdict: 'spam' });
    undoneInput.lead = { ...undoneInput.lead, recordId: recordId(0) };
    const undone = await saveVerdict(db, undoneInput, LINK, new Date());
    expect(await undoVerdict(db, undone.id, new Date())).toBe(true);
    // An item already on its way cannot be taken back any more.
    expect(await undoVerdict(db, older[0]!, new Date())).toBe(false);
    const replacementInput = verdictInput({ verdict: 'won' });
    replacementInput.lead = { ...replacementInput.lead, recordId: recordId(0) };
    const replacement = await saveVerdict(db, replacementInput, LINK, new Date());
    vi.advanceTimersByTime(UNDO_MS); // its window closes while the run goes on
    held.open();

    const report = await run;
    expect(report.sent).toBe(151 + 50 + 1);
    const sent = ws.posts.flat().map((item) => item.id);
    expect(sent).not.toContain(undone.id);
    expect(new Set(sent).size).toBe(sent.length);
    const lead0 = arrivals(ws.posts).get(leadOf(ws.posts[0]![0]!))!;
    expect(lead0.map((item) => item.id)).toEqual([...older, replacement.id]);
    expect(ws.stored.has(undone.id)).toBe(false);
  });
});

describe('failures with batches on their way', () => {
  it('a batch failing while the others succeed: they are settled, it waits out the backoff, no lane takes more', async () => {
    const { db, ws, sync } = await linked();
    const ids = await queue(db, 600, 12);
    vi.advanceTimersByTime(UNDO_MS);
    ws.answer(
      () => pause(10).then(() => undefined),
      errorResponse(500, 'internal'),
      () => pause(10).then(() => undefined),
    );
    const first = await sync();
    expect(ws.posts).toHaveLength(3);
    expect(first.sent).toBe(200);
    expect(first.waiting).toBe(400);
    expect(first.nextRunAt).toBe(new Date(Date.now() + BACKOFF.baseMs).toISOString());
    const failed = new Set(ws.posts[1]!.map((item) => item.id));
    const pending = await db.getAll('outbox');
    expect(
      pending
        .filter((entry) => entry.attempts === 1)
        .map((entry) => entry.item.id)
        .sort(),
    ).toEqual([...failed].sort());

    await sync(); // before the backoff ends: nothing
    expect(ws.posts).toHaveLength(3);
    vi.advanceTimersByTime(BACKOFF.baseMs);
    expect((await sync()).sent).toBe(400);
    expectEachLeadInOrder(ws.posts.filter((_, post) => post !== 1)); // what the workspace stored
    expect([...ws.stored.keys()].sort()).toEqual([...ids].sort());
    const times = new Map<string, number>();
    for (const item of ws.posts.flat()) times.set(item.id, (times.get(item.id) ?? 0) + 1);
    expect(
      [...times]
        .filter(([, n]) => n > 1)
        .map(([id]) => id)
        .sort(),
    ).toEqual([...failed].sort());
  });

  it('a batch refused as a whole goes to dead letters while the others go on', async () => {
    const { db, ws, sync } = await linked();
    await queue(db, 600, 12);
    vi.advanceTimersByTime(UNDO_MS);
    ws.answer(() => pause(5).then(() => undefined), errorResponse(422, 'invalid_body'));
    const report = await sync();
    expect(report).toMatchObject({ sent: 500, dead: 100, waiting: 0, nextRunAt: null, problem: null });
    expect((await db.getAll('outbox')).every((entry) => entry.state === 'dead')).toBe(true);
  });

  it('429 with Retry-After on one lane stops every lane until then, and the longest wait asked is kept', async () => {
    const { db, ws, sync } = await linked();
    const ids = await queue(db, 600, 12);
    vi.advanceTimersByTime(UNDO_MS);
    ws.answer(
      () => pause(10).then(() => undefined),
      errorResponse(429, 'rate_limited', { 'Retry-After': '120' }),
      () => pause(5).then(() => errorResponse(503, 'unavailable', { 'Retry-After': '30' })),
    );
    const first = await sync();
    expect(ws.posts).toHaveLength(3);
    expect(first.sent).toBe(100);
    expect(first.nextRunAt).toBe(new Date(Date.now() + 120_000).toISOString());
    expect((await db.getAll('outbox')).filter((entry) => entry.attempts === 1)).toHaveLength(200);

    vi.advanceTimersByTime(60_000);
    await sync();
    expect(ws.posts).toHaveLength(3);
    vi.advanceTimersByTime(60_000);
    expect((await sync()).sent).toBe(500);
    expect([...ws.stored.keys()].sort()).toEqual([...ids].sort());
    expectEachLeadInOrder(ws.posts.filter((_, post) => post !== 1 && post !== 2));
  });

  it('401 on one lane pauses sync; the batches answered meanwhile are settled', async () => {
    const { db, ws, sync } = await linked();
    await queue(db, 600, 12);
    vi.advanceTimersByTime(UNDO_MS);
    ws.answer(() => pause(10).then(() => undefined), errorResponse(401, 'unauthorized'));
    const report = await sync();
    expect(report).toMatchObject({ paused: true, nextRunAt: null, sent: 200 });
    expect(ws.posts).toHaveLength(3);
    expect((await db.getAll('outbox')).every((entry) => entry.attempts === 0)).toBe(true);
  });
});

describe('the worker dies with batches on their way', () => {
  it('every unsettled item goes again, once, and the workspace stores each exactly once', async () => {
    const { db, ws, sync } = await linked();
    const ids = await queue(db, 300, 6); // three batches, one per lane
    vi.advanceTimersByTime(UNDO_MS);
    const never = new Promise<never>(() => undefined);
    // Answered and settled; stored by the workspace but the answer never arrives; never arrived.
    const script = [
      () => undefined,
      (items: FeedbackItem[]) => {
        ws.respond(items);
        return never;
      },
      () => never,
    ];
    ws.answer(...script);
    void sync();
    await vi.waitFor(async () => {
      expect(ws.posts).toHaveLength(3);
      expect(await db.count('outbox')).toBe(200);
    });
    db.close(); // the worker is gone; its run never ends

    const next = await openSameroomDb();
    const report = await syncOutbox(next, { now: () => new Date(), fetchFn: ws.fetchFn, random: () => 1 });
    expect(report).toMatchObject({ sent: 200, dead: 0, waiting: 0 });
    expect(await next.count('outbox')).toBe(0);
    expect(await next.count('sent')).toBe(300);
    expect([...ws.stored.keys()].sort()).toEqual([...ids].sort());
    const times = new Map<string, number>();
    for (const item of ws.posts.flat()) times.set(item.id, (times.get(item.id) ?? 0) + 1);
    const again = [...ws.posts[1]!, ...ws.posts[2]!].map((item) => item.id).sort();
    expect(
      [...times]
        .filter(([, n]) => n === 2)
        .map(([id]) => id)
        .sort(),
    ).toEqual(again);
    expect([...times.values()].every((n) => n <= 2)).toBe(true);
  });
});

describe('a proxy in front of the workspace whose body limit is below a batch', () => {
  /** nginx's answer past its client_max_body_size: its own page, not the workspace's envelope. */
  const tooLarge = () =>
    new Response('<html><body><center><h1>413 Request Entity Too Large</h1></center></body></html>', {
      status: 413,
      headers: { 'content-type': 'text/html' },
    });

  it('sends a refused batch again in halves until it passes: everything stored once', async () => {
    const { db, ws, sync } = await linked();
    const ids = await queue(db, 30, 30);
    vi.advanceTimersByTime(UNDO_MS);
    // The proxy takes up to 8 items' worth.
    ws.answer(
      ...Array.from(
        { length: 40 },
        () => (items: FeedbackItem[]) => (items.length > 8 ? tooLarge() : undefined),
      ),
    );
    const report = await sync();
    expect(report).toMatchObject({ sent: 30, dead: 0 });
    expect([...ws.stored.keys()].sort()).toEqual([...ids].sort());
    expect(await db.count('outbox')).toBe(0);
    expect(ws.posts.at(-1)!.length).toBeLessThanOrEqual(8);
  });

  it('makes an item refused alone a dead letter that says why, not a retry for ever', async () => {
    const { db, ws, sync } = await linked();
    await queue(db, 2, 2);
    vi.advanceTimersByTime(UNDO_MS);
    ws.answer(tooLarge, tooLarge, tooLarge);
    const report = await sync();
    expect(report).toMatchObject({ sent: 0, dead: 2 });
    const dead = await db.getAll('outbox');
    expect(dead.map((entry) => entry.state)).toEqual(['dead', 'dead']);
    expect(dead[0]!.problem).toMatch(/refused this as too large \(HTTP 413\)/);
    expect(ws.posts.map((post) => post.length)).toEqual([2, 1, 1]);
  });
});
