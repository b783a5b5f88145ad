import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responses } from '../../lib/protocol';
import { issueCode } from '../../workspace/auth/codes';
import { authenticate } from '../../workspace/auth/tokens';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe.each(DATABASES)('tokens and codes on %s', (kind) => {
  let ws: TestWorkspace;

  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  let invited = 0;
  // Member names are unique among current members: a made-up one is numbered.
  async function invite(name = `Rep ${++invited}`): Promise<{ id: string; code: string }> {
    const response = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name, role: 'rep' },
    });
    const { member, code } = (await response.json()) as { member: { id: string }; code: string };
    return { id: member.id, code };
  }
  async function freshCode(memberId: string): Promise<string> {
    const response = await ws.call('POST', `/api/v1/members/${memberId}/codes`, { token: ws.adminToken });
    return ((await response.json()) as { code: string }).code;
  }
  async function link(code: string, userAgent?: string): Promise<string> {
    const response = await ws.call('POST', '/api/v1/link', {
      body: { code },
      ...(userAgent ? { headers: { 'User-Agent': userAgent } } : {}),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;

  it('leaves one code valid when two are issued for a member at the same moment', async () => {
    const { id } = await invite();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let issued: () => void = () => undefined;
    const first = ws.db.transaction(async (tx) => {
      const code = await issueCode(tx, id);
      issued();
      await held;
      return code;
    });
    await new Promise<void>((resolve) => (issued = resolve));
    // The second goes while the first is not committed yet.
    const second = ws.db.transaction((tx) => issueCode(tx, id));
    setTimeout(release, 200);
    await Promise.all([first, second]);
    const [{ valid }] = (await ws.db.query<{ valid: string }>(
      'SELECT count(*)::text AS valid FROM codes WHERE member_id = $1 AND used_at IS NULL AND replaced_at IS NULL',
      [id],
    )) as [{ valid: string }];
    expect(valid).toBe('1');
  });

  it('Unlink: DELETE /api/v1/tokens/current revokes the token used (204); it then gets 401, the other browser keeps working', async () => {
    const rep = await invite();
    const laptop = await link(rep.code);
    const desktop = await link(await freshCode(rep.id));
    const unlink = await ws.call('DELETE', '/api/v1/tokens/current', { token: laptop });
    expect(unlink.status).toBe(204);
    expect((await ws.call('GET', '/api/v1/me', { token: laptop })).status).toBe(401);
    expect((await ws.call('GET', '/api/v1/me', { token: desktop })).status).toBe(200);
  });

  it("a fresh code for a member makes that member's older unused codes stop working", async () => {
    const rep = await invite();
    const newer = await freshCode(rep.id);
    const older = await ws.call('POST', '/api/v1/link', { body: { code: rep.code } });
    expect(older.status).toBe(401);
    expect(await errorCode(older)).toBe('replaced_code');
    await link(newer);
  });

  it('records when a token was last used, at most once a minute', async () => {
    const rep = await invite();
    const token = await link(rep.code);
    const lastUsed = async () =>
      (
        await ws.db.query<{ at: Date }>('SELECT last_used_at AS at FROM tokens WHERE member_id = $1', [
          rep.id,
        ])
      )[0]!.at.getTime();
    await ws.db.query("UPDATE tokens SET last_used_at = now() - interval '30 seconds' WHERE member_id = $1", [
      rep.id,
    ]);
    const recent = await lastUsed();
    await ws.call('GET', '/api/v1/me', { token });
    await ws.call('GET', '/api/v1/campaigns', { token });
    expect(await lastUsed()).toBe(recent); // under a minute ago: no write
    await ws.db.query("UPDATE tokens SET last_used_at = now() - interval '2 minutes' WHERE member_id = $1", [
      rep.id,
    ]);
    const old = await lastUsed();
    await ws.call('GET', '/api/v1/me', { token });
    expect(await lastUsed()).toBeGreaterThan(old + 100_000);
  });

  it('keeps every signed-in answer out of shared caches: a rep’s verdicts are not kept for the next caller', async () => {
    const rep = await invite();
    const token = await link(rep.code, CHROME_UA);
    for (const path of ['/api/v1/me', '/api/v1/feedback?mine=1&since=0', '/api/v1/insights'])
      expect(
        (
          await ws.call('GET', path, { token: path === '/api/v1/insights' ? ws.adminToken : token })
        ).headers.get('Cache-Control'),
        path,
      ).toBe('private, no-store');
    // The briefs are asked again with their ETag, kept by the rep's own browser only.
    const campaigns = await ws.call('GET', '/api/v1/campaigns', { token });
    expect(campaigns.headers.get('Cache-Control')).toBe('private, no-cache');
    const again = await ws.call('GET', '/api/v1/campaigns', {
      token,
      headers: { 'If-None-Match': campaigns.headers.get('ETag')! },
    });
    expect([again.status, again.headers.get('Cache-Control')]).toEqual([304, 'private, no-cache']);
  });

  it("lets an admin list a member's linked browsers (never a hash) and revoke one", async () => {
    const rep = await invite();
    const firefox = await link(rep.code, FIREFOX_UA);
    const chrome = await link(await freshCode(rep.id), CHROME_UA);
    const listed = await ws.call('GET', `/api/v1/members/${rep.id}/tokens`, { token: ws.adminToken });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('Cache-Control')).toBe('no-store');
    const text = await listed.text();
    const { browsers } = responses.LinkedBrowsers.parse(JSON.parse(text));
    expect(browsers.map((b) => b.browser).sort()).toEqual(['Chrome 126 on Windows', 'Firefox 128 on Linux']);
    expect(browsers.every((b) => b.createdAt && b.lastUsedAt)).toBe(true);
    const hashes = await ws.db.query<{ hash: Uint8Array }>('SELECT hash FROM tokens WHERE member_id = $1', [
      rep.id,
    ]);
    for (const { hash } of hashes) {
      expect(text).not.toContain(Buffer.from(hash).toString('hex'));
      expect(text).not.toContain(Buffer.from(hash).toString('base64'));
    }
    expect(text).not.toMatch(/hash/i);

    const firefoxId = browsers.find((b) => b.browser?.startsWith('Firefox'))!.id;
    const revoke = await ws.call('DELETE', `/api/v1/members/${rep.id}/tokens/${firefoxId}`, {
      token: ws.adminToken,
    });
    expect(revoke.status).toBe(204);
    expect((await ws.call('GET', '/api/v1/me', { token: firefox })).status).toBe(401);
    expect((await ws.call('GET', '/api/v1/me', { token: chrome })).status).toBe(200);
    const after = responses.LinkedBrowsers.parse(
      await (await ws.call('GET', `/api/v1/members/${rep.id}/tokens`, { token: ws.adminToken })).json(),
    );
    expect(after.browsers.map((b) => b.browser)).toEqual(['Chrome 126 on Windows']);
    // Another member's token cannot be revoked through this member.
    const other = await invite('Other');
    expect(
      (
        await ws.call('DELETE', `/api/v1/members/${other.id}/tokens/${after.browsers[0]!.id}`, {
          token: ws.adminToken,
        })
      ).status,
    ).toBe(404);
  });

  it('stops tokens unused for 90 days (by default), or for the configured number of days', async () => {
    const rep = await invite();
    const token = await link(rep.code);
    await ws.db.query("UPDATE tokens SET last_used_at = now() - interval '89 days' WHERE member_id = $1", [
      rep.id,
    ]);
    expect((await ws.call('GET', '/api/v1/me', { token })).status).toBe(200);
    expect(await authenticate(ws.db, token, 7)).not.toBeNull(); // that use was just recorded
    await ws.db.query("UPDATE tokens SET last_used_at = now() - interval '8 days' WHERE member_id = $1", [
      rep.id,
    ]);
    expect(await authenticate(ws.db, token, 7)).toBeNull();
    await ws.db.query("UPDATE tokens SET last_used_at = now() - interval '91 days' WHERE member_id = $1", [
      rep.id,
    ]);
    expect((await ws.call('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('checks a token and counts its request in one statement: 429 past the limit, refused tokens not counted', async () => {
    const rep = await invite();
    const token = await link(rep.code);
    const requests = { limit: 2, windowSeconds: 3_600 };
    const counted = async () =>
      (
        await ws.db.query<{ count: number }>(
          "SELECT coalesce(sum(r.count), 0)::int AS count FROM rate_limits r JOIN tokens t ON r.key = 'token:' || t.id WHERE t.member_id = $1",
          [rep.id],
        )
      )[0]!.count;
    expect((await authenticate(ws.db, token, 90, requests))?.member.id).toBe(rep.id);
    expect((await authenticate(ws.db, token, 90, requests))?.member.id).toBe(rep.id);
    expect(await counted()).toBe(2);
    const refused = await authenticate(ws.db, token, 90, requests).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(3_600);
    expect(await counted()).toBe(3);
    // Without a limit the token is checked and nothing is counted.
    expect(await authenticate(ws.db, token, 90)).not.toBeNull();
    expect(await counted()).toBe(3);

    // A revoked token, and a removed member's token, are refused before anything is counted.
    const other = await invite('Counted');
    const revoked = await link(other.code);
    await ws.db.query('UPDATE tokens SET revoked_at = now() WHERE member_id = $1', [other.id]);
    expect(await authenticate(ws.db, revoked, 90, requests)).toBeNull();
    const removed = await invite('Removed');
    const removedToken = await link(removed.code);
    await ws.db.query('UPDATE members SET removed_at = now() WHERE id = $1', [removed.id]);
    expect(await authenticate(ws.db, removedToken, 90, requests)).toBeNull();
    const [{ n }] = (await ws.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM rate_limits r JOIN tokens t ON r.key = 'token:' || t.id WHERE t.member_id IN ($1, $2)",
      [other.id, removed.id],
    )) as [{ n: number }];
    expect(n).toBe(0);
    expect((await ws.call('GET', '/api/v1/me', { token: revoked })).status).toBe(401);
    expect((await ws.call('GET', '/api/v1/me', { token: removedToken })).status).toBe(401);
  });

  it('of many parallel redemptions of one code, exactly one wins', async () => {
    const rep = await invite();
    const answers = await Promise.all(
      Array.from({ length: 16 }, () => ws.call('POST', '/api/v1/link', { body: { code: rep.code } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(15);
    const [{ n }] = (await ws.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tokens WHERE member_id = $1',
      [rep.id],
    )) as [{ n: number }];
    expect(n).toBe(1);
  });
});
