import type { IDBPDatabase } from 'idb';
import { RepError } from '../errors';
import { t } from '../i18n';
import type { StatusReply } from '../messages';
import { syncStateFor } from '../outbox/outbox';
import { inTransaction, type LinkRecord, type SameroomDb } from '../store/db';
import { forgetKept, keepLink, keptLink } from '../store/kept';
import { WorkspaceClient, WorkspaceError } from '../workspace/client';
import { clockToKeep } from '../workspace/clock';
import { parseJoinLink, parseWorkspaceUrl } from '../workspace/join-link';
import { currentCampaigns } from './campaigns';

/**
 * Links the extension to a workspace: trades the join link's code for a token (the workspace answers
 * CORS, so no host permission is needed), keeps the token in IndexedDB only, and fetches the briefs.
 */
export async function linkWorkspace(
  db: IDBPDatabase<SameroomDb>,
  input: { joinLink: string; code?: string | undefined },
  options: { now: Date; fetchFn?: typeof fetch; requiredWorkspace?: string | undefined },
): Promise<StatusReply> {
  const parsed = parseJoinLink(input.joinLink, input.code);
  if (!parsed.ok) throw new RepError(parsed.problem);
  // A policy that is there but cannot be read refuses every link: it never falls back to "any workspace".
  const required =
    options.requiredWorkspace !== undefined ? parseWorkspaceUrl(options.requiredWorkspace) : null;
  if (required && !required.ok)
    throw new RepError(t('errManagedWorkspaceInvalid', options.requiredWorkspace!));
  if (required?.ok && required.url !== parsed.link.workspaceUrl)
    throw new RepError(t('errManagedWorkspace', required.url, parsed.link.workspaceUrl));
  const client = new WorkspaceClient(parsed.link.workspaceUrl, null, options.fetchFn);
  const linked = await client.link(parsed.link.code);
  // From the first verdict on, dated by the workspace's time if this browser's clock is off.
  const clock = clockToKeep(undefined, client.clockOffsetMs);
  const record: LinkRecord = {
    ...linked,
    workspaceUrl: parsed.link.workspaceUrl,
    linkedAt: options.now.toISOString(),
    ...(clock ? { clockOffsetMs: clock } : {}),
  };
  // Strict: "Linked" is said only once the token is on disk. With the default durability a browser
  // closed a moment after linking came back unlinked, the workspace's code already used up.
  const tx = db.transaction(['link', 'sync'], 'readwrite', { durability: 'strict' });
  const previous = await inTransaction(tx, async () => {
    const previous = await tx.objectStore('link').get('current');
    await tx.objectStore('link').put(record, 'current');
    // Linking again un-pauses sync for this workspace: its waiting verdicts go out with the new token.
    const sync = await tx.objectStore('sync').get('current');
    if (sync?.workspaceUrl === record.workspaceUrl)
      await tx
        .objectStore('sync')
        .put({ ...sync, paused: false, failures: 0, retryAt: null, lastError: null }, 'current');
    await tx.done;
    return previous;
  });
  keepLink(db, record);
  // The link this one replaces is revoked, best effort and not waited for: its token would otherwise
  // stay live (in the admin's list of browsers) until its idle days ran out.
  if (previous && previous.token !== record.token)
    void new WorkspaceClient(previous.workspaceUrl, previous.token, options.fetchFn)
      .revokeToken(REVOKE_TIMEOUT_MS)
      .catch(() => undefined);
  await currentCampaigns(db, record, { ...options, force: true });
  return { linked: true, me: { member: linked.member, workspace: linked.workspace } };
}

/** How long Unlink waits for the workspace to revoke the token before saying it could not. */
export const REVOKE_TIMEOUT_MS = 5_000;

/**
 * Forgets the link here, in one strict transaction: the token and the cached briefs go; unsent
 * verdicts stay in the outbox, to be sent if this browser links to the same workspace again, and never
 * to another one. `notice` is left on the sync state for Options to say why (a policy's unlink).
 */
async function forgetLink(db: IDBPDatabase<SameroomDb>, notice: string | null) {
  const tx = db.transaction(['link', 'campaigns', 'sync'], 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const link = await tx.objectStore('link').get('current');
    const stored = await tx.objectStore('sync').get('current');
    const sync = link ? syncStateFor(stored, link.workspaceUrl) : stored;
    await Promise.all([
      tx.objectStore('link').delete('current'),
      tx.objectStore('campaigns').delete('current'),
      sync
        ? tx
            .objectStore('sync')
            .put({ ...sync, paused: notice !== null || sync.paused, lastError: notice }, 'current')
        : null,
    ]);
    await tx.done;
    forgetKept(db, 'link', 'campaigns');
    return link;
  });
}

/**
 * The rep's Unlink: forgotten here first (so it holds whatever the network does), then the workspace
 * is asked to revoke the token, best effort. Says whether the workspace was told.
 */
export async function unlinkWorkspace(
  db: IDBPDatabase<SameroomDb>,
  options: { fetchFn?: typeof fetch; unlinked?: () => void } = {},
): Promise<{ revoked: boolean; problem: string | null; wasLinked: boolean }> {
  const link = await forgetLink(db, null);
  if (!link) return { revoked: false, problem: null, wasLinked: false };
  // Told before the workspace is (up to REVOKE_TIMEOUT_MS): the pages show the unlinked state at once.
  options.unlinked?.();
  try {
    await new WorkspaceClient(link.workspaceUrl, link.token, options.fetchFn).revokeToken(REVOKE_TIMEOUT_MS);
    return { revoked: true, problem: null, wasLinked: true };
  } catch (error) {
    return {
      revoked: false,
      problem: error instanceof WorkspaceError ? error.message : String(error),
      wasLinked: true,
    };
  }
}

/**
 * Holds the link to the admin's policy (issue 13), at start and whenever the policy changes: a link to
 * another workspace than the policy's, or under a policy whose address cannot be read, is unlinked
 * with a message; unsent verdicts are kept. Returns that message, or null when the link may stay.
 */
export async function enforceWorkspacePolicy(
  db: IDBPDatabase<SameroomDb>,
  requiredWorkspace: string | undefined,
  options: { fetchFn?: typeof fetch; unlinked?: () => void } = {},
): Promise<string | null> {
  if (requiredWorkspace === undefined) return null;
  const link = await keptLink(db);
  if (!link) return null;
  const required = parseWorkspaceUrl(requiredWorkspace);
  if (required.ok && required.url === link.workspaceUrl) return null;
  const notice = required.ok
    ? t('policyUnlinked', link.workspaceUrl, required.url)
    : t('policyUnlinkedInvalid', link.workspaceUrl, requiredWorkspace);
  const forgotten = await forgetLink(db, notice);
  // Told before the workspace is (up to REVOKE_TIMEOUT_MS): the pages show the unlinked state at once.
  if (forgotten) options.unlinked?.();
  // The token is no use to this browser any more: the workspace is asked to drop it, best effort.
  if (forgotten)
    await new WorkspaceClient(forgotten.workspaceUrl, forgotten.token, options.fetchFn)
      .revokeToken(REVOKE_TIMEOUT_MS)
      .catch(() => undefined);
  return notice;
}
