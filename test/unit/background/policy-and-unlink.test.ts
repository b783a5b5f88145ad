import { describe, expect, it, vi } from 'vitest';
import { enforceWorkspacePolicy } from '../../../lib/background/link';
import { type BackgroundDeps, handleMessage } from '../../../lib/background/router';
import { adapterFor } from '../../../lib/crm';
import type { SenderInfo } from '../../../lib/messages';
import { readManaged } from '../../../lib/platform/settings';
import { openSameroomDb } from '../../../lib/store/db';
import { VERDICT_MESSAGE as VERDICT } from '../../support/examples';

const OURS = { id: 'sameroom-test-id', origin: 'chrome-extension://sameroom-test-id/' };
const OPTIONS_PAGE: SenderInfo = { id: OURS.id, url: `${OURS.origin}options.html`, hasTab: true };
/** The panel view framed into a CRM tab: its requests reach the router as an extension page's. */
const PANEL_VIEW: SenderInfo = { id: OURS.id, url: `${OURS.origin}panel.html`, hasTab: false };
const NOW = new Date('2026-11-22T09:00:00.000Z');
const TOKEN = 't'.repeat(43);
const LINK_RECORD = {
  token: TOKEN,
  member: {
    id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f',
    name: 'Ana Ruiz',
    role: 'rep' as const,
    region: 'Iberia',
  },
  workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme Robotics', regions: ['Iberia'] },
  workspaceUrl: 'https://sameroom.acme.test',
  linkedAt: '2026-11-22T08:00:00Z',
};
function deps(overrides: Partial<BackgroundDeps> = {}): BackgroundDeps {
  return {
    ours: OURS,
    isCrmUrl: (url) => adapterFor(url) !== null,
    db: openSameroomDb,
    openOptions: vi.fn(async () => undefined),
    sync: vi.fn(async () => undefined),
    outboxChanged: vi.fn(),
    now: () => NOW,
    ...overrides,
  };
}

/** A workspace that answers 204 to DELETE /api/v1/tokens/current, and records what it was asked. */
function workspace(answer: () => Promise<Response> = async () => new Response(null, { status: 204 })) {
  const calls: Array<{ url: string; method: string; authorization: string | null }> = [];
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      authorization: new Headers(init?.headers).get('Authorization'),
    });
    return answer();
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

/** Linked to Acme's workspace, with one unsent verdict and the briefs cached. */
async function linkedWithOneVerdict() {
  const db = await openSameroomDb();
  await db.put('link', LINK_RECORD, 'current');
  await db.put(
    'campaigns',
    {
      workspaceUrl: LINK_RECORD.workspaceUrl,
      etag: null,
      fetchedAt: NOW.toISOString(),
      briefs: [],
      rejected: [],
    },
    'current',
  );
  expect(await handleMessage(VERDICT, PANEL_VIEW, deps())).toMatchObject({ ok: true });
  return db;
}

describe('a policy fails closed', () => {
  it.each([
    ['not an address', 'sameroom dot acme'],
    ['plain HTTP to another computer', 'http://sameroom.acme.test'],
    ['empty', ''],
  ])('a managed workspace that is %s refuses every link, asking nobody', async (_, policy) => {
    const { calls, fetchFn } = workspace();
    const answer = await handleMessage(
      { type: 'link', joinLink: `https://sameroom.acme.test/join#${'c'.repeat(24)}` },
      OPTIONS_PAGE,
      deps({ fetchFn, managedWorkspaceUrl: async () => policy }),
    );
    expect(answer).toEqual({ ok: false, error: expect.stringContaining('cannot read') });
    expect(calls).toEqual([]);
    expect(await (await openSameroomDb()).get('link', 'current')).toBeUndefined();
  });

  it('reads a malformed policy as the cautious setting, never as no policy', () => {
    expect(readManaged({ workspaceUrl: 42, enabledCrms: 'hubspot', sendRecordUrl: 'yes' })).toEqual({
      workspaceUrl: '42',
      enabledCrms: [],
      sendRecordUrl: false,
    });
    expect(readManaged({ workspaceUrl: null }).workspaceUrl).toBe('null');
    expect(readManaged({})).toEqual({});
    expect(readManaged({ enabledCrms: ['hubspot', 3], sendRecordUrl: true })).toEqual({
      enabledCrms: ['hubspot'],
      sendRecordUrl: true,
    });
  });
});

