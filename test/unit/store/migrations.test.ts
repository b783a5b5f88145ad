import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { markRepliesSeen, outboxStatus } from '../../../lib/outbox/outbox';
import { syncOutbox } from '../../../lib/outbox/sync';
import { settingsItem } from '../../../lib/platform/settings';
import { DEFAULT_SETTINGS, SETTINGS_VERSION } from '../../../lib/settings';
import { DB_NAME, DB_VERSION, openSameroomDb } from '../../../lib/store/db';
import { fakeWorkspace, LINK } from '../outbox/fake-workspace';

/** The database as version 1 left it: link, campaign cache and picks. Frozen: never edit. */
async function createV1(): Promise<void> {
  const db = await openDB(DB_NAME, 1, {
    upgrade(raw) {
      raw.createObjectStore('link');
      raw.createObjectStore('campaigns');
      raw.createObjectStore('picks');
    },
  });
  await db.put('link', LINK, 'current');
  await db.put(
    'picks',
    { campaignId: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d', pickedAt: '2026-11-01T00:00:00Z' },
    'salesforce:lead:00Q5g00000A1b2cEAB',
  );
  db.close();
}

/** Version 2 added the outbox, the sent verdicts and the sync state. Frozen: never edit. */
async function createV2WithUnsent(): Promise<string[]> {
  await createV1();
  const db = await openDB(DB_NAME, 2, {
    upgrade(raw) {
      raw.createObjectStore('outbox', { keyPath: 'item.id' }).createIndex('by-lead', 'leadKey');
      raw.createObjectStore('sent', { keyPath: 'item.id' }).createIndex('by-lead', 'leadKey');
      raw.createObjectStore('sync');
    },
  });
  const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
  for (const [index, id] of ids.entries()) {
    await db.put('outbox', {
      item: {
        id,
        campaignId: null,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: `5123${index}` },
        signals: {},
        verdict: 'not_ready',
        createdAt: '2026-11-20T10:00:00.000Z',
      },
      workspaceUrl: LINK.workspaceUrl,
      leadKey: `hubspot:contact:5123${index}`,
      campaignName: null,
      state: index === 0 ? 'pending' : 'held',
      heldUntil: '2026-11-20T10:00:10.000Z',
      queuedAt: '2026-11-20T10:00:00.000Z',
      attempts: 3,
      problem: 'The workspace could not be reached.',
    });
  }
  db.close();
  return ids;
}

/** Version 3 indexed the outbox by workspace. Frozen: never edit. */
async function createV3WithUnsent(): Promise<string[]> {
  const ids = await createV2WithUnsent();
  const db = await openDB(DB_NAME, 3, {
    upgrade(_raw, _old, _new, transaction) {
      transaction.objectStore('outbox').createIndex('by-workspace', 'workspaceUrl');
    },
  });
  db.close();
  return ids;
}

/** Version 4 added the drafts. Frozen: never edit. Two sent verdicts: one reply unseen, one seen. */
async function createV4WithReplies(): Promise<void> {
  await createV3WithUnsent();
  const db = await openDB(DB_NAME, 4, {
    upgrade(raw) {
      raw.createObjectStore('drafts');
    },
  });
  const reply = (id: string, feedbackId: string) => ({
    id,
    feedbackId,
    author: { id: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e', name: 'Mara Jensen' },
    text: 'Thanks, noted.',
    createdAt: '2026-11-21T10:00:00.000Z',
  });
  for (const [index, seen] of [0, 1].entries()) {
    const id = `3333333${index}-3333-4333-8333-333333333333`;
    await db.put('sent', {
      item: {
        id,
        campaignId: null,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: `6123${index}` },
        signals: {},
        verdict: 'good_fit',
        createdAt: '2026-11-20T10:00:00.000Z',
      },
      workspaceUrl: LINK.workspaceUrl,
      leadKey: `hubspot:contact:6123${index}`,
      sentAt: '2026-11-20T10:01:00.000Z',
      replies: [reply(`4444444${index}-4444-4444-8444-444444444444`, id)],
      repliesSeen: seen,
    });
  }
  db.close();
}

