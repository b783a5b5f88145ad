import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responses } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await startTestWorkspace('pglite');
});
afterAll(async () => {
  await ws?.destroy();
});

let invited = 0;
async function invite(role: 'rep' | 'marketer'): Promise<string> {
  const response = await ws.call('POST', '/api/v1/invites', {
    token: ws.adminToken,
    // Member names are unique among current members: a made-up one is numbered.
    body: { name: `A ${role} ${++invited}`, role },
  });
  return ((await response.json()) as { code: string }).code;
}

async function signIn(code: string): Promise<{ response: Response; cookie: string }> {
  const response = await ws.call('POST', '/api/v1/session', { body: { code } });
  return { response, cookie: (response.headers.get('Set-Cookie') ?? '').split(';')[0]! };
}

describe('dashboard sessions', () => {
  it("signs a marketer in with an HttpOnly, SameSite=Strict cookie of 30 days that works from the dashboard's own origin", async () => {
    const { response, cookie } = await signIn(await invite('marketer'));
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('Set-Cookie')!;
    expect(setCookie).toMatch(/^sameroom_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=2592000/);
    const me = await ws.call('GET', '/api/v1/me', {
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(me.status).toBe(200);
    const posted = await ws.call('POST', '/api/v1/campaigns', {
      body: briefInput(),
      headers: { Cookie: cookie, Origin: ws.url, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(posted.status).toBe(201);
  });

  it("is among the member's linked browsers, where an admin can end it (a leaked join link's)", async () => {
    const code = await invite('marketer');
    const marketer = await ws.call('POST', '/api/v1/session', {
      body: { code },
      headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
    });
    const cookie = (marketer.headers.get('Set-Cookie') ?? '').split(';')[0]!;
    const { member } = (await marketer.json()) as { member: { id: string } };
    const headers = { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' };
    expect((await ws.call('GET', '/api/v1/me', { headers })).status).toBe(200);
    const listed = responses.LinkedBrowsers.parse(
      await (await ws.call('GET', `/api/v1/members/${member.id}/tokens`, { token: ws.adminToken })).json(),
    );
    expect(listed.browsers).toEqual([
      expect.objectContaining({ kind: 'dashboard', browser: 'Firefox 128 on Linux', lastUsedAt: null }),
    ]);
    const ended = await ws.call('DELETE', `/api/v1/members/${member.id}/tokens/${listed.browsers[0]!.id}`, {
      token: ws.adminToken,
    });
    expect(ended.status).toBe(204);
    // Before, nothing but removing the member ended it: it worked for its 30 days.
    expect((await ws.call('GET', '/api/v1/me', { headers })).status).toBe(401);
    const after = responses.LinkedBrowsers.parse(
      await (await ws.call('GET', `/api/v1/members/${member.id}/tokens`, { token: ws.adminToken })).json(),
    );
    expect(after.browsers).toEqual([]);
  });

  it('ignores the cookie on requests from another site or origin', async () => {
    const { cookie } = await signIn(await invite('marketer'));
    for (const headers of <Array<Record<string, string>>>[
      { Cookie: cookie, Origin: 'https://evil.example' },
      { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' },
      { Cookie: cookie, 'Sec-Fetch-Site': 'same-site' },
    ]) {
      expect((await ws.call('GET', '/api/v1/me', { headers })).status).toBe(401);
    }
  });

  it("refuses a rep's code without using it up, so the rep can still link the extension", async () => {
    const code = await invite('rep');
    const { response } = await signIn(code);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/options/);
    expect((await ws.call('POST', '/api/v1/link', { body: { code } })).status).toBe(200);
  });

  it('refuses a sign-in that is not JSON (415) or comes from another origin or site (403), setting no cookie', async () => {
    const code = await invite('marketer');
    // A cross-site HTML form can post text/plain (no preflight): it must never sign anyone in.
    const form = await ws.call('POST', '/api/v1/session', {
      body: JSON.stringify({ code }),
      headers: {
        'Content-Type': 'text/plain',
        Origin: 'https://evil.example',
        'Sec-Fetch-Site': 'cross-site',
      },
    });
    expect(form.status).toBe(415);
    expect(form.headers.get('Set-Cookie')).toBeNull();
    for (const headers of <Array<Record<string, string>>>[
      { Origin: 'https://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ]) {
      const response = await ws.call('POST', '/api/v1/session', { body: { code }, headers });
      expect(response.status).toBe(403);
      expect(response.headers.get('Set-Cookie')).toBeNull();
    }
    // None of these used the code up.
    const own = await ws.call('POST', '/api/v1/session', {
      body: { code },
      headers: { Origin: ws.url, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('Cache-Control')).toBe('no-store');
  });

  it('under HTTPS (behind a TLS proxy) names the cookie __Host- and marks it Secure; the dashboard works with it', async () => {
    const tls = await startTestWorkspace('pglite', { trustProxy: 1 });
    try {
      const https = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'sameroom.acme.example' };
      const invited = await tls.call('POST', '/api/v1/invites', {
        token: tls.adminToken,
        body: { name: 'M', role: 'marketer' },
      });
      const { code } = (await invited.json()) as { code: string };
      const response = await tls.call('POST', '/api/v1/session', { body: { code }, headers: https });
      expect(response.status).toBe(200);
      const setCookie = response.headers.get('Set-Cookie')!;
      expect(setCookie).toMatch(/^__Host-sameroom_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/; Secure/);
      expect(setCookie).toMatch(/; Path=\//);
      expect(setCookie).not.toMatch(/Domain=/i);
      const cookie = setCookie.split(';')[0]!;
      const me = await tls.call('GET', '/api/v1/me', {
        headers: { ...https, Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' },
      });
      expect(me.status).toBe(200);
      // The plain name is not read under HTTPS: a cookie set over plain HTTP cannot stand in for it.
      const plain = await tls.call('GET', '/api/v1/me', {
        headers: { ...https, Cookie: cookie.replace('__Host-', ''), 'Sec-Fetch-Site': 'same-origin' },
      });
      expect(plain.status).toBe(401);
    } finally {
      await tls.destroy();
    }
  });

  it('signs out: the cookie is cleared and the session ends', async () => {
    const { cookie } = await signIn(await invite('marketer'));
    const out = await ws.call('DELETE', '/api/v1/session', { headers: { Cookie: cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('Set-Cookie')).toMatch(/sameroom_session=;.*Max-Age=0/);
    expect((await ws.call('GET', '/api/v1/me', { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('ends the session a browser had when it signs in with another join link', async () => {
    const first = await signIn(await invite('marketer'));
    const second = await ws.call('POST', '/api/v1/session', {
      body: { code: await invite('marketer') },
      headers: { Cookie: first.cookie },
    });
    expect(second.status).toBe(200);
    // A copy of the first cookie (elsewhere) no longer signs anyone in.
    expect((await ws.call('GET', '/api/v1/me', { headers: { Cookie: first.cookie } })).status).toBe(401);
    const cookie = (second.headers.get('Set-Cookie') ?? '').split(';')[0]!;
    expect((await ws.call('GET', '/api/v1/me', { headers: { Cookie: cookie } })).status).toBe(200);
  });
});

describe('the feedback matrix', () => {
  it('counts each lead once by its latest verdict, per campaign, with an Unmatched column, within the filters', async () => {
    const marketer = await ws.join('marketer');
    const rep = await ws.join('rep', 'R', 'DACH');
    const brief = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ channel: 'Radio' }),
    });
    const campaignId = ((await brief.json()) as { id: string }).id;
    const lead = (recordId: string) => ({ crm: 'zoho' as const, objectType: 'lead' as const, recordId });
    await ws.call('POST', '/api/v1/feedback', {
      token: rep.token,
      body: {
        items: [
          feedbackItem({
            id: randomUUID(),
            campaignId,
            lead: lead('1'),
            verdict: 'not_ready',
            createdAt: '2026-03-01T10:00:00Z',
          }),
          feedbackItem({
            id: randomUUID(),
            campaignId,
            lead: lead('1'),
            verdict: 'won',
            createdAt: '2026-03-05T10:00:00Z',
          }),
          feedbackItem({
            id: randomUUID(),
            campaignId,
            lead: lead('2'),
            verdict: 'spam',
            createdAt: '2026-03-02T10:00:00Z',
          }),
          feedbackItem({
            id: randomUUID(),
            campaignId: null,
            lead: lead('3'),
            verdict: 'good_fit',
            createdAt: '2026-03-03T10:00:00Z',
          }),
        ],
      },
    });
    const matrix = async (query: string) =>
      (
        (await (
          await ws.call('GET', `/api/v1/feedback/matrix${query}`, { token: marketer.token })
        ).json()) as { cells: unknown[] }
      ).cells;
    expect(await matrix('?from=2026-03-01&to=2026-03-31')).toEqual(
      expect.arrayContaining([
        { campaignId, verdict: 'won', leads: 1 },
        { campaignId, verdict: 'spam', leads: 1 },
        { campaignId: null, verdict: 'good_fit', leads: 1 },
      ]),
    );
    expect(await matrix('?from=2026-03-01&to=2026-03-31')).toHaveLength(3);
    // Up to 3 March the lead's latest verdict was "not ready".
    expect(await matrix('?from=2026-03-01&to=2026-03-03&channel=Radio')).toEqual(
      expect.arrayContaining([
        { campaignId, verdict: 'not_ready', leads: 1 },
        { campaignId, verdict: 'spam', leads: 1 },
      ]),
    );
    expect(await matrix('?channel=Trade%20show&from=2026-03-01&to=2026-03-31')).toEqual([]);
  });
});
