import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSalesforceId18 } from '../../lib/crm/salesforce-id';
import { type FeedbackItem, LIMITS, readCampaigns, readFeedbackPage, responses } from '../../lib/protocol';
import { canonicalHash } from '../../workspace/domain/canonical';
import { briefInput, feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

function item(campaignId: string | null, overrides: Partial<FeedbackItem> = {}): FeedbackItem {
  return feedbackItem({ id: randomUUID(), campaignId, ...overrides });
}

describe.each(DATABASES)('the workspace API on %s', (kind) => {
  let ws: TestWorkspace;
  let marketer: { id: string; token: string };
  let rep: { id: string; token: string };
  let campaignId: string;

  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
    marketer = await ws.join('marketer', 'Mara Jensen');
    rep = await ws.join('rep', 'Ana Ruiz', 'Iberia');
    const created = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body: briefInput() });
    expect(created.status).toBe(201);
    campaignId = ((await created.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await ws?.destroy();
  });

  const send = (token: string, items: unknown[]) =>
    ws.call('POST', '/api/v1/feedback', { token, body: { items } });
  const countFeedback = async () =>
    Number((await ws.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback'))[0]!.n);

  describe('linking', () => {
    it('trades a code for a token once; the code is then used up', async () => {
      const invite = await ws.call('POST', '/api/v1/invites', {
        token: ws.adminToken,
        body: { name: 'Liam', role: 'rep' },
      });
      const { code, joinUrl } = (await invite.json()) as { code: string; joinUrl: string };
      expect(joinUrl).toBe(`${ws.url}/join#${code}`);
      const first = await ws.call('POST', '/api/v1/link', { body: { code } });
      expect(first.status).toBe(200);
      const linked = responses.LinkResponse.parse(await first.json());
      expect(linked.member).toMatchObject({ name: 'Liam', role: 'rep' });
      expect(linked.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const again = await ws.call('POST', '/api/v1/link', { body: { code } });
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('used_code');
    });

    it('refuses an unknown code and an expired one, each with its own words', async () => {
      const unknown = await ws.call('POST', '/api/v1/link', { body: { code: 'not-a-real-code-at-all' } });
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('bad_code');
      const invite = await ws.call('POST', '/api/v1/invites', {
        token: ws.adminToken,
        body: { name: 'Old', role: 'rep' },
      });
      const { code, member } = (await invite.json()) as { code: string; member: { id: string } };
      await ws.db.query("UPDATE codes SET expires_at = now() - interval '1 second' WHERE member_id = $1", [
        member.id,
      ]);
      const expired = await ws.call('POST', '/api/v1/link', { body: { code } });
      expect(expired.status).toBe(401);
      const error = ((await expired.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('expired_code');
      expect(error.message).toMatch(/ask your workspace admin/);
    });

    it('keeps only hashes of tokens and codes', async () => {
      const tokens = await ws.db.query<{ hash: Uint8Array }>('SELECT hash FROM tokens');
      for (const { hash } of tokens) {
        expect(Buffer.from(hash)).toHaveLength(32);
        expect(Buffer.from(hash).toString('base64url')).not.toBe(rep.token);
      }
    });

    it('answers /me with the member and the workspace', async () => {
      const me = responses.Me.parse(await (await ws.call('GET', '/api/v1/me', { token: rep.token })).json());
      expect(me.member).toEqual({ id: rep.id, name: 'Ana Ruiz', role: 'rep', region: 'Iberia' });
      expect(me.workspace.name).toBe('Sameroom workspace');
    });
  });

  describe('campaigns', () => {
    it('shows reps every non-draft brief with derived break-even, and hides drafts', async () => {
      await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name: 'Secret draft', status: 'draft' }),
      });
      const read = readCampaigns(
        await (await ws.call('GET', '/api/v1/campaigns', { token: rep.token })).json(),
      );
      expect(read.ok && read.rejected).toEqual([]);
      const names = read.ok ? read.items.map((b) => b.name) : [];
      expect(names).toContain('Hannover Messe 2026');
      expect(names).not.toContain('Secret draft');
      const brief = read.ok ? read.items.find((b) => b.id === campaignId) : undefined;
      expect(brief?.economics).toMatchObject({ breakEvenDeals: 12, breakEvenDerived: true });
      const drafts = await ws.call('GET', '/api/v1/campaigns?include=drafts', { token: rep.token });
      expect(drafts.status).toBe(403);
      const all = readCampaigns(
        await (await ws.call('GET', '/api/v1/campaigns?include=drafts', { token: marketer.token })).json(),
      );
      expect(all.ok && all.items.map((b) => b.name)).toContain('Secret draft');
    });

    it('stores a brief sent again under its client-made id once (its first answer lost), and refuses another brief under that id', async () => {
      const id = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      const body = { ...briefInput({ name: 'Sent twice', status: 'draft' }), id };
      const first = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body });
      expect(first.status).toBe(201);
      const again = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body });
      expect(again.status).toBe(201);
      expect(((await again.json()) as { id: string }).id).toBe(id);
      const [{ count }] = (await ws.db.query<{ count: string }>(
        "SELECT count(*)::text AS count FROM briefs WHERE data->>'name' = 'Sent twice'",
      )) as [{ count: string }];
      expect(count).toBe('1');
      const other = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: { ...briefInput({ name: 'Another brief', status: 'draft' }), id },
      });
      expect(other.status).toBe(409);
    });

    it('refuses a brief whose derived break-even is out of bounds, and reads one stored before as without one', async () => {
      const economics = { ...briefInput().economics, budget: 1e9, avgDealValue: 1, grossMarginPct: 1 };
      const refused = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name: 'Never pays', economics }),
      });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(await refused.json())).toContain('more than 1,000,000 sales to break even');
      // Stored by a workspace that took it (before the bound): every list of campaigns still reads.
      const created = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name: 'Never pays' }),
      });
      const { id } = (await created.json()) as { id: string };
      await ws.db.query(`UPDATE briefs SET data = jsonb_set(data, '{economics}', $1::jsonb) WHERE id = $2`, [
        JSON.stringify(economics),
        id,
      ]);
      const read = readCampaigns(
        await (await ws.call('GET', '/api/v1/campaigns?include=drafts', { token: marketer.token })).json(),
      );
      expect(read.ok && read.rejected).toEqual([]);
      const never = read.ok ? read.items.find((b) => b.id === id) : undefined;
      expect(never?.economics).toMatchObject({ breakEvenDeals: null, breakEvenDerived: true });
      // Out of the other tests' way: a draft, with figures a brief may hold.
      await ws.call('PATCH', `/api/v1/campaigns/${id}`, {
        token: marketer.token,
        body: { status: 'draft', economics: briefInput().economics },
      });
    });

    it('answers 304 while nothing changed, and a new ETag after feedback arrives', async () => {
      const first = await ws.call('GET', '/api/v1/campaigns', { token: rep.token });
      const etag = first.headers.get('ETag')!;
      expect(etag).toMatch(/^"v\d+"$/);
      const same = await ws.call('GET', '/api/v1/campaigns', {
        token: rep.token,
        headers: { 'If-None-Match': etag },
      });
      expect(same.status).toBe(304);
      await send(rep.token, [item(campaignId)]);
      const changed = await ws.call('GET', '/api/v1/campaigns', {
        token: rep.token,
        headers: { 'If-None-Match': etag },
      });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('ETag')).not.toBe(etag);
    });

    it('patches a brief and refuses a patch that would make it invalid', async () => {
      const ok = await ws.call('PATCH', `/api/v1/campaigns/${campaignId}`, {
        token: marketer.token,
        body: { priority: 'low' },
      });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { priority: string }).priority).toBe('low');
      const bad = await ws.call('PATCH', `/api/v1/campaigns/${campaignId}`, {
        token: marketer.token,
        body: { endsOn: '2020-01-01' },
      });
      expect(bad.status).toBe(422);
      const missing = await ws.call('PATCH', `/api/v1/campaigns/${randomUUID()}`, {
        token: marketer.token,
        body: { priority: 'low' },
      });
      expect(missing.status).toBe(404);
    });

    it('refuses an edit made on a version of the brief that has changed since (If-Match), changing nothing', async () => {
      const read = readCampaigns(
        await (await ws.call('GET', '/api/v1/campaigns?include=drafts', { token: marketer.token })).json(),
      );
      const seen = (read.ok ? read.items : []).find((brief) => brief.id === campaignId)!;
      // A colleague saves first...
      const theirs = await ws.call('PATCH', `/api/v1/campaigns/${campaignId}`, {
        token: marketer.token,
        body: { priority: 'high' },
        headers: { 'If-Match': `"${seen.updatedAt}"` },
      });
      expect(theirs.status).toBe(200);
      // ...then this edit, made on the version read before theirs, is refused and theirs stays.
      const mine = await ws.call('PATCH', `/api/v1/campaigns/${campaignId}`, {
        token: marketer.token,
        body: { priority: 'low' },
        headers: { 'If-Match': `"${seen.updatedAt}"` },
      });
      expect(mine.status).toBe(412);
      expect(((await mine.json()) as { error: { code: string } }).error.code).toBe('changed');
      const now = (await theirs.json()) as { priority: string; updatedAt: string };
      expect(now.priority).toBe('high');
      const again = await ws.call('PATCH', `/api/v1/campaigns/${campaignId}`, {
        token: marketer.token,
        body: { priority: 'low' },
        headers: { 'If-Match': `"${now.updatedAt}"` },
      });
      expect(again.status).toBe(200);
    });
  });

  describe('feedback ingest', () => {
    it('stores each item once: created, then duplicate with nothing stored, conflict for other content', async () => {
      const first = item(campaignId);
      const before = await countFeedback();
      const created = await send(rep.token, [first]);
      expect(await created.json()).toEqual({ results: [{ id: first.id, status: 'created' }] });
      const duplicate = await send(rep.token, [first]);
      expect(await duplicate.json()).toEqual({ results: [{ id: first.id, status: 'duplicate' }] });
      const conflict = await send(rep.token, [{ ...first, verdict: 'spam' }]);
      expect(((await conflict.json()) as { results: Array<{ status: string }> }).results[0]?.status).toBe(
        'conflict',
      );
      expect(await countFeedback()).toBe(before + 1);
    });

    it('answers an id repeated within one batch like a resend: duplicate when the same, conflict when not', async () => {
      const once = item(campaignId);
      const before = await countFeedback();
      const response = await send(rep.token, [once, once, { ...once, verdict: 'spam' }]);
      const { results } = (await response.json()) as { results: Array<{ status: string }> };
      expect(results.map((r) => r.status)).toEqual(['created', 'duplicate', 'conflict']);
      expect(await countFeedback()).toBe(before + 1);
    });

    it('treats the same item from another member as a conflict, not a duplicate', async () => {
      const shared = item(campaignId);
      await send(rep.token, [shared]);
      const other = await send(marketer.token, [shared]);
      expect(((await other.json()) as { results: Array<{ status: string }> }).results[0]?.status).toBe(
        'conflict',
      );
    });

    it('answers invalid items with their reason, in order, and stores the valid ones', async () => {
      const good = item(campaignId);
      const unknownCampaign = item(randomUUID());
      const before = await countFeedback();
      const response = await send(rep.token, [
        { ...item(campaignId), verdict: 'maybe' },
        good,
        'garbage',
        { ...item(campaignId), leadName: 'Jane Doe' },
        unknownCampaign,
      ]);
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as {
        results: Array<{ id: string | null; status: string; error?: string }>;
      };
      expect(results.map((r) => r.status)).toEqual(['invalid', 'created', 'invalid', 'invalid', 'invalid']);
      expect(results[0]?.error).toMatch(/verdict/);
      expect(results[2]?.id).toBeNull();
      expect(results[4]).toMatchObject({ id: unknownCampaign.id, error: expect.stringMatching(/campaign/) });
      expect(await countFeedback()).toBe(before + 1);
    });

    it.each([
      ['no items', { items: [] }, 422],
      ['101 items', { items: Array.from({ length: 101 }, () => feedbackItem()) }, 422],
      ['items as an object', { items: { 0: 1 } }, 422],
      ['an extra key', { items: [feedbackItem()], admin: true }, 422],
      ['a body that is not JSON', 'items=1', 400],
      ['a body over one megabyte', { items: [{ note: 'x'.repeat(1_100_000) }] }, 413],
    ])('refuses a batch with %s, storing nothing', async (_, body, status) => {
      const before = await countFeedback();
      const response = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body });
      expect(response.status).toBe(status);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect(error.message.length).toBeGreaterThan(5);
      expect(await countFeedback()).toBe(before);
    });

    it('stores a verdict from a clock running ahead as given when it came, answers invalid a record address off its CRM, and stores addresses without their fragment but a custom site’s route to the record', async () => {
      const sentAt = Date.now();
      const soon = new Date(sentAt + 4 * 60_000).toISOString();
      const later = new Date(sentAt + 365 * 86_400_000).toISOString();
      const lead = (crm: 'salesforce' | 'custom', url: string) => ({
        crm,
        objectType: 'lead' as const,
        recordId: '00Q5g00000A1b2cEAB',
        url,
      });
      const sf = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
      const items = [
        item(campaignId, { createdAt: soon }),
        item(campaignId, { createdAt: later }),
        item(campaignId, { lead: lead('salesforce', 'https://evil.example/lightning/r/Lead/x/view') }),
        item(campaignId, { lead: lead('salesforce', `${sf}#secret-fragment`) }),
        item(campaignId, { lead: lead('custom', 'https://crm.acme.example/leads/7#tab=notes') }),
        item(campaignId, { lead: lead('custom', 'http://crm.acme.example/leads/7') }),
        // A fragment-routed custom site (SuiteCRM 8): its record's route is the fragment, and is kept.
        item(campaignId, {
          lead: lead('custom', 'https://crm.acme.example/#/leads/record/00Q5g00000A1b2cEAB'),
        }),
        // A built-in CRM's never is, whatever it holds.
        item(campaignId, { lead: lead('salesforce', `${sf}#00Q5g00000A1b2cEAB`) }),
        // A custom site's fragment that holds the id only inside something else (a token): it goes.
        item(campaignId, {
          lead: {
            ...lead('custom', 'https://crm.acme.example/leads/7#tab=notes&token=a7f3c9'),
            recordId: '7',
          },
        }),
        // One that holds it as a whole token (Odoo's route): kept.
        item(campaignId, {
          lead: { ...lead('custom', 'https://crm.acme.example/web#id=7&model=crm.lead&'), recordId: '7' },
        }),
      ];
      const response = await send(rep.token, items);
      const { results } = (await response.json()) as { results: Array<{ status: string; error?: string }> };
      expect(results.map((r) => r.status)).toEqual([
        'created',
        'created',
        'invalid',
        'created',
        'created',
        'invalid',
        'created',
        'created',
        'created',
        'created',
      ]);
      // Dated minutes and a year ahead: neither is the lead's latest until then (clock-ahead.test.ts).
      const ahead = await ws.db.query<{ created_at: Date }>(
        'SELECT created_at FROM feedback WHERE id = ANY($1::uuid[])',
        [[items[0]!.id, items[1]!.id]],
      );
      for (const { created_at } of ahead) expect(created_at.getTime()).toBeLessThanOrEqual(Date.now());
      expect(results[2]?.error).toMatch(/lead\.url: is not an address of salesforce/);
      expect(results[5]?.error).toMatch(/lead\.url: must be an https address/);
      const stored = await ws.db.query<{ id: string; url: string }>(
        'SELECT id, url FROM feedback WHERE id = ANY($1::uuid[])',
        [[items[3]!.id, items[4]!.id, items[6]!.id, items[7]!.id, items[8]!.id, items[9]!.id]],
      );
      expect(Object.fromEntries(stored.map((r) => [r.id, r.url]))).toEqual({
        [items[3]!.id]: sf,
        [items[4]!.id]: 'https://crm.acme.example/leads/7',
        [items[6]!.id]: 'https://crm.acme.example/#/leads/record/00Q5g00000A1b2cEAB',
        [items[7]!.id]: sf,
        [items[8]!.id]: 'https://crm.acme.example/leads/7',
        [items[9]!.id]: 'https://crm.acme.example/web#id=7&model=crm.lead&',
      });
      // Year 0000 passes the ISO format but not PostgreSQL: that item is invalid, its batch is stored,
      // and a period starting then is a 422, never a 500.
      const yearZero = [item(campaignId, { createdAt: '0000-01-01T00:00:00.000Z' }), item(campaignId)];
      const zero = (await (await send(rep.token, yearZero)).json()) as {
        results: Array<{ status: string; error?: string }>;
      };
      expect(zero.results.map((r) => r.status)).toEqual(['invalid', 'created']);
      expect(zero.results[0]?.error).toMatch(/createdAt: must be in year 0001 or later/);
      for (const path of [
        '/api/v1/insights',
        '/api/v1/feedback/matrix',
        '/api/v1/answers',
        '/api/v1/feedback',
      ])
        expect((await ws.call('GET', `${path}?from=0000-01-01`, { token: marketer.token })).status).toBe(422);
      // A resend of the same item (fragment and all) is a duplicate, not a conflict.
      const again = await send(rep.token, [items[3]]);
      expect(((await again.json()) as { results: Array<{ status: string }> }).results[0]?.status).toBe(
        'duplicate',
      );
      // The hash kept is the item's as sent, not as stored: which fragments are kept is a rule an upgrade
      // may change, and a resend after a lost answer stays a duplicate across it...
      const hashOf = async (id: string) =>
        Buffer.from(
          (await ws.db.query<{ hash: Uint8Array }>('SELECT hash FROM feedback WHERE id = $1', [id]))[0]!.hash,
        );
      expect(await hashOf(items[3]!.id)).toEqual(canonicalHash(items[3]));
      // ...and one stored as stored (before the hash as sent was kept) is still a duplicate when resent.
      await ws.db.query('UPDATE feedback SET hash = $2 WHERE id = $1', [
        items[4]!.id,
        canonicalHash({ ...items[4]!, lead: { ...items[4]!.lead, url: 'https://crm.acme.example/leads/7' } }),
      ]);
      const former = await send(rep.token, [items[4]]);
      expect(((await former.json()) as { results: Array<{ status: string }> }).results[0]?.status).toBe(
        'duplicate',
      );
      // A fragment-routed custom site's, stored (and hashed) without its route by the rule before 5
      // December that kept no custom fragment, and resent after a lost answer: a duplicate too.
      await ws.db.query('UPDATE feedback SET hash = $2 WHERE id = $1', [
        items[6]!.id,
        canonicalHash({ ...items[6]!, lead: { ...items[6]!.lead, url: 'https://crm.acme.example/' } }),
      ]);
      const stripped = await send(rep.token, [items[6]]);
      expect(((await stripped.json()) as { results: Array<{ status: string }> }).results[0]?.status).toBe(
        'duplicate',
      );
    });

    it('stores SQL metacharacters and unicode as the rep typed them', async () => {
      const note = "Robert'); DROP TABLE feedback;-- \\ $1 %_ 👍🏽 مرحبا e\u0301";
      const hostile = item(campaignId, { note, signals: { leadSource: "O'Brien & Sons; --" } });
      await send(rep.token, [hostile]);
      const page = readFeedbackPage(
        await (await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token })).json(),
      );
      const stored = page.ok ? page.items.find((i) => i.id === hostile.id) : undefined;
      expect(stored?.note).toBe(note);
      expect(stored?.signals.leadSource).toBe("O'Brien & Sons; --");
    });
  });

  describe('stats', () => {
    it('counts each lead once by its latest verdict, Salesforce 15- and 18-character ids alike', async () => {
      const brief = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name: 'Stats check' }),
      });
      const id = ((await brief.json()) as { id: string }).id;
      const lead = (recordId: string) => ({
        crm: 'salesforce' as const,
        objectType: 'lead' as const,
        recordId,
      });
      const id15 = '00Q5g0000STAT01';
      const id18 = toSalesforceId18(id15)!;
      await send(rep.token, [
        item(id, { lead: lead(id15), verdict: 'not_ready', createdAt: '2026-11-01T09:00:00Z' }),
        item(id, { lead: lead(id18), verdict: 'won', createdAt: '2026-11-10T09:00:00Z' }),
        // arrives last but happened first: changes nothing
        item(id, { lead: lead(id18), verdict: 'spam', createdAt: '2026-10-01T09:00:00Z' }),
        item(id, { lead: lead('00Q5g0000STAT02'), verdict: 'good_fit', region: 'DACH' }),
      ]);
      const read = readCampaigns(
        await (await ws.call('GET', '/api/v1/campaigns', { token: rep.token })).json(),
      );
      const stats = read.ok ? read.items.find((b) => b.id === id)?.stats : undefined;
      expect(stats).toMatchObject({
        leads: 2,
        won: 1,
        verdicts: { won: 1, good_fit: 1, not_ready: 0, spam: 0 },
      });
      expect(stats?.byRegion).toEqual([
        expect.objectContaining({
          region: 'DACH',
          leads: 2,
          verdicts: expect.objectContaining({ won: 1, good_fit: 1 }),
        }),
      ]);
      expect(stats?.topSellers).toEqual([{ name: 'Ana Ruiz', won: 1 }]);
    });

    it('counts record 1 of two custom sites as two leads, and gives each verdict back with its site', async () => {
      const brief = await ws.call('POST', '/api/v1/campaigns', {
        token: marketer.token,
        body: briefInput({ name: 'Two custom CRMs' }),
      });
      const id = ((await brief.json()) as { id: string }).id;
      const lead = (site?: string) => ({
        crm: 'custom' as const,
        objectType: 'lead' as const,
        recordId: '1',
        ...(site ? { site } : {}),
      });
      const north = item(id, {
        lead: lead('crm.north.test'),
        verdict: 'won',
        createdAt: '2026-11-10T09:00:00Z',
      });
      const south = item(id, {
        lead: lead('crm.south.test:8443'),
        verdict: 'spam',
        createdAt: '2026-11-11T09:00:00Z',
      });
      expect((await send(rep.token, [north, south])).status).toBe(200);
      const read = readCampaigns(
        await (await ws.call('GET', '/api/v1/campaigns', { token: rep.token })).json(),
      );
      const stats = read.ok ? read.items.find((b) => b.id === id)?.stats : undefined;
      // Before: one lead, its latest verdict spam, the won deal gone.
      expect(stats).toMatchObject({ leads: 2, won: 1, verdicts: { won: 1, spam: 1 } });
      const feed = (await (
        await ws.call('GET', `/api/v1/feedback?campaign=${id}`, { token: marketer.token })
      ).json()) as { items: FeedbackItem[] };
      expect(feed.items.map((i) => [i.id, i.lead.site]).sort()).toEqual(
        [
          [north.id, 'crm.north.test'],
          [south.id, 'crm.south.test:8443'],
        ].sort(),
      );
      // A resend is the same item; a site on a built-in CRM's record is refused in words.
      const again = (await (await send(rep.token, [north])).json()) as { results: Array<{ status: string }> };
      expect(again.results[0]?.status).toBe('duplicate');
      const hubspot = await send(rep.token, [
        item(id, { lead: { ...lead('app.hubspot.com'), crm: 'hubspot' } }),
      ]);
      expect(JSON.stringify(await hubspot.json())).toContain('only a custom site’s record names its site');
    });
  });

  describe('replies and the change cursor', () => {
    it("brings a marketer's reply to the rep's next pull, and never shows a rep another rep's items", async () => {
      const other = await ws.join('rep', 'Jonas Weber', 'DACH');
      const mine = item(campaignId, { note: 'Only for my eyes' });
      await send(rep.token, [mine]);
      const start = await (
        await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token })
      ).json();
      const cursor = (start as { cursor: string }).cursor;
      const reply = await ws.call('POST', `/api/v1/feedback/${mine.id}/replies`, {
        token: marketer.token,
        body: { text: 'Thanks — tightening the audience.' },
      });
      expect(reply.status).toBe(201);
      const next = readFeedbackPage(
        await (await ws.call('GET', `/api/v1/feedback?mine=1&since=${cursor}`, { token: rep.token })).json(),
      );
      expect(next.ok && next.items.map((i) => i.id)).toEqual([mine.id]);
      expect(next.ok && next.items[0]?.replies.map((r) => [r.author.name, r.text])).toEqual([
        ['Mara Jensen', 'Thanks — tightening the audience.'],
      ]);
      const theirs = readFeedbackPage(
        await (await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: other.token })).json(),
      );
      expect(theirs.ok && theirs.items).toEqual([]);
      expect((await ws.call('GET', '/api/v1/feedback', { token: other.token })).status).toBe(403);
      const badCursor = await ws.call('GET', '/api/v1/feedback?mine=1&since=DROP', { token: rep.token });
      expect(badCursor.status).toBe(400);
      // Nor, lead by lead, which of their verdicts a colleague has judged again since: "latest" is the
      // team's latest verdict of each lead, a marketer's filter (a matrix cell's leads).
      const lead = { crm: 'hubspot' as const, objectType: 'contact' as const, recordId: '9117' };
      await send(rep.token, [
        item(campaignId, { lead, createdAt: new Date(Date.now() - 60_000).toISOString() }),
      ]);
      await send(other.token, [item(campaignId, { lead })]);
      const latest = await ws.call('GET', '/api/v1/feedback?mine=1&latest=1&since=0', { token: rep.token });
      expect(latest.status).toBe(400);
      expect(await latest.json()).toMatchObject({ error: { code: 'latest_not_mine' } });
    });

    it('stores a reply sent again with its id once (an answer lost on the way), and refuses that id for other text', async () => {
      const mine = item(campaignId, { id: randomUUID(), note: 'Asked twice' });
      await send(rep.token, [mine]);
      const id = randomUUID();
      const body = { text: 'Noted, thank you.', id };
      for (let attempt = 0; attempt < 2; attempt++) {
        const reply = await ws.call('POST', `/api/v1/feedback/${mine.id}/replies`, {
          token: marketer.token,
          body,
        });
        expect(reply.status).toBe(201);
        expect(await reply.json()).toEqual({ id });
      }
      const other = await ws.call('POST', `/api/v1/feedback/${mine.id}/replies`, {
        token: marketer.token,
        body: { text: 'Something else', id },
      });
      expect(other.status).toBe(409);
      const page = readFeedbackPage(
        await (await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token })).json(),
      );
      const replies = page.ok ? page.items.find((i) => i.id === mine.id)?.replies : undefined;
      expect(replies?.map((r) => r.text)).toEqual(['Noted, thank you.']);
    });

    it('refuses a reply to a removed rep’s verdict, which no one would see, and keeps one sent before', async () => {
      const leaving = await ws.join('rep', 'Leaving Rep');
      const theirs = item(campaignId, { id: randomUUID() });
      await send(leaving.token, [theirs]);
      const before = { text: 'Thanks!', id: randomUUID() };
      const path = `/api/v1/feedback/${theirs.id}/replies`;
      expect((await ws.call('POST', path, { token: marketer.token, body: before })).status).toBe(201);
      expect(
        (await ws.call('DELETE', `/api/v1/members/${leaving.id}`, { token: ws.adminToken })).status,
      ).toBe(204);
      // Before: stored, and the dashboard said the rep sees it in the panel.
      const after = await ws.call('POST', path, { token: marketer.token, body: { text: 'Are you there?' } });
      expect(after.status).toBe(409);
      expect(await after.json()).toMatchObject({
        error: {
          code: 'rep_removed',
          message: 'Leaving Rep was removed from the team, so no one would see this reply.',
        },
      });
      // The retry of the one sent before the removal (its answer lost) is still answered as kept.
      const retried = await ws.call('POST', path, { token: marketer.token, body: before });
      expect(retried.status).toBe(201);
    });

    it(`gives an item's newest ${LIMITS.replies} replies, oldest first`, async () => {
      const mine = item(campaignId, { id: randomUUID(), note: 'Much discussed' });
      await send(rep.token, [mine]);
      const texts = Array.from({ length: LIMITS.replies + 5 }, (_, n) => `Reply ${n}`);
      for (const text of texts) {
        const reply = await ws.call('POST', `/api/v1/feedback/${mine.id}/replies`, {
          token: marketer.token,
          body: { text },
        });
        expect(reply.status).toBe(201);
      }
      const page = readFeedbackPage(
        await (await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token })).json(),
      );
      const replies = page.ok ? page.items.find((i) => i.id === mine.id)?.replies : undefined;
      expect(replies?.map((r) => r.text)).toEqual(texts.slice(5));
    });

    it('pages through a batch that shares one change number without losing an item', async () => {
      const pager = await ws.join('rep', 'Pager');
      const batch = Array.from({ length: 7 }, () => item(campaignId));
      await send(pager.token, batch);
      const seen: string[] = [];
      let cursor = '0';
      for (let page = 0; page < 10; page++) {
        const body = readFeedbackPage(
          await (
            await ws.call('GET', `/api/v1/feedback?mine=1&since=${cursor}&limit=3`, { token: pager.token })
          ).json(),
        );
        if (!body.ok || body.items.length === 0) break;
        seen.push(...body.items.map((i) => i.id));
        cursor = body.cursor!;
      }
      expect(seen.sort()).toEqual(batch.map((i) => i.id).sort());
    });
  });

  describe('marketing views', () => {
    it('filters all items and exports CSV with formula cells neutralised', async () => {
      const formula = item(campaignId, {
        note: '=HYPERLINK("http://evil.example","click")',
        region: 'Iberia',
      });
      await send(rep.token, [formula]);
      const filtered = readFeedbackPage(
        await (
          await ws.call('GET', `/api/v1/feedback?campaign=${campaignId}&region=Iberia`, {
            token: marketer.token,
          })
        ).json(),
      );
      expect(
        filtered.ok && filtered.items.every((i) => i.campaignId === campaignId && i.region === 'Iberia'),
      ).toBe(true);
      const csv = await ws.call('GET', `/api/v1/feedback?campaign=${campaignId}&format=csv`, {
        token: marketer.token,
      });
      expect(csv.headers.get('Content-Type')).toMatch(/text\/csv/);
      const bytes = Buffer.from(await csv.arrayBuffer());
      // The UTF-8 byte order mark first, so that Excel reads 'Región' as it is (text() drops it).
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes);
      expect(text.split('\r\n')[0]).toMatch(/^id,created_at,campaign_id,verdict/);
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      expect(text).not.toMatch(/,=HYPERLINK/);
    });

    it('exports no cell that a spreadsheet splitting lines at ";" (its list separator) runs as a formula', async () => {
      await send(rep.token, [
        item(campaignId, { note: 'ok;=cmd|\' /C calc\'!A0; -2+3;@SUM(A1);"=1+1"' }),
        item(campaignId, { note: 'x\n=cmd|\' /C calc\'!A0;\r\n"@SUM(A1)";\r+1' }),
        item(campaignId, { note: 'Next steps:\n- call Monday\n\n+ demo in May' }),
      ]);
      const csv = await ws.call('GET', `/api/v1/feedback?campaign=${campaignId}&format=csv`, {
        token: marketer.token,
      });
      const text = (await csv.text()).replace(/^\uFEFF/, '');
      // Split as such a spreadsheet splits it, its quoting undone: no field starts like a formula, after
      // a ";" or at the start of a line a line break inside a cell began (a bullet's sign and space is
      // none, and a note's bullets stay as the rep wrote them).
      for (const line of text.split(/\r\n|\n|\r/))
        for (const field of line.split(';')) expect(field).not.toMatch(/^["\t ]*(?:[=@]|[+-](?![\t ]))/);
      expect(text).toContain('"Next steps:\n- call Monday\n\n+ demo in May"');
      expect(text).toContain(`"ok;'=cmd|' /C calc'!A0;' -2+3;'@SUM(A1);'""=1+1"""`);
    });

    it('exports for an Excel whose list separator is ";" with sep=semicolon: columns there, formulas still refused', async () => {
      await send(rep.token, [
        item(campaignId, { note: 'Budget 1.500, 2 sites; =1+1 asked' }),
        item(campaignId, { note: '=HYPERLINK("http://evil.example","click")' }),
      ]);
      const csv = await ws.call('GET', `/api/v1/feedback?campaign=${campaignId}&format=csv&sep=semicolon`, {
        token: marketer.token,
      });
      expect(csv.status).toBe(200);
      const bytes = Buffer.from(await csv.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes);
      const [header, ...rows] = text.replace(/^\uFEFF/, '').split('\r\n');
      expect(header).toMatch(
        /^id;created_at;campaign_id;verdict;region;rep;crm;object_type;record_id;record_url;/,
      );
      // A cell with a ';' is quoted; one with a ',' is not split by this Excel and is left as written.
      expect(text).toContain(`"Budget 1.500, 2 sites;' =1+1 asked"`);
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      // Each verdict's line (a note's line breaks start others inside its quoted cell): split at ';'.
      const lines = rows.filter((line) => /^[0-9a-f-]{36};/.test(line));
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(line.split(';')[2]).toBe(campaignId);
      // An unknown dialect is refused, not guessed.
      const wrong = await ws.call('GET', `/api/v1/feedback?campaign=${campaignId}&format=csv&sep=tab`, {
        token: marketer.token,
      });
      expect(wrong.status).toBe(422);
    });
  });

  describe('the team', () => {
    it('keeps every region two admins add or remove at the same moment, and refuses one past the limit', async () => {
      const read = async () =>
        (
          (await (await ws.call('GET', '/api/v1/workspace', { token: ws.adminToken })).json()) as {
            regions: string[];
          }
        ).regions;
      const patch = (body: object) => ws.call('PATCH', '/api/v1/workspace', { token: ws.adminToken, body });
      const before = await read();
      const added = ['Benelux', 'Nordics East', 'Alps', 'Baltics', 'Balkans'];
      const answers = await Promise.all(added.map((region) => patch({ addRegion: region })));
      expect(answers.map((answer) => answer.status)).toEqual(added.map(() => 200));
      expect(await read()).toEqual(expect.arrayContaining([...before, ...added]));
      // Added twice, kept once.
      await patch({ addRegion: 'Alps' });
      expect((await read()).filter((region) => region === 'Alps')).toHaveLength(1);
      await Promise.all([
        patch({ removeRegion: 'Benelux' }),
        patch({ removeRegion: 'Alps' }),
        patch({ addRegion: 'Iceland' }),
      ]);
      expect((await read()).sort()).toEqual(
        [...before, 'Nordics East', 'Baltics', 'Balkans', 'Iceland'].sort(),
      );

      const full = Array.from({ length: LIMITS.regions }, (_, n) => `Region ${n + 1}`);
      expect((await patch({ regions: full })).status).toBe(200);
      const over = await patch({ addRegion: 'One too many' });
      expect(over.status).toBe(422);
      expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(
        new RegExp(`at most ${LIMITS.regions} regions`),
      );
      expect(await read()).toEqual(full);
      // A whole list beside a change, or one region added and removed at once, is refused in words.
      for (const body of [
        { regions: ['DACH'], addRegion: 'Iberia' },
        { addRegion: 'Alps', removeRegion: 'Alps' },
      ]) {
        const refused = await patch(body);
        expect(refused.status).toBe(422);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
          /not both|added and removed at once/,
        );
      }
      expect(await read()).toEqual(full);
      await patch({ regions: before });
    });

    it('removing a member stops their token at once and keeps their feedback', async () => {
      const leaving = await ws.join('rep', 'Leaving');
      const theirs = item(campaignId);
      await send(leaving.token, [theirs]);
      expect(
        (await ws.call('DELETE', `/api/v1/members/${leaving.id}`, { token: ws.adminToken })).status,
      ).toBe(204);
      expect((await ws.call('GET', '/api/v1/me', { token: leaving.token })).status).toBe(401);
      const all = readFeedbackPage(
        await (await ws.call('GET', '/api/v1/feedback', { token: marketer.token })).json(),
      );
      expect(all.ok && all.items.some((i) => i.id === theirs.id)).toBe(true);
    });

    it('refuses an admin removing themselves, their id in any case (the last admin would be gone)', async () => {
      const me = (await (await ws.call('GET', '/api/v1/me', { token: ws.adminToken })).json()) as {
        member: { id: string };
      };
      for (const id of [me.member.id, me.member.id.toUpperCase()]) {
        const answer = await ws.call('DELETE', `/api/v1/members/${id}`, { token: ws.adminToken });
        expect(answer.status).toBe(409);
        expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('self_removal');
      }
      expect((await ws.call('GET', '/api/v1/me', { token: ws.adminToken })).status).toBe(200);
    });

    it("refuses a current member's name in any case, also two invited at once, and frees a removed one's", async () => {
      const invite = (name: string) =>
        ws.call('POST', '/api/v1/invites', { token: ws.adminToken, body: { name, role: 'rep' } });
      const taken = await invite('  ana ruiz ');
      expect(taken.status).toBe(409);
      const error = ((await taken.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('name_taken');
      expect(error.message).toBe(
        'Ana Ruiz is already a member. Add a surname or an initial, so feedback and filters tell the two apart; for the same person in a new browser, give them a new join link instead.',
      );
      const together = await Promise.all([invite('Noa Berg'), invite('NOA BERG'), invite('Noa Berg')]);
      expect(together.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
      const members = async () =>
        (
          (await (await ws.call('GET', '/api/v1/members', { token: ws.adminToken })).json()) as {
            members: Array<{ id: string; name: string }>;
          }
        ).members;
      const noas = (await members()).filter((member) => member.name.toLowerCase() === 'noa berg');
      expect(noas).toHaveLength(1);
      expect(
        (await ws.call('DELETE', `/api/v1/members/${noas[0]!.id}`, { token: ws.adminToken })).status,
      ).toBe(204);
      expect((await invite('Noa Berg')).status).toBe(201);
    });

    it('issues a fresh code for an existing member', async () => {
      const response = await ws.call('POST', `/api/v1/members/${rep.id}/codes`, { token: ws.adminToken });
      expect(response.status).toBe(201);
      const { code } = (await response.json()) as { code: string };
      expect((await ws.call('POST', '/api/v1/link', { body: { code } })).status).toBe(200);
    });
  });

  describe('HTTP', () => {
    it('answers CORS for any origin with bearer tokens, never cookies', async () => {
      const preflight = await ws.call('OPTIONS', '/api/v1/campaigns', {
        headers: {
          Origin: 'chrome-extension://abcdefghijklmnop',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization,if-none-match',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(preflight.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
      expect(preflight.headers.get('Access-Control-Allow-Credentials')).toBeNull();
      const get = await ws.call('GET', '/api/v1/campaigns', {
        token: rep.token,
        headers: { Origin: 'moz-extension://x' },
      });
      expect(get.status).toBe(200);
      expect(get.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(get.headers.get('Access-Control-Expose-Headers')).toBe('ETag,Retry-After,Date');
      expect(get.headers.get('ETag')).toBeTruthy();
      // The workspace's time, which the extension dates verdicts by when the rep's clock is off.
      expect(Math.abs(Date.parse(get.headers.get('Date')!) - Date.now())).toBeLessThan(2_000);
      // Errors too: the extension reads why it was refused.
      const refused = await ws.call('POST', '/api/v1/feedback', {
        token: 'not-a-token',
        body: { items: [] },
        headers: { Origin: 'chrome-extension://abcdefghijklmnop' },
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(refused.headers.get('Access-Control-Expose-Headers')).toBe('ETag,Retry-After,Date');
    });

    it('answers unknown addresses and bad ids with the error envelope', async () => {
      const unknown = await ws.call('GET', '/api/v1/nothing', { token: rep.token });
      expect(unknown.status).toBe(404);
      expect(responses.ErrorEnvelope.safeParse(await unknown.json()).success).toBe(true);
      const badId = await ws.call('POST', "/api/v1/feedback/1' OR '1'='1/replies", {
        token: marketer.token,
        body: { text: 'x' },
      });
      expect(badId.status).toBe(404);
    });

    it('serves its health and an OpenAPI document naming every route', async () => {
      expect(await (await ws.call('GET', '/healthz')).json()).toEqual({ ok: true });
      const doc = (await (await ws.call('GET', '/api/v1/openapi.json')).json()) as {
        openapi: string;
        paths: Record<string, object>;
      };
      expect(doc.openapi).toBe('3.0.3');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/link',
          '/api/v1/campaigns',
          '/api/v1/feedback',
          '/api/v1/feedback/{id}/replies',
        ]),
      );
    });
  });
});
