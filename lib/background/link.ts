import type { IDBPDatabase } from 'idb';
import { t } from '../i18n';
import type { StatusReply } from '../messages';
import type { SameroomDb } from '../store/db';
import { WorkspaceClient } from '../workspace/client';
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
  if (!parsed.ok) throw new Error(parsed.problem);
  const required = options.requiredWorkspace ? parseWorkspaceUrl(options.requiredWorkspace) : null;
  if (required?.ok && required.url !== parsed.link.workspaceUrl)
    throw new Error(t('errManagedWorkspace', required.url, parsed.link.workspaceUrl));
  const linked = await new WorkspaceClient(parsed.link.workspaceUrl, null, options.fetchFn).link(
    parsed.link.code,
  );
  const record = { ...linked, workspaceUrl: parsed.link.workspaceUrl, linkedAt: options.now.toISOString() };
  await db.put('link', record, 'current');
  // Linking again un-pauses sync for this workspace: its waiting verdicts go out with the new token.
  const sync = await db.get('sync', 'current');
  if (sync?.workspaceUrl === record.workspaceUrl)
    await db.put('sync', { ...sync, paused: false, failures: 0, retryAt: null, lastError: null }, 'current');
  await currentCampaigns(db, record, { ...options, force: true });
  return { linked: true, me: { member: linked.member, workspace: linked.workspace } };
}

/**
 * Forgets the workspace: the token and the cached briefs go; unsent verdicts stay in the outbox, to be
 * sent if this browser links to the same workspace again, and never to another one.
 */
export async function unlinkWorkspace(db: IDBPDatabase<SameroomDb>): Promise<void> {
  const tx = db.transaction(['link', 'campaigns'], 'readwrite', { durability: 'strict' });
  await Promise.all([
    tx.objectStore('link').delete('current'),
    tx.objectStore('campaigns').delete('current'),
  ]);
  await tx.done;
}
