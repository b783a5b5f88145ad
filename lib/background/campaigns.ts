import type { IDBPDatabase } from 'idb';
import { t } from '../i18n';
import type { CacheInfo } from '../messages';
import type { CampaignCache, LinkRecord, SameroomDb } from '../store/db';
import { keepCampaigns, keptCampaigns } from '../store/kept';
import { WorkspaceClient, WorkspaceError } from '../workspace/client';

/** Briefs younger than this are shown without asking the workspace; older ones are revalidated by ETag. */
export const FRESH_MS = 10_000;
/** A lead page waits at most this long for a revalidation before showing the cache. */
export const LEAD_PAGE_WAIT_MS = 3_000;

export interface CampaignsState {
  cache: CampaignCache | null;
  info: CacheInfo | null;
  /** Set when there is nothing to show: no cache and no answer. */
  problem: string | null;
}

function info(cache: CampaignCache, offlineSince: string | null, problem: string | null): CacheInfo {
  return { fetchedAt: cache.fetchedAt, offlineSince, problem, skipped: cache.rejected.length };
}

/**
 * The briefs to show: from the cache while fresh, else revalidated with the workspace (304 keeps the
 * cache). When the workspace cannot be reached, the cache is shown with its age and the reason.
 */
export async function currentCampaigns(
  db: IDBPDatabase<SameroomDb>,
  link: LinkRecord,
  options: { now: Date; fetchFn?: typeof fetch; timeoutMs?: number; force?: boolean },
): Promise<CampaignsState> {
  const stored = await keptCampaigns(db);
  const cache = stored?.workspaceUrl === link.workspaceUrl ? stored : undefined;
  if (cache && !options.force && options.now.getTime() - Date.parse(cache.fetchedAt) < FRESH_MS) {
    return { cache, info: info(cache, null, null), problem: null };
  }
  const client = new WorkspaceClient(link.workspaceUrl, link.token, options.fetchFn);
  try {
    const answer = await client.campaigns(cache?.etag ?? null, options.timeoutMs);
    const fetchedAt = options.now.toISOString();
    // A 304 only answers an ETag, which only a cache of this workspace holds.
    const next: CampaignCache = answer.notModified
      ? { ...cache!, fetchedAt }
      : {
          workspaceUrl: link.workspaceUrl,
          etag: answer.etag,
          fetchedAt,
          briefs: answer.briefs,
          rejected: answer.rejected,
        };
    await db.put('campaigns', next, 'current');
    keepCampaigns(db, next);
    return { cache: next, info: info(next, null, null), problem: null };
  } catch (error) {
    const message = error instanceof WorkspaceError ? error.message : t('errCampaignsUnreachable');
    if (!cache) return { cache: null, info: null, problem: message };
    return { cache, info: info(cache, options.now.toISOString(), message), problem: null };
  }
}

/**
 * After the extension is updated: the cached briefs were read by the version before (what it did not
 * know of a brief it dropped, what it could not read it skipped), and a 304 to their ETag kept that
 * reading until the workspace next changed, which on a quiet workspace is days. The ETag goes, so the
 * next revalidation reads them afresh; the cached briefs stay shown meanwhile.
 */
export async function rereadCampaignsAfterUpdate(db: IDBPDatabase<SameroomDb>): Promise<void> {
  const cache = await keptCampaigns(db);
  if (!cache?.etag) return;
  const next: CampaignCache = { ...cache, etag: null };
  await db.put('campaigns', next, 'current');
  keepCampaigns(db, next);
}

/** The revalidation behind the pages (one at a time), and how the last one ended. */
let behind: { running: Promise<CampaignsState> | null; triedAt: number; offline: CacheInfo | null } = {
  running: null,
  triedAt: 0,
  offline: null,
};

/** For tests: forget the revalidation behind. */
export function resetRevalidation(): void {
  behind = { running: null, triedAt: 0, offline: null };
}

/**
 * The briefs for a lead page or the popup, at once (issue 11: nothing on the way to the panel waits
 * for the network): the cache as it is, and when it is stale a revalidation behind it, at most one per
 * FRESH_MS, after which `onRefreshed` is called so open panels are shown the new briefs (or that the
 * workspace is out of reach). Without a cache there is nothing to show, so the workspace is waited for.
 */
export async function campaignsAtOnce(
  db: IDBPDatabase<SameroomDb>,
  link: LinkRecord,
  options: { now: Date; fetchFn?: typeof fetch; onRefreshed?: () => void },
): Promise<CampaignsState> {
  const stored = await keptCampaigns(db);
  const cache = stored?.workspaceUrl === link.workspaceUrl ? stored : undefined;
  if (!cache) return currentCampaigns(db, link, { ...options, timeoutMs: LEAD_PAGE_WAIT_MS });
  const now = options.now.getTime();
  const stale = now - Date.parse(cache.fetchedAt) >= FRESH_MS;
  if (stale && !behind.running && now - behind.triedAt >= FRESH_MS) {
    behind.triedAt = now;
    const running = currentCampaigns(db, link, { ...options, timeoutMs: LEAD_PAGE_WAIT_MS });
    behind.running = running;
    void running
      .then((state) => {
        behind.offline = state.info?.offlineSince ? state.info : null;
        options.onRefreshed?.();
      })
      .catch(() => undefined)
      .finally(() => {
        if (behind.running === running) behind.running = null;
      });
  }
  const offline = stale && behind.offline?.fetchedAt === cache.fetchedAt ? behind.offline : null;
  return { cache, info: offline ?? info(cache, null, null), problem: null };
}
