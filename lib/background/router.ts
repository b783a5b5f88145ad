import type { IDBPDatabase } from 'idb';
import { t } from '../i18n';
import {
  ALLOWED_SENDERS,
  classifySender,
  type Envelope,
  Message,
  type SenderInfo,
  type StatusReply,
} from '../messages';
import {
  discardDead,
  leadHistory,
  markRepliesSeen,
  outboxStatus,
  resendDead,
  undoVerdict,
} from '../outbox/outbox';
import type { PanelCommand } from '../platform/commands';
import type { SameroomDb } from '../store/db';
import { WorkspaceError } from '../workspace/client';
import { leadView, pickCampaign } from './lead';
import { linkWorkspace, unlinkWorkspace } from './link';
import { campaignList, verdict } from './verdicts';

export interface BackgroundDeps {
  ours: { id: string; origin: string };
  /** Whether a content script on this URL is one of ours: an enabled built-in CRM or a custom site. */
  isCrmUrl(url: URL): boolean | Promise<boolean>;
  /** Whether verdicts carry the record's address (Options → Privacy); yes when not given. */
  sendRecordUrl?: () => Promise<boolean>;
  /** A keyboard command for the panel view in this tab. */
  panelCommand?(tabId: number, command: PanelCommand): void;
  /** The built-in CRMs' switches in force (the admin's policy over the rep's), from memory. */
  enabledCrms?: () => Promise<Record<string, boolean>>;
  /** The workspace an admin preset through managed storage, if any: linking elsewhere is refused. */
  managedWorkspaceUrl?: () => Promise<string | undefined>;
  db(): Promise<IDBPDatabase<SameroomDb>>;
  openOptions(): Promise<void>;
  /** Runs sync now (one run at a time); `force` skips the backoff wait. */
  sync(force: boolean): Promise<unknown>;
  /** The outbox changed: update the badge and schedule the next sync. */
  outboxChanged(): void;
  now?: () => Date;
  fetchFn?: typeof fetch;
  newId?: () => string;
}

function context(deps: BackgroundDeps): { now: Date; fetchFn?: typeof fetch } {
  return { now: deps.now?.() ?? new Date(), ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}) };
}

async function status(deps: BackgroundDeps): Promise<StatusReply> {
  const db = await deps.db();
  const link = await db.get('link', 'current');
  if (link) return { linked: true, me: { member: link.member, workspace: link.workspace } };
  // A paused sync with words and no link: the admin's policy unlinked it (a rep's Unlink clears them).
  const sync = await db.get('sync', 'current');
  return { linked: false, me: null, ...(sync?.paused && sync.lastError ? { notice: sync.lastError } : {}) };
}

/**
 * Every message to the background passes here: checked against its schema and its sender, then
 * answered. Errors come back as words, never as a thrown stack.
 */
export async function handleMessage(
  raw: unknown,
  sender: SenderInfo,
  deps: BackgroundDeps,
): Promise<Envelope<unknown>> {
  const parsed = Message.safeParse(raw);
  if (!parsed.success) return { ok: false, error: t('errNotUnderstood') };
  const message = parsed.data;
  let crmUrl = false;
  try {
    crmUrl = sender.url ? await deps.isCrmUrl(new URL(sender.url)) : false;
  } catch {
    crmUrl = false;
  }
  const kind = classifySender(sender, deps.ours, () => crmUrl);
  if (!kind || !ALLOWED_SENDERS[message.type].includes(kind)) {
    // Our own content script (our id, a tab's top frame) on a page the settings in force do not serve.
    const off =
      !kind &&
      sender.id === deps.ours.id &&
      sender.hasTab &&
      (sender.frameId ?? 0) === 0 &&
      /^https?:\/\//.test(sender.url ?? '');
    return { ok: false, error: t('errNotAllowed'), ...(off ? { off: true as const } : {}) };
  }
  try {
    switch (message.type) {
      case 'status':
        return { ok: true, reply: await status(deps) };
      case 'openOptions':
        await deps.openOptions();
        return { ok: true, reply: { ok: true } };
      case 'link': {
        const linked = await linkWorkspace(await deps.db(), message, {
          ...context(deps),
          requiredWorkspace: await deps.managedWorkspaceUrl?.(),
        });
        // Verdicts waiting for this workspace (a paused sync, an earlier link) go out now.
        void deps.sync(true);
        return { ok: true, reply: linked };
      }
      case 'lead':
        return { ok: true, reply: await leadView(await deps.db(), message.lead, context(deps)) };
      case 'pick':
        return {
          ok: true,
          reply: await pickCampaign(await deps.db(), message.lead, message.campaignId, context(deps)),
        };
      case 'verdict': {
        const { type: _type, url, ...input } = message;
        const withUrl = url && (await (deps.sendRecordUrl?.() ?? true)) ? { ...input, url } : input;
        const saved = await verdict(await deps.db(), withUrl, context(deps).now);
        deps.outboxChanged();
        return { ok: true, reply: saved };
      }
      case 'undo': {
        const undone = await undoVerdict(await deps.db(), message.id, context(deps).now);
        deps.outboxChanged();
        return { ok: true, reply: { undone } };
      }
      case 'history':
        return { ok: true, reply: await leadHistory(await deps.db(), message.lead) };
      case 'outbox':
        return { ok: true, reply: await outboxStatus(await deps.db()) };
      case 'syncNow':
        await deps.sync(true);
        deps.outboxChanged();
        return { ok: true, reply: await outboxStatus(await deps.db()) };
      case 'resend': {
        const { type: _type, id, ...fix } = message;
        const newId = deps.newId?.() ?? crypto.randomUUID();
        const entry = await resendDead(await deps.db(), id, fix, context(deps).now, newId);
        deps.outboxChanged();
        return { ok: true, reply: entry };
      }
      case 'discard':
        await discardDead(await deps.db(), message.id);
        deps.outboxChanged();
        return { ok: true, reply: await outboxStatus(await deps.db()) };
      case 'repliesSeen':
        await markRepliesSeen(await deps.db());
        deps.outboxChanged();
        return { ok: true, reply: await outboxStatus(await deps.db()) };
      case 'unlink': {
        const { revoked, problem } = await unlinkWorkspace(await deps.db(), context(deps));
        deps.outboxChanged();
        return {
          ok: true,
          reply: { ...(await outboxStatus(await deps.db())), revoked, revokeProblem: problem },
        };
      }
      case 'campaigns':
        return { ok: true, reply: await campaignList(await deps.db(), context(deps)) };
      case 'enabledCrms':
        return { ok: true, reply: (await deps.enabledCrms?.()) ?? {} };
      case 'panelCommand':
        if (sender.tabId !== undefined) deps.panelCommand?.(sender.tabId, message.command);
        return { ok: true, reply: { ok: true } };
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // Linking errors are already a person's words (a bad code, an unreachable workspace).
    if (error instanceof WorkspaceError || message.type === 'link') return { ok: false, error: text };
    return { ok: false, error: t('errCouldNot', text) };
  }
}
