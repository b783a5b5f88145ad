import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCampaignsModel } from '../../../workspace/dashboard/pages/campaigns-model';
import { createJoinModel } from '../../../workspace/dashboard/pages/join-model';
import { campaigns, loadMe, me, path, sessionProblem, signOut } from '../../../workspace/dashboard/state';
import { brief } from '../../support/examples';
import { meAnswer, stubWorkspace } from './workspace-double';

beforeEach(() => {
  me.value = undefined;
  sessionProblem.value = null;
  campaigns.value = [];
  history.replaceState(null, '', '/join');
  path.value = '/join';
});
afterEach(() => vi.unstubAllGlobals());

describe('who is signed in', () => {
  it('reads the member, or signed out on 401', async () => {
    stubWorkspace({ 'GET /api/v1/me': { json: meAnswer() } });
    await loadMe();
    expect(me.value?.workspace.name).toBe('Acme');
    stubWorkspace({
      'GET /api/v1/me': { status: 401, json: { error: { code: 'unauthorized', message: 'Sign in.' } } },
    });
    await loadMe();
    expect(me.value).toBeNull();
  });

  it('shows an error, not "signed out", when the answer is malformed', async () => {
    stubWorkspace({ 'GET /api/v1/me': { json: { member: { name: 'Mara' } } } });
    await loadMe();
    expect(me.value).toBeUndefined();
    expect(sessionProblem.value).toMatch(/cannot read/);
  });

  it('signs out even when the workspace cannot be told', async () => {
    me.value = meAnswer();
    stubWorkspace({ 'DELETE /api/v1/session': 'offline' });
    await signOut();
    expect(me.value).toBeNull();
    expect(path.value).toBe('/');
  });
});

describe('joining', () => {
  it('needs a code', async () => {
    const model = createJoinModel();
    await model.join('');
    expect(model.error.value).toMatch(/no code/);
  });

  it('signs in with the code and opens the campaigns', async () => {
    const { calls } = stubWorkspace({
      'GET /api/v1/me': { status: 401, json: { error: { code: 'unauthorized', message: 'Sign in.' } } },
      'POST /api/v1/session': { json: meAnswer() },
    });
    const model = createJoinModel();
    await model.join('#abc%20def');
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ code: 'abc def' });
    expect(me.value?.member.name).toBe('Mara Jensen');
    expect(path.value).toBe('/');
  });

  it('asks a browser signed in already before the code replaces its session, and spends it only if told to', async () => {
    const { calls } = stubWorkspace({
      'GET /api/v1/me': { json: meAnswer('marketer') },
      'POST /api/v1/session': {
        json: { ...meAnswer(), member: { ...meAnswer().member, name: 'Pat Other' } },
      },
    });
    const model = createJoinModel();
    await model.join('#abc');
    expect(model.signedInAs.value?.name).toBe('Mara Jensen');
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
    model.stay();
    expect(path.value).toBe('/');
    expect(me.value?.member.name).toBe('Mara Jensen');
    expect(calls.some((call) => call.method === 'POST')).toBe(false);

    const again = createJoinModel();
    await again.join('#abc');
    await again.switchTo();
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ code: 'abc' });
    expect(me.value?.member.name).toBe('Pat Other');
  });

  it.each([
    ['the network fails', 'offline' as const],
    [
      'a proxy answers 502 while the workspace restarts',
      { status: 502, json: { error: { code: 'bad_gateway', message: 'Bad gateway.' } } },
    ],
    [
      'the workspace is busy (429)',
      { status: 429, json: { error: { code: 'rate_limited', message: 'Too many requests.' } } },
    ],
  ])(
    'does not spend the code when asking who is signed in fails because %s: it says so, and asks again',
    async (_, reply) => {
      const { calls } = stubWorkspace({
        'GET /api/v1/me': reply,
        'POST /api/v1/session': { json: meAnswer() },
      });
      const model = createJoinModel();
      await model.join('#abc');
      expect(calls.some((call) => call.method === 'POST')).toBe(false);
      expect(model.error.value).not.toBeNull();
      expect(model.canRetry.value).toBe(true);
      stubWorkspace({
        'GET /api/v1/me': { status: 401, json: { error: { code: 'unauthorized', message: 'Sign in.' } } },
        'POST /api/v1/session': { json: meAnswer() },
      });
      await model.retry();
      expect(model.error.value).toBeNull();
      expect(me.value?.member.name).toBe('Mara Jensen');
      expect(path.value).toBe('/');
    },
  );

  it.each([
    ['the network fails', 'offline' as const],
    [
      'a proxy answers 502',
      { status: 502, json: { error: { code: 'bad_gateway', message: 'Bad gateway.' } } },
    ],
    [
      'too many sign-ins were tried (429)',
      { status: 429, json: { error: { code: 'rate_limited', message: 'Too many attempts.' } } },
    ],
  ])('keeps the code to try again when spending it fails because %s', async (_, reply) => {
    const signedOut = { status: 401, json: { error: { code: 'unauthorized', message: 'Sign in.' } } };
    stubWorkspace({ 'GET /api/v1/me': signedOut, 'POST /api/v1/session': reply });
    const model = createJoinModel();
    await model.join('#abc');
    expect(model.error.value).not.toBeNull();
    expect(model.canRetry.value).toBe(true);
    const { calls } = stubWorkspace({
      'GET /api/v1/me': signedOut,
      'POST /api/v1/session': { json: meAnswer() },
    });
    await model.retry();
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ code: 'abc' });
    expect(model.error.value).toBeNull();
    expect(path.value).toBe('/');
  });

  it('says why a refused code is refused, and offers no second try', async () => {
    const USED = 'This code was already used: ask your workspace admin for a new link.';
    stubWorkspace({
      'GET /api/v1/me': { status: 401, json: { error: { code: 'unauthorized', message: 'Sign in.' } } },
      'POST /api/v1/session': {
        status: 401,
        json: { error: { code: 'used_code', message: USED } },
      },
    });
    const model = createJoinModel();
    await model.join('#abc');
    // The workspace's own words, not "your session has ended" (what it said before).
    expect(model.error.value).toBe(USED);
    expect(model.canRetry.value).toBe(false);
  });

  it('stays on the join page with an error when the session answer is malformed', async () => {
    stubWorkspace({
      'GET /api/v1/me': { status: 401, json: { error: { code: 'unauthorized', message: 'Sign in.' } } },
      'POST /api/v1/session': { json: { ok: true } },
    });
    const model = createJoinModel();
    await model.join('#abc');
    expect(me.value).toBeUndefined();
    expect(model.error.value).toMatch(/cannot read/);
    expect(path.value).toBe('/join');
  });
});

describe('the campaigns list', () => {
  it('shows the briefs it can read, with words for status and priority, and counts the others', async () => {
    stubWorkspace({ 'GET /api/v1/campaigns': { json: { campaigns: [brief(), { id: 'x' }] } } });
    const model = createCampaignsModel();
    await model.load();
    expect(model.loading.value).toBe(false);
    expect(model.rows.value.map((r) => [r.name, r.statusLabel, r.priorityLabel])).toEqual([
      ['Hannover Messe 2026', 'active', 'high'],
    ]);
    expect(model.problem.value).toBe('One campaign could not be read and is not shown.');
  });

  it('shows the error state for an answer that is no list of campaigns', async () => {
    stubWorkspace({ 'GET /api/v1/campaigns': { json: [] } });
    const model = createCampaignsModel();
    await model.load();
    expect(model.rows.value).toEqual([]);
    expect(model.problem.value).toMatch(/cannot read \(the answer is not a JSON object\)/);
  });
});
