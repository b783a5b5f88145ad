import { describe, expect, it } from 'vitest';
import { leadBrief, leadView, pickCampaign } from '../../../lib/background/lead';
import { linkWorkspace, unlinkWorkspace } from '../../../lib/background/link';
import { verdict } from '../../../lib/background/verdicts';
import { openSameroomDb } from '../../../lib/store/db';
import { keepAtStart, keepPick, keptCampaigns, keptLink, keptPicks } from '../../../lib/store/kept';
import { brief } from '../../support/examples';
import { LINK, verdictInput, WORKSPACE } from '../outbox/fake-workspace';

const NOW = new Date('2026-11-22T09:00:00.000Z');
const LEAD = {
  crm: 'salesforce' as const,
  objectType: 'lead' as const,
  recordId: '00Q5g00000A1b2cEAB',
  signals: { utmCampaign: 'hm26' },
};
const match = (utm: string) => ({ campaignIds: [], utmCampaigns: [utm], leadSources: [], keywords: [] });

/** A workspace that links with this member and serves these briefs. */
function workspaceServing(member: typeof LINK.member, briefs: ReturnType<typeof brief>[]) {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.endsWith('/api/v1/link'))
      return Response.json({ token: LINK.token, member, workspace: LINK.workspace });
    if (url.endsWith('/api/v1/campaigns')) return Response.json({ campaigns: briefs });
    return Response.json({ error: { code: 'not_found', message: 'No such route.' } }, { status: 404 });
  }) as typeof fetch;
}

describe('the link and the briefs kept in memory (issue 11)', () => {
  it('reads the disk once for many lead pages and clicks', async () => {
    const db = await openSameroomDb();
    await linkWorkspace(
      db,
      { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
      {
        now: NOW,
        fetchFn: workspaceServing(LINK.member, [
          brief({ name: 'Hannover', status: 'active', match: match('hm26') }),
        ]),
      },
    );
    const reads: string[] = [];
    const get = db.get.bind(db);
    db.get = ((store: Parameters<typeof get>[0], key: Parameters<typeof get>[1]) => {
      reads.push(store);
      return get(store, key);
    }) as typeof db.get;
    for (let n = 0; n < 5; n++) {
      expect(await leadBrief(db, LEAD, { now: NOW })).toMatchObject({
        state: 'matched',
        brief: { name: 'Hannover' },
      });
      await verdict(db, verdictInput(), NOW);
    }
    // What a move between records waits for comes from memory: the link, the briefs, the picks.
    expect(reads).toEqual([]);
    await db.get('sync', 'current');
    expect(reads).toEqual(['sync']); // the counting works
  });

  it('never shows what the disk no longer holds: a new link, new briefs, an unlink', async () => {
    const db = await openSameroomDb();
    const link = (member: typeof LINK.member, name: string) =>
      linkWorkspace(
        db,
        { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
        {
          now: NOW,
          fetchFn: workspaceServing(member, [brief({ name, status: 'active', match: match('hm26') })]),
        },
      );
    await link(LINK.member, 'Hannover');
    expect(await leadView(db, LEAD, { now: NOW })).toMatchObject({
      brief: { name: 'Hannover' },
      me: { member: { name: 'Ana Ruiz' } },
    });
    // Linked again as someone else, with other briefs: both are seen at once.
    await link({ ...LINK.member, name: 'Ben Okafor' }, 'Webinar week');
    expect(await leadView(db, LEAD, { now: NOW })).toMatchObject({
      brief: { name: 'Webinar week' },
      me: { member: { name: 'Ben Okafor' } },
    });
    const saved = await verdict(db, verdictInput({ campaignId: null }), NOW);
    expect(saved.status).toBe('held');
    // Unlinked: nothing is shown and a click is refused, as with nothing on disk.
    await unlinkWorkspace(db, { fetchFn: (async () => new Response(null, { status: 204 })) as typeof fetch });
    expect(await leadView(db, LEAD, { now: NOW })).toEqual({ state: 'notLinked' });
    await expect(verdict(db, verdictInput(), NOW)).rejects.toThrow(/not linked|link/i);
  });

  it('names a verdict by its campaign from memory', async () => {
    const db = await openSameroomDb();
    const hannover = brief({ name: 'Hannover', status: 'active', match: match('hm26') });
    await linkWorkspace(
      db,
      { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
      { now: NOW, fetchFn: workspaceServing(LINK.member, [hannover]) },
    );
    const saved = await verdict(db, verdictInput({ campaignId: hannover.id }), NOW);
    expect((await db.get('outbox', saved.id))?.campaignName).toBe('Hannover');
  });

  it('the worker reads both at start, so the first page after a browser start finds them in memory', async () => {
    const stored = await openSameroomDb();
    await stored.put('link', LINK, 'current');
    stored.close();
    // A worker started afresh: its own connection, nothing in memory yet.
    const db = await openSameroomDb();
    await keepAtStart(db);
    const reads: string[] = [];
    const get = db.get.bind(db);
    db.get = ((store: Parameters<typeof get>[0], key: Parameters<typeof get>[1]) => {
      reads.push(store);
      return get(store, key);
    }) as typeof db.get;
    expect(await keptLink(db)).toMatchObject({ workspaceUrl: WORKSPACE });
    expect(await keptCampaigns(db)).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it("keeps the rep's picks as they are written: a pick and its undoing show without a read", async () => {
    const db = await openSameroomDb();
    await linkWorkspace(
      db,
      { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
      {
        now: NOW,
        fetchFn: workspaceServing(LINK.member, [
          brief({ name: 'Nordics', status: 'active', match: match('x') }),
        ]),
      },
    );
    const other = { ...LEAD, signals: {} };
    expect(await leadBrief(db, other, { now: NOW })).toMatchObject({ state: 'noMatch' });
    const view = (await leadView(db, other, { now: NOW })) as {
      state: 'noMatch';
      choices: Array<{ id: string }>;
    };
    await pickCampaign(db, other, view.choices[0]!.id, { now: NOW });
    expect(await leadBrief(db, other, { now: NOW })).toMatchObject({
      state: 'matched',
      brief: { name: 'Nordics' },
    });
    // A fresh read agrees with memory.
    const again = await openSameroomDb();
    expect(await leadBrief(again, other, { now: NOW })).toMatchObject({ state: 'matched' });
    await pickCampaign(db, other, null, { now: NOW });
    expect(await leadBrief(db, other, { now: NOW })).toMatchObject({ state: 'noMatch' });
  });

  it('reads the picks again after a failed read, even when a pick was written while it was on its way', async () => {
    const db = await openSameroomDb();
    await db.put('picks', { campaignId: 'c-1', pickedAt: NOW.toISOString() }, 'lead-a');
    const transaction = db.transaction.bind(db);
    db.transaction = (() => {
      throw new Error('IndexedDB went away');
    }) as unknown as typeof db.transaction;
    const failing = keptPicks(db);
    // A pick committed while that read is still on its way.
    keepPick(db, 'lead-b', { campaignId: 'c-2', pickedAt: NOW.toISOString() });
    await expect(failing).rejects.toThrow('IndexedDB went away');
    db.transaction = transaction;
    await db.put('picks', { campaignId: 'c-2', pickedAt: NOW.toISOString() }, 'lead-b');
    const picks = await keptPicks(db);
    expect([...picks.keys()].sort()).toEqual(['lead-a', 'lead-b']);
  });
});
