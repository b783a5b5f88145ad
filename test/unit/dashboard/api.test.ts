import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import { readCampaigns } from '../../../lib/protocol';
import { api, apiList } from '../../../workspace/dashboard/api';
import { MatrixAnswer, NoContent } from '../../../workspace/dashboard/schemas';
import { brief } from '../../support/examples';
import { stubWorkspace } from './workspace-double';

afterEach(() => {
  vi.unstubAllGlobals();
  setLanguage('en');
});

describe("the dashboard's API calls", () => {
  it('gives the parsed answer when it fits the schema', async () => {
    stubWorkspace({ 'GET /api/v1/feedback/matrix': { json: { cells: [] } } });
    expect(await api('GET', '/api/v1/feedback/matrix', MatrixAnswer)).toEqual({
      ok: true,
      data: { cells: [] },
      status: 200,
    });
  });

  it('turns a 200 that does not fit the schema into a failure that says so, never a cast', async () => {
    stubWorkspace({
      'GET /api/v1/feedback/matrix': { json: { cells: [{ campaignId: 'x', verdict: 'meh', leads: 1 }] } },
    });
    const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.status).toBe(200);
    expect(answer.message).toMatch(/^The workspace sent an answer this dashboard cannot read \(cells\.0\./);
  });

  it('says so in Spanish to a Spanish reader', async () => {
    setLanguage('es');
    stubWorkspace({ 'GET /api/v1/feedback/matrix': { json: 'not json we know' } });
    const answer = await api('GET', '/api/v1/feedback/matrix', MatrixAnswer);
    expect(!answer.ok && answer.message).toMatch(/^El espacio de trabajo envió una respuesta/);
  });

  it("gives the workspace's own words and issues on an error, its status when they are unreadable", async () => {
    stubWorkspace({
      'POST /api/v1/campaigns': {
        status: 422,
        json: {
          error: {
            code: 'invalid',
            message: 'Check the brief.',
            issues: [{ path: 'name', message: 'Required' }],
          },
        },
      },
      'GET /api/v1/me': { status: 502, json: '<html>' },
    });
    expect(await api('POST', '/api/v1/campaigns', NoContent, {})).toEqual({
      ok: false,
      status: 422,
      message: 'Check the brief.',
      issues: [{ path: 'name', message: 'Required' }],
    });
    const bad = await api('GET', '/api/v1/me', NoContent);
    expect(!bad.ok && bad.message).toBe('The workspace answered 502.');
  });

  it('says a 401 in the words of a signed-in dashboard whose session ended, not the extension’s', async () => {
    stubWorkspace({
      'POST /api/v1/campaigns': {
        status: 401,
        json: {
          error: {
            code: 'unauthorized',
            message: 'The workspace does not know this token: link the extension again.',
          },
        },
      },
    });
    const answer = await api('POST', '/api/v1/campaigns', NoContent, {});
    expect(answer).toMatchObject({ ok: false, status: 401 });
    expect(!answer.ok && answer.message).toBe(
      'Your session has ended, so this was not done. Open a join link from your workspace admin in another tab to sign in again, then try again here: what you typed stays on this page.',
    );
  });

  it('says the workspace cannot be reached when the network fails', async () => {
    stubWorkspace({ 'GET /api/v1/me': 'offline' });
    const answer = await api('GET', '/api/v1/me', NoContent);
    expect(answer).toMatchObject({ ok: false, status: 0 });
    expect(!answer.ok && answer.message).toMatch(/cannot be reached/);
  });

  it('accepts no body for 204 only where the schema says so', async () => {
    stubWorkspace({ 'DELETE /api/v1/session': { status: 204 } });
    expect((await api('DELETE', '/api/v1/session', NoContent)).ok).toBe(true);
    expect((await api('DELETE', '/api/v1/session', MatrixAnswer)).ok).toBe(false);
  });

  it('reads a list entry by entry: bad entries are counted, a list that is not one is a failure', async () => {
    stubWorkspace({
      'GET /api/v1/campaigns': { json: { campaigns: [brief(), { id: 'broken' }] } },
      'GET /api/v1/other': { json: { briefs: [] } },
    });
    const read = await apiList('/api/v1/campaigns?include=drafts', readCampaigns);
    expect(read.ok && read.data.items.map((b) => b.name)).toEqual(['Hannover Messe 2026']);
    expect(read.ok && read.data.skipped).toBe(1);
    const wrong = await apiList('/api/v1/other', readCampaigns);
    expect(!wrong.ok && wrong.message).toMatch(/cannot read \(the answer has no "campaigns" list\)/);
  });
});