describe('an existing link when the policy changes', () => {
  it('stays when the policy names its workspace, or there is none', async () => {
    const db = await linkedWithOneVerdict();
    const unlinked = vi.fn();
    expect(await enforceWorkspacePolicy(db, 'https://sameroom.acme.test/', { unlinked })).toBeNull();
    expect(unlinked).not.toHaveBeenCalled();
    expect(await enforceWorkspacePolicy(db, undefined)).toBeNull();
    expect(await db.get('link', 'current')).toEqual(LINK_RECORD);
  });

  it.each([
    [
      'another workspace',
      'https://sameroom.globex.test',
      'Sameroom was unlinked from https://sameroom.acme.test because your organisation’s administrator set the workspace to https://sameroom.globex.test. Unsent verdicts for https://sameroom.acme.test are kept.',
    ],
    [
      'an address it cannot read',
      'ftp://nowhere',
      'Sameroom was unlinked from https://sameroom.acme.test because your organisation’s administrator set a workspace address it cannot read (ftp://nowhere). Unsent verdicts are kept.',
    ],
  ])(
    'is unlinked when the policy names %s, saying so and keeping unsent verdicts',
    async (_, policy, notice) => {
      const db = await linkedWithOneVerdict();
      const { calls, fetchFn } = workspace();
      // The pages are told once the link is gone, before the workspace is asked to drop the token.
      const told: number[] = [];
      const unlinked = () => void told.push(calls.length);
      expect(await enforceWorkspacePolicy(db, policy, { fetchFn, unlinked })).toBe(notice);
      expect(told).toEqual([0]);
      expect(await db.get('link', 'current')).toBeUndefined();
      expect(await db.get('campaigns', 'current')).toBeUndefined();
      expect(await db.count('outbox')).toBe(1);
      // The old workspace is asked to drop the token it gave this browser.
      expect(calls).toEqual([
        {
          url: 'https://sameroom.acme.test/api/v1/tokens/current',
          method: 'DELETE',
          authorization: `Bearer ${TOKEN}`,
        },
      ]);
      const status = await handleMessage({ type: 'status' }, OPTIONS_PAGE, deps());
      expect(status).toEqual({ ok: true, reply: { linked: false, me: null, notice } });
      const outbox = await handleMessage({ type: 'outbox' }, OPTIONS_PAGE, deps());
      expect(outbox).toMatchObject({ ok: true, reply: { linked: false, otherWorkspace: 0, held: 1 } });
    },
  );
});

