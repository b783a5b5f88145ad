import type { IDBPDatabase } from 'idb';
import { inWords, storageFull } from '../errors';
import { t } from '../i18n';
import { classifySender, type Envelope, type SenderInfo } from '../messages';
import type { PanelCommand } from '../platform/commands';
import type { Settings } from '../settings';
import { connectionBroken, type SameroomDb } from '../store/db';
import { Message, REGISTRY } from './registry';

export interface BackgroundDeps {
  ours: { id: string; origin: string };
  /** Whether a content script on this URL is one of ours: an enabled built-in CRM or a custom site. */
  isCrmUrl(url: URL): boolean | Promise<boolean>;
  /**
   * The settings in force, from memory: whether verdicts carry the record's address (Options →
   * Privacy), and the CRMs and custom sites that say what that address is. The defaults when not given.
   */
  settings?: () => Promise<Settings>;
  /** The briefs were revalidated behind the pages (new briefs, or the workspace out of reach). */
  campaignsRefreshed?(): void;
  /** A keyboard command for the panel view in this tab. */
  panelCommand?(tabId: number, command: PanelCommand): void;
  /** The built-in CRMs' switches in force (the admin's policy over the rep's), from memory. */
  enabledCrms?: () => Promise<Record<string, boolean>>;
  /** The workspace an admin preset through managed storage, if any: linking elsewhere is refused. */
  managedWorkspaceUrl?: () => Promise<string | undefined>;
  db(): Promise<IDBPDatabase<SameroomDb>>;
  /** A handler failed: the database opens again on its next use when the error was the connection's. */
  dbFailed?(error: unknown): void;
  openOptions(): Promise<void>;
  /** Runs sync now (one run at a time); `force` skips the backoff wait. */
  sync(force: boolean): Promise<unknown>;
  /** The outbox changed: update the badge and schedule the next sync. */
  outboxChanged(): void;
  /** The link changed (linked, unlinked): the open extension pages read it again. */
  linkChanged?(): void;
  now?: () => Date;
  fetchFn?: typeof fetch;
  newId?: () => string;
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
  return handleParsed(parsed.data as Message, sender, deps);
}

/** `handleMessage` for a message already checked against its schema (`Message.safeParse`). */
export async function handleParsed(
  message: Message,
  sender: SenderInfo,
  deps: BackgroundDeps,
): Promise<Envelope<unknown>> {
  // Our own pages are known by their origin: asking whether they are a CRM page would read the settings
  // afresh (managed storage: seconds on the first read after the browser starts, issue 11).
  const ownPage = sender.id === deps.ours.id && sender.url?.startsWith(deps.ours.origin) === true;
  let crmUrl = false;
  try {
    crmUrl = sender.url && !ownPage ? await deps.isCrmUrl(new URL(sender.url)) : false;
  } catch {
    crmUrl = false;
  }
  const kind = classifySender(sender, deps.ours, () => crmUrl);
  if (!kind || !REGISTRY[message.type].senders.includes(kind)) {
    // Our own content script (our id, a tab's top frame) on a page the settings in force do not serve.
    const off =
      !kind &&
      sender.id === deps.ours.id &&
      sender.hasTab &&
      (sender.frameId ?? 0) === 0 &&
      /^https?:\/\//.test(sender.url ?? '');
    return { ok: false, error: t('errNotAllowed'), ...(off ? { off: true as const } : {}) };
  }
  const registered = REGISTRY[message.type] as {
    handle(message: Message, sender: SenderInfo, deps: BackgroundDeps): Promise<unknown>;
  };
  // A connection that went bad (a write failed on a full disk, the browser closing it) fails every use
  // until a new one is opened: the request is made again on a new one, so that the rep's click after
  // freeing space works (nothing of the failed attempt was committed). Twice: Chromium, closing the
  // connection, first aborts what runs on it, then refuses it as "closing" until its close is
  // through. Not a link: its code is used up by then.
  const failures: unknown[] = [];
  for (;;) {
    try {
      return { ok: true, reply: await registered.handle(message, sender, deps) };
    } catch (error) {
      deps.dbFailed?.(error);
      failures.push(error);
      if (!deps.dbFailed || !connectionBroken(error) || message.type === 'link' || failures.length > 2) break;
    }
  }
  // A full disk said by any attempt is what the rep can act on; a later one's error is then only that
  // the database could not be opened again. Otherwise the last: already worded for the rep (a bad
  // code, nothing linked, an unreachable workspace) as it is.
  return { ok: false, error: inWords(failures.find(storageFull) ?? failures.at(-1)) };
}
