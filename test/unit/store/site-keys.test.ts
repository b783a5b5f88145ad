import { describe, expect, it } from 'vitest';
import { leadBrief, leadView, pickCampaign } from '../../../lib/background/lead';
import { linkWorkspace } from '../../../lib/background/link';
import { keyWithoutSite, leadKeyOf } from '../../../lib/campaigns/lead-key';
import { customAdapter } from '../../../lib/crm/custom';
import { leadHistory, markRepliesSeen } from '../../../lib/outbox/outbox';
import { type FeedbackItem, requests } from '../../../lib/protocol';
import { checkCustomSite } from '../../../lib/settings/custom-site';
import { type OutboxEntry, openSameroomDb, withUnseenMark } from '../../../lib/store/db';
import { keepDraft, keptDraft, leadDraftKey } from '../../../lib/store/drafts';
import { brief, feedbackItem } from '../../support/examples';
import { LINK, WORKSPACE } from '../outbox/fake-workspace';

const NOW = new Date('2026-12-07T09:00:00.000Z');

/** Two teams' self-hosted CRMs, each numbering its leads from 1. */
function site(host: string, id: string) {
  const checked = checkCustomSite(
    {
      label: host,
      match: `https://${host}/*`,
      recordPattern: '/leads/(?<id>\\d+)',
      recordQuery: '',
      objectType: 'lead',
      fields: {
        leadSource: { selector: '', label: '' },
        utmCampaign: { selector: '', label: '' },
        region: { selector: '', label: '' },
      },
    },
    id,
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return customAdapter(checked.site);
}
const north = site('crm.north.test', 'site-1');
const south = site('crm.south.test', 'site-2');
const leadOn = (adapter: typeof north, host: string) => ({
  crm: 'custom' as const,
  ...adapter.recognise(new URL(`https://${host}/leads/1`))!,
  signals: {},
});
const NORTH = leadOn(north, 'crm.north.test');
const SOUTH = leadOn(south, 'crm.south.test');

describe('a custom site’s records are its own', () => {
  it('are known by their site: record 1 of two custom CRMs is two leads', () => {
    expect(NORTH).toMatchObject({ recordId: '1', site: 'crm.north.test' });
    expect(SOUTH).toMatchObject({ recordId: '1', site: 'crm.south.test' });
    expect(leadKeyOf(NORTH)).toBe('custom:lead:1@crm.north.test');
    expect(leadKeyOf(SOUTH)).not.toBe(leadKeyOf(NORTH));
    expect(keyWithoutSite(leadKeyOf(NORTH))).toBe('custom:lead:1');
    // A built-in CRM's keys are as they were.
    const salesforce = {
      crm: 'salesforce' as const,
      objectType: 'lead' as const,
      recordId: '00Q5g00000A1b2cEAB',
    };
    expect(leadKeyOf(salesforce)).toBe('salesforce:lead:00Q5g00000A1b2cEAB');
    expect(keyWithoutSite(leadKeyOf(salesforce))).toBeNull();
  });

  it('go to the workspace with their site, which only a custom site’s record names', () => {
    const lead = (overrides: Partial<FeedbackItem['lead']>): FeedbackItem['lead'] => ({
      crm: 'custom',
      objectType: 'lead',
      recordId: '1',
      ...overrides,
    });
    const check = (overrides: Partial<FeedbackItem['lead']>) =>
      requests.FeedbackItem.safeParse(feedbackItem({ lead: lead(overrides) }));
    expect(check({ site: 'crm.south.test' }).success).toBe(true);
    expect(check({ site: 'crm.acme.test:8443' }).success).toBe(true);
    expect(check({}).success).toBe(true); // an older extension's
    for (const refused of [
      { site: 'CRM.north.test' },
      { site: 'https://crm.north.test' },
      { site: 'crm.north.test/leads' },
      { site: '' },
      { crm: 'hubspot' as const, site: 'app.hubspot.com' },
    ])
      expect(check(refused).success, JSON.stringify(refused)).toBe(false);
  });

  it('find what was typed for them before keys carried the site, and move it to the key they have now', async () => {
    const db = await openSameroomDb();
    const typed = { note: 'Wants a price list first.', answers: {} };
    await keepDraft(db, leadDraftKey('custom:lead:1'), typed, NOW);
    expect(await keptDraft(db, leadDraftKey(leadKeyOf(NORTH)))).toEqual(typed);
    // Moved: kept under the new key alone, so a verdict sent from it forgets it.
    expect(await db.get('drafts', leadDraftKey('custom:lead:1'))).toBeUndefined();
    expect(await keptDraft(db, leadDraftKey(leadKeyOf(NORTH)))).toEqual(typed);
    expect(await keptDraft(db, leadDraftKey(leadKeyOf(SOUTH)))).toBeNull();
  });

  it('show their verdicts from before keys carried the site, not another site’s', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const entry = (id: string, lead: FeedbackItem['lead']): OutboxEntry => ({
      item: feedbackItem({ id, lead, campaignId: null }),
      workspaceUrl: WORKSPACE,
      member: { id: LINK.member.id, name: LINK.member.name },
      leadKey: leadKeyOf(lead),
      campaignName: null,
      state: 'pending',
      heldUntil: NOW.toISOString(),
      queuedAt: NOW.toISOString(),
      attempts: 0,
      problem: null,
    });
    const before = { crm: 'custom' as const, objectType: 'lead' as const, recordId: '1' };
    const ids = ['1', '2', '3', '4'].map((n) => `7d8e2f4a-1b3c-4d5e-8f90-00000000000${n}`);
    await db.put('outbox', entry(ids[0]!, { ...before, url: 'https://crm.north.test/leads/1' }));
    await db.put('outbox', entry(ids[1]!, { ...before, url: 'https://crm.south.test/leads/1' }));
    await db.put('outbox', entry(ids[2]!, before));
    await db.put('outbox', entry(ids[3]!, { ...before, site: 'crm.north.test' }));
    const shown = async (lead: typeof NORTH) => (await leadHistory(db, lead)).map((e) => e.id).sort();
    expect(await shown(NORTH)).toEqual([ids[0], ids[2], ids[3]]);
    expect(await shown(SOUTH)).toEqual([ids[1], ids[2]]);
    // A reply to one of them, seen on the record, is marked seen (the badge counts it no more).
    const reply = {
      id: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
      feedbackId: ids[0]!,
      author: { id: '2b3c4d5e-6f70-4a1b-8c2d-3e4f5a6b7c8d', name: 'Mara Jensen' },
      text: 'Thanks: we will call them.',
      createdAt: NOW.toISOString(),
    };
    const {
      state: _state,
      heldUntil: _held,
      queuedAt: _queued,
      attempts: _attempts,
      problem: _problem,
      ...sent
    } = entry(ids[0]!, { ...before, url: 'https://crm.north.test/leads/1' });
    await db.put(
      'sent',
      withUnseenMark({ ...sent, sentAt: NOW.toISOString(), replies: [reply], repliesSeen: 0 }),
    );
    await markRepliesSeen(db, leadKeyOf(NORTH), [reply.id]);
    expect((await db.get('sent', ids[0]!))?.repliesSeen).toBe(1);
  });

  it('keep the campaign picked for them before keys carried the site until it is picked again', async () => {
    const db = await openSameroomDb();
    await linkWorkspace(
      db,
      { joinLink: `${WORKSPACE}/join#AbCdEfGhIjKlMnOpQrStUv` },
      {
        now: NOW,
        fetchFn: (async (input: RequestInfo | URL) =>
          String(input).endsWith('/api/v1/link')
            ? Response.json({ token: LINK.token, member: LINK.member, workspace: LINK.workspace })
            : Response.json({
                campaigns: [
                  brief({ id: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c21', name: 'Nordics', status: 'active' }),
                  brief({ id: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c22', name: 'Iberia', status: 'active' }),
                ],
              })) as typeof fetch,
      },
    );
    await db.put(
      'picks',
      { campaignId: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c21', pickedAt: NOW.toISOString() },
      'custom:lead:1',
    );
    const fresh = await openSameroomDb(); // read from disk, as after a browser start
    expect(await leadBrief(fresh, NORTH, { now: NOW })).toMatchObject({
      state: 'matched',
      brief: { name: 'Nordics' },
    });
    await leadView(fresh, NORTH, { now: NOW });
    await pickCampaign(fresh, NORTH, null, { now: NOW });
    // Forgotten, the old pick does not come back from under the key without the site.
    expect(await leadBrief(fresh, NORTH, { now: NOW })).toMatchObject({ state: 'noMatch' });
    expect(await fresh.get('picks', 'custom:lead:1')).toBeUndefined();
  });
});