describe('IndexedDB schema upgrades', () => {
  it('marks the sent verdicts of a version 4 database that have unseen replies, and only those', async () => {
    await createV4WithReplies();
    const db = await openSameroomDb();
    expect(db.version).toBe(DB_VERSION);
    expect(await db.count('sent')).toBe(2);
    const unseen = await db.getAllFromIndex('sent', 'by-unseen', 1);
    expect(unseen.map((entry) => entry.leadKey)).toEqual(['hubspot:contact:61230']);
    expect((await outboxStatus(db)).newReplies).toHaveLength(1);
    // Another lead's panel marks nothing of this one's; its own panel does.
    await markRepliesSeen(db, 'hubspot:contact:99999');
    expect(await db.countFromIndex('sent', 'by-unseen', 1)).toBe(1);
    await markRepliesSeen(db, 'hubspot:contact:61230');
    expect(await db.countFromIndex('sent', 'by-unseen', 1)).toBe(0);
    expect((await outboxStatus(db)).newReplies).toEqual([]);
  });

  it('marks seen only the replies shown when told which, so one pulled since stays new', async () => {
    await createV4WithReplies();
    const db = await openSameroomDb();
    const [entry] = await db.getAllFromIndex('sent', 'by-unseen', 1);
    const shown = (await outboxStatus(db)).newReplies.map((notice) => notice.reply.id);
    // A second reply pulled after the popup read its list.
    const later = {
      ...entry!.replies[0]!,
      id: '55555555-5555-4555-8555-555555555555',
      text: 'One more thing.',
    };
    await db.put('sent', { ...entry!, replies: [...entry!.replies, later] });
    await markRepliesSeen(db, undefined, shown);
    expect((await outboxStatus(db)).newReplies.map((notice) => notice.reply.text)).toEqual([
      'One more thing.',
    ]);
    expect(await db.countFromIndex('sent', 'by-unseen', 1)).toBe(1);
    // Shown ids already seen change nothing; the rest marked when shown.
    await markRepliesSeen(db, undefined, shown);
    expect((await db.get('sent', entry!.item.id))!.repliesSeen).toBe(1);
    await markRepliesSeen(db, undefined, [later.id]);
    expect(await db.countFromIndex('sent', 'by-unseen', 1)).toBe(0);
  });

  it('keeps the unsent verdicts of a version 3 database and adds an empty drafts store', async () => {
    const ids = await createV3WithUnsent();
    const db = await openSameroomDb();
    expect(db.version).toBe(DB_VERSION);
    const kept = await db.getAllFromIndex('outbox', 'by-workspace', LINK.workspaceUrl);
    expect(kept.map((entry) => entry.item.id).sort()).toEqual(ids);
    expect(await db.count('drafts')).toBe(0);
  });

  it('keeps the link and the picks of a version 1 database', async () => {
    await createV1();
    const db = await openSameroomDb();
    expect(db.version).toBe(DB_VERSION);
    expect((await db.get('link', 'current'))?.token).toBe(LINK.token);
    expect(await db.count('picks')).toBe(1);
    expect(await db.count('outbox')).toBe(0);
  });

  it('keeps the unsent verdicts of a version 2 database, and sends them after the upgrade', async () => {
    const ids = await createV2WithUnsent();
    const db = await openSameroomDb();
    const kept = await db.getAllFromIndex('outbox', 'by-workspace', LINK.workspaceUrl);
    expect(kept.map((entry) => entry.item.id).sort()).toEqual(ids);
    expect((await outboxStatus(db)).pending).toBe(1);
    const ws = fakeWorkspace();
    const report = await syncOutbox(db, { now: () => new Date('2026-11-22T09:00:00Z'), fetchFn: ws.fetchFn });
    expect(report.sent).toBe(2);
    expect(
      ws.posts
        .flat()
        .map((item) => item.id)
        .sort(),
    ).toEqual(ids);
  });
});

describe('the first build’s version 1 (link alone)', () => {
  it('gets the campaign cache and the picks it lacked, and keeps its link', async () => {
    // 0ce8c0e made version 1 with `link` only; campaigns and picks joined version 1 in 2140b00.
    const first = await openDB(DB_NAME, 1, {
      upgrade(raw) {
        raw.createObjectStore('link');
      },
    });
    await first.put('link', LINK, 'current');
    first.close();
    const db = await openSameroomDb();
    expect(await db.count('campaigns')).toBe(0);
    expect(await db.count('picks')).toBe(0);
    expect(await db.get('link', 'current')).toEqual(LINK);
    db.close();
  });
});

describe('settings versions', () => {
  it('upgrades a version 1 settings object (CRM switches only) to the current version', async () => {
    await fakeBrowser.storage.local.set({ settings: { crms: { hubspot: false } }, settings$: { v: 1 } });
    await settingsItem.migrate(); // as at the start of any part of the extension after an update
    expect(await settingsItem.getValue()).toEqual({ ...DEFAULT_SETTINGS, enabledCrms: { hubspot: false } });
    expect((await fakeBrowser.storage.local.get('settings$')).settings$).toEqual({ v: SETTINGS_VERSION });
  });

  it('keeps current settings whose version mark was never written (the browser closed between the two writes)', async () => {
    // WXT writes the value, then its version mark, in two writes: closed between them, the value is today's
    // and the mark missing, which reads as version 1. The rep's switches, sites and privacy choice stay.
    const site = {
      id: 'site-1',
      label: 'Twenty',
      match: 'https://twenty.acme-internal.test/*',
      recordPattern: '/object/person/(?<id>[0-9a-f-]{36})',
      recordQuery: [],
      objectType: 'person',
      fields: {},
    };
    const current = { enabledCrms: { hubspot: false }, sendRecordUrl: false, customSites: [site] };
    await fakeBrowser.storage.local.set({ settings: current });
    await settingsItem.migrate();
    expect(await settingsItem.getValue()).toEqual(current);
  });

  it('starts a new install at version 2 with the defaults', async () => {
    expect(await settingsItem.getValue()).toEqual(DEFAULT_SETTINGS);
  });
});