describe('Unlink', () => {
  it('says nothing was linked, and claims no revoke, when asked again (a second click, a policy meanwhile)', async () => {
    await linkedWithOneVerdict();
    const { calls, fetchFn } = workspace();
    const linkChanged = vi.fn();
    await handleMessage({ type: 'unlink' }, OPTIONS_PAGE, deps({ fetchFn, linkChanged }));
    const again = await handleMessage({ type: 'unlink' }, OPTIONS_PAGE, deps({ fetchFn, linkChanged }));
    expect(again).toMatchObject({ ok: true, reply: { wasLinked: false, revoked: false } });
    expect(calls).toHaveLength(1);
    // The open pages are told once: the second Unlink changed nothing.
    expect(linkChanged).toHaveBeenCalledTimes(1);
  });

  it('asks the workspace to revoke the token, then forgets it here, keeping unsent verdicts', async () => {
    const db = await linkedWithOneVerdict();
    const { calls, fetchFn } = workspace();
    const answer = await handleMessage({ type: 'unlink' }, OPTIONS_PAGE, deps({ fetchFn }));
    expect(answer).toMatchObject({
      ok: true,
      reply: { linked: false, held: 1, revoked: true, revokeProblem: null },
    });
    expect(calls).toEqual([
      {
        url: 'https://sameroom.acme.test/api/v1/tokens/current',
        method: 'DELETE',
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
    expect(await db.get('link', 'current')).toBeUndefined();
    expect(await db.count('outbox')).toBe(1);
    expect(JSON.stringify(answer)).not.toContain(TOKEN);
    // A rep's own Unlink leaves no notice behind.
    expect(await handleMessage({ type: 'status' }, OPTIONS_PAGE, deps())).toEqual({
      ok: true,
      reply: { linked: false, me: null },
    });
  });

  it.each([
    ['the network fails', () => Promise.reject(new TypeError('Failed to fetch')), 'cannot be reached'],
    ['the workspace fails', async () => new Response('oops', { status: 502 }), '502'],
  ])('still unlinks here when %s, and says the workspace was not told', async (_, answer, words) => {
    const db = await linkedWithOneVerdict();
    const { fetchFn } = workspace(answer);
    const reply = await handleMessage({ type: 'unlink' }, OPTIONS_PAGE, deps({ fetchFn }));
    expect(reply).toMatchObject({
      ok: true,
      reply: { linked: false, held: 1, revoked: false, revokeProblem: expect.stringContaining(words) },
    });
    expect(await db.get('link', 'current')).toBeUndefined();
  });

  it('counts a token the workspace already refuses as revoked', async () => {
    await linkedWithOneVerdict();
    const { fetchFn } = workspace(async () =>
      Response.json({ error: { code: 'unauthorized', message: 'no' } }, { status: 401 }),
    );
    expect(await handleMessage({ type: 'unlink' }, OPTIONS_PAGE, deps({ fetchFn }))).toMatchObject({
      ok: true,
      reply: { revoked: true },
    });
  });
});

describe('linking again', () => {
  /** A workspace that links with `token` and records what it was asked, with which token. */
  function linking(token: string) {
    const calls: Array<{ url: string; method: string; authorization: string | null }> = [];
    const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push({
        url,
        method: init?.method ?? 'GET',
        authorization: new Headers(init?.headers).get('Authorization'),
      });
      if (url.endsWith('/api/v1/link')) {
        const { workspaceUrl: _url, linkedAt: _at, ...answer } = LINK_RECORD;
        return Response.json({ ...answer, token });
      }
      if (url.includes('/api/v1/campaigns')) return Response.json({ campaigns: [] });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    return { calls, fetchFn };
  }
  const JOIN = { type: 'link', joinLink: `${LINK_RECORD.workspaceUrl}/join#${'c'.repeat(24)}` };

  it('revokes the token the new link replaces, so no stale browser stays live on the workspace', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK_RECORD, 'current');
    const ws = linking('n'.repeat(43));
    const linkChanged = vi.fn();
    expect(await handleMessage(JOIN, OPTIONS_PAGE, deps({ fetchFn: ws.fetchFn, linkChanged }))).toMatchObject(
      {
        ok: true,
      },
    );
    // Other open pages (a second Options tab, the popup) are told to read the link again.
    expect(linkChanged).toHaveBeenCalledTimes(1);
    await vi.waitFor(() =>
      expect(ws.calls).toContainEqual({
        url: `${LINK_RECORD.workspaceUrl}/api/v1/tokens/current`,
        method: 'DELETE',
        authorization: `Bearer ${TOKEN}`,
      }),
    );
    expect((await db.get('link', 'current'))?.token).toBe('n'.repeat(43));
  });

  it('is undone when the admin’s policy for another workspace arrived while the workspace answered', async () => {
    const db = await openSameroomDb();
    const ws = linking('n'.repeat(43));
    // No policy when the link was asked for; one naming another workspace by the time it is stored.
    const policy = vi.fn<() => Promise<string | undefined>>();
    policy.mockResolvedValueOnce(undefined).mockResolvedValue('https://sameroom.other.test');
    const linkChanged = vi.fn();
    const answer = await handleMessage(
      JOIN,
      OPTIONS_PAGE,
      deps({ fetchFn: ws.fetchFn, managedWorkspaceUrl: policy, linkChanged }),
    );
    expect(answer).toMatchObject({ ok: false, error: expect.stringContaining('sameroom.other.test') });
    expect(await db.get('link', 'current')).toBeUndefined();
    // The link stored and undone at once: the open pages are told it is gone.
    expect(linkChanged).toHaveBeenCalledTimes(1);
  });
});
