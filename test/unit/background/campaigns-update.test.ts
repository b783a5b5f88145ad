/**
 * The briefs cached by the version before an update: read by its parser, and kept by every 304 to
 * their ETag until the workspace next changed. After the update they are read afresh.
 */
import { describe, expect, it, vi } from 'vitest';
import { currentCampaigns, rereadCampaignsAfterUpdate } from '../../../lib/background/campaigns';
import { openSameroomDb } from '../../../lib/store/db';
import { brief } from '../../support/examples';
import { LINK } from '../outbox/fake-workspace';

describe('the cached briefs after an update of the extension', () => {
  it('are fetched whole at the next revalidation, not revalidated by the ETag the version before kept', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK, 'current');
    const cache = {
      workspaceUrl: LINK.workspaceUrl,
      etag: '"v7"',
      fetchedAt: '2026-12-01T08:00:00.000Z',
      briefs: [brief({ name: 'Hannover Messe 2026', status: 'active' })],
      rejected: [],
    };
    await db.put('campaigns', cache, 'current');
    const asked: Array<string | null> = [];
    const fetchFn = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      asked.push(new Headers(init?.headers).get('If-None-Match'));
      return new Response(null, { status: 304, headers: { etag: '"v7"' } });
    });
    await rereadCampaignsAfterUpdate(db);
    const now = new Date('2026-12-02T08:00:00.000Z');
    const state = await currentCampaigns(db, LINK, { now, fetchFn: fetchFn as unknown as typeof fetch });
    expect(asked).toEqual([null]);
    // Until then the briefs cached are still shown.
    expect((await db.get('campaigns', 'current'))?.briefs).toEqual(cache.briefs);
    expect(state.cache).not.toBeNull();
  });
});
