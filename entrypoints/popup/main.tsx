import { signal } from '@preact/signals';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type LinkState, LinkStatus, linkStateOf } from '../../components/LinkStatus';
import { type DeadLetterFix, OutboxView } from '../../components/OutboxView';
import { QuickVerdict, type QuickVerdictInput } from '../../components/QuickVerdict';
import { StatusLine } from '../../components/StatusLine';
import { TabCheckView } from '../../components/TabCheckView';
import '../../components/page.css';
import { currentLanguage, t, verdictLabel } from '../../lib/i18n';
import type { CampaignList, Envelope, HistoryEntry, OutboxStatus } from '../../lib/messages';
import { VerdictIds } from '../../lib/outbox/verdict-ids';
import { onOutboxChanged } from '../../lib/platform/announcements';
import { checkActiveTab } from '../../lib/platform/check-tab';
import { askBackground, askRepeatable } from '../../lib/platform/messaging';
import { loadRepSettings } from '../../lib/platform/rep-settings';
import type { Settings } from '../../lib/settings';
import { deadDraftKey, quickLeadLink } from '../../lib/store/draft-text';
import type { Draft } from '../../lib/store/drafts';

/** How long the first render waits for the background's answers before it draws the skeleton. */
const FIRST_RENDER_WAIT_MS = 150;

const link = signal<LinkState>({ kind: 'loading' });
const campaigns = signal<CampaignList | { error: string } | null>(null);
const outbox = signal<OutboxStatus | { error: string } | null>(null);
const syncing = signal(false);
/** The last quick verdict saved: undone, or past its Undo (taken too late, or its window gone). */
const saved = signal<{
  entry: HistoryEntry;
  /** What the form sent: put back in it on Undo. */
  input: QuickVerdictInput;
  undone: boolean;
  late?: boolean;
  /** Undo's own failure, said beside it. */
  error?: string;
} | null>(null);
/** The verdict Undo took back, for the form to take in. */
const undone = signal<QuickVerdictInput | null>(null);
/** What the rep had typed in the quick form when the popup last closed. */
let keptQuick: Draft | null = null;
/** Why the form could not be kept (the browser's storage full): said under the note. */
const quickNotKept = signal<string | null>(null);
/** The form as last typed, until the background has kept it. */
let quickUnkept: Draft | null = null;
/** While the browser refuses to keep the form (its storage full), it is tried again this often. */
const KEEP_RETRY_MS = 3_000;
/** Whether a retry of the unkept form is due. */
let quickRetrying = false;
/**
 * The quick form's kept draft. A read that failed (the browser's database not open, once, after a
 * restart) says nothing of what is kept: taken as "none", the form opened empty and its first change
 * was written over the draft kept before. Asked again (0.2, 0.4, 0.8 s) before the form opens.
 */
async function readQuickDraft(): Promise<Envelope<Draft | null>> {
  let answer = await askBackground({ type: 'draft', key: 'quick' });
  for (let wait = 200; !answer.ok && wait <= 800; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    answer = await askBackground({ type: 'draft', key: 'quick' });
  }
  return answer as Envelope<Draft | null>;
}

/**
 * The kept draft, once read after the form opened without it (every read before failed): the form
 * puts it before what was typed meanwhile. Until then nothing is written, which would replace it.
 */
const lateKept = signal<Draft | null>(null);
/** The kept draft is not read yet: what is typed waits (`quickUnkept`) rather than be written over it. */
let quickReadPending = false;
/** Read again every this long while the kept draft could not be read, for as long as the popup is open. */
const LATE_READ_MS = 1_000;

async function readQuickDraftLate(): Promise<void> {
  const answer = await askBackground({ type: 'draft', key: 'quick' });
  if (!answer.ok) {
    setTimeout(() => void readQuickDraftLate(), LATE_READ_MS);
    return;
  }
  quickReadPending = false;
  quickNotKept.value = null;
  const kept = answer.reply as Draft | null;
  // The form takes it in (a change it makes is written, with both). What was typed meanwhile is written
  // in any case: a note typed that already held the kept one changes nothing in the form.
  if (kept) lateKept.value = kept;
  setTimeout(() => {
    if (quickUnkept) keepQuick(quickUnkept);
  }, 0);
}

/** Kept as it is typed, not when the popup closes: it closes at any click outside it. */
function keepQuick(draft: Draft): void {
  quickUnkept = draft;
  if (quickReadPending) return;
  void askBackground({ type: 'keepDraft', key: 'quick', draft }).then((answer) => {
    // Typed again since: the newer form's answer says.
    if (quickUnkept !== draft) return;
    quickNotKept.value = answer.ok ? null : answer.error;
    if (answer.ok) quickUnkept = null;
    else if (!quickRetrying) {
      quickRetrying = true;
      setTimeout(() => {
        quickRetrying = false;
        if (quickUnkept) keepQuick(quickUnkept);
      }, KEEP_RETRY_MS);
    }
  });
}

const openOptions = () => void askBackground({ type: 'openOptions' }).then(() => window.close());

/** The outbox as the latest of overlapping asks says (an earlier answer arriving late is dropped). */
let outboxAsks = 0;
/** A read of the outbox that failed after one that worked: said beside what that one showed. */
const outboxProblem = signal<string | null>(null);
/**
 * The replies shown as the popup opened, which it then marks seen: listed until the popup closes. The
 * seen mark changes the outbox, whose next answer (pushed within a tenth of a second) no longer calls
 * them new: they vanished as the rep began to read them.
 */
let shownAtOpening: OutboxStatus['newReplies'] = [];

async function showOutbox(asked: Promise<Envelope<OutboxStatus>>): Promise<void> {
  const mine = ++outboxAsks;
  const answer = await asked;
  if (mine !== outboxAsks) return;
  if (answer.ok) {
    const fresh = answer.reply.newReplies;
    // While a rep is linked: unlinked meanwhile, the replies go with the link.
    const kept = answer.reply.linked
      ? shownAtOpening.filter((shown) => !fresh.some((notice) => notice.reply.id === shown.reply.id))
      : [];
    outbox.value = kept.length > 0 ? { ...answer.reply, newReplies: [...fresh, ...kept] } : answer.reply;
    outboxProblem.value = null;
  } else if (outbox.value && !('error' in outbox.value)) {
    // The refused verdicts' forms (with what the rep wrote in them) and Sync now stay.
    outboxProblem.value = answer.error;
  } else outbox.value = { error: answer.error };
}
const refreshOutbox = () => showOutbox(askBackground({ type: 'outbox' }));

const verdictIds = new VerdictIds();

/**
 * The record of a custom site's address (Options → custom sites): their patterns need the RE2 engine,
 * loaded only when no built-in CRM knows the address. Without it, a rep on the team's own CRM was told
 * every lead address of theirs was not a CRM lead.
 */
async function customSiteRecord(leadLink: string, settings: Settings) {
  const sites = settings.customSites.filter((site) => !site.attention);
  if (sites.length === 0) return null;
  const [{ recordFromUrl }, { customAdapter }] = await Promise.all([
    import('../../lib/crm'),
    import('../../lib/crm/custom'),
  ]);
  return recordFromUrl(leadLink, sites.map(customAdapter));
}

async function sendVerdict(input: QuickVerdictInput): Promise<string | null> {
  // The CRM adapters load when a verdict is sent, not with the popup: its first open waits for less.
  // A new attempt: the last one's "Saved … Undo" line goes, whatever this one's outcome.
  saved.value = null;
  const [{ recordFromUrl, enabledAdapters }, settings] = await Promise.all([
    import('../../lib/crm'),
    loadRepSettings(),
  ]);
  // A link copied without its scheme (acme.lightning.force.com/lightning/r/…) is an https one.
  const leadLink = quickLeadLink(input.leadLink);
  // As the panel reads it: a built-in CRM that is on, then the custom sites (one may stand in for a
  // built-in CRM switched off on its host), then any built-in CRM (a link pasted from one switched off).
  const record =
    recordFromUrl(leadLink, enabledAdapters(settings)) ??
    (await customSiteRecord(leadLink, settings)) ??
    recordFromUrl(leadLink);
  if (!record) return t('quickLeadUnknown');
  // Sent again with its id if the worker goes away with it, and with the same id when the rep sends
  // it again after no answer came at all: stored once, whatever happened to the first.
  const what = JSON.stringify([leadLink, input.campaignId, input.verdict, input.note, input.region]);
  const id = verdictIds.idFor(what);
  const answer = await askRepeatable({
    type: 'verdict',
    id,
    lead: { ...record, signals: {} },
    url: leadLink,
    campaignId: input.campaignId,
    verdict: input.verdict,
    ...(input.note.trim() ? { note: input.note } : {}),
    region: input.region,
    draft: 'quick',
  });
  verdictIds.settle(what, id, answer.ok);
  if (!answer.ok) return answer.error;
  saved.value = { entry: answer.reply, input, undone: false };
  await refreshOutbox();
  return null;
}

/** A refused verdict's fix, kept as it is written: the popup closes at any click outside it. */
async function keepFix(id: string, fix: DeadLetterFix): Promise<string | null> {
  // Resent or discarded: its kept fix is gone with it, and a keystroke meanwhile must not bring it back.
  if (closedFixes.has(id)) return null;
  const answer = await askBackground({
    type: 'keepDraft',
    key: deadDraftKey(id),
    draft: { note: fix.note, answers: {}, fix: { verdict: fix.verdict, region: fix.region } },
  });
  return answer.ok ? null : answer.error;
}

/** Refused verdicts resent or discarded from this popup: their fixes are no longer kept. */
const closedFixes = new Set<string>();

async function resend(id: string, fix: DeadLetterFix): Promise<string | null> {
  closedFixes.add(id);
  const answer = await askBackground({ type: 'resend', id, ...fix });
  if (!answer.ok) {
    // Still refused: the fix stays the rep's to change (its form keeps it again as it is now).
    closedFixes.delete(id);
    return answer.error;
  }
  await refreshOutbox();
  return null;
}

async function discard(id: string): Promise<void> {
  closedFixes.add(id);
  const answer = await askBackground({ type: 'discard', id });
  // Not discarded (no answer, its storage full): it stays in the outbox, and what the rep writes in its
  // form from now on is kept again, as after a failed resend.
  if (!answer.ok) closedFixes.delete(id);
  await showOutbox(Promise.resolve(answer));
}

function SavedLine() {
  const current = saved.value;
  const [, redraw] = useState(0);
  const until = current && !current.undone ? Date.parse(current.entry.undoUntil ?? '') : Number.NaN;
  // Its Undo goes when its window does, not at the next redraw for some other reason.
  useEffect(() => {
    if (!(until > Date.now())) return;
    const timer = setTimeout(() => redraw((n) => n + 1), until - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [until]);
  // Empty but on the page before a save: a status region made with its words in it is not read by
  // some screen readers, and this one was made again at every save (cleared as the save began).
  if (!current) return <p role="status" />;
  if (current.undone) return <p role="status">{t('quickUndone')}</p>;
  const label = verdictLabel(current.entry.verdict);
  if (current.late) return <p role="status">{t('quickUndoLate', label)}</p>;
  const open = until > Date.now();
  return (
    <p role="status">
      {t(open ? 'quickSaved' : 'quickSavedGone', label)}{' '}
      {open && (
        <button
          type="button"
          class="sr-link"
          onClick={async (event) => {
            const button = event.currentTarget;
            const focused = document.activeElement === button;
            const answer = await askBackground({ type: 'undo', id: current.entry.id, draft: 'quick' });
            if (!answer.ok) saved.value = { ...current, error: answer.error };
            else if (!answer.reply.undone) saved.value = { ...current, late: true };
            else {
              saved.value = { ...current, undone: true };
              undone.value = current.input;
            }
            // Undo's button is gone with the keyboard's focus: to the form's Send (the verdict is back
            // in the form when it was undone), not to the page's body.
            setTimeout(() => {
              if (focused && !button.isConnected)
                document.querySelector<HTMLElement>('.sr-form button[type="submit"]')?.focus();
            });
            await refreshOutbox();
          }}
        >
          {t('quickUndo')}
        </button>
      )}
      {current.error && (
        <span class="sr-error" role="alert">
          {' '}
          {current.error}
        </span>
      )}
    </p>
  );
}

function Popup() {
  const list = campaigns.value;
  const status = outbox.value;
  const linked = link.value.kind === 'ready' && link.value.status.linked;
  return (
    <main class="sr-page sr-page--popup">
      <h1>{t('popupTitle')}</h1>
      <LinkStatus state={link} onOpenOptions={openOptions} />
      {linked &&
        (list === null ? (
          <StatusLine />
        ) : 'error' in list ? (
          <StatusLine error={list.error} />
        ) : (
          <QuickVerdict
            campaigns={list}
            onSend={sendVerdict}
            kept={keptQuick}
            onDraft={keepQuick}
            undone={undone}
            lateKept={lateKept}
            notKept={quickNotKept.value}
          />
        ))}
      <SavedLine />
      {status === null ? (
        <StatusLine />
      ) : 'error' in status ? (
        <StatusLine error={status.error} />
      ) : (
        <OutboxView
          status={status}
          setup={list && !('error' in list) ? list.setup : { regions: [], region: null }}
          syncing={syncing.value}
          onSyncNow={async () => {
            syncing.value = true;
            await showOutbox(askBackground({ type: 'syncNow' }));
            syncing.value = false;
          }}
          onResend={resend}
          onDiscard={(id) => void discard(id)}
          onKeepFix={keepFix}
          onOpenOptions={openOptions}
          problem={outboxProblem.value}
        />
      )}
      <TabCheckView onCheck={checkActiveTab} onOpenOptions={openOptions} />
      <p>
        <button type="button" class="sr-link" onClick={openOptions}>
          {t('actionOpenOptions')}
        </button>
      </p>
    </main>
  );
}

document.title = t('popupTitle');
document.documentElement.lang = currentLanguage();
// Asked before the first render, and together, not one after the other.
const asking = askBackground({ type: 'campaigns' });
const status = askBackground({ type: 'status' });
const firstOutbox = askBackground({ type: 'outbox' });
const outboxRead = showOutbox(firstOutbox);
// A send that failed (or went through) while the popup is open shows without "Sync now" or reopening.
onOutboxChanged(() => void refreshOutbox());
const draftRead = readQuickDraft();
const shown = status.then(async (answer) => {
  link.value = linkStateOf(answer);
  if (!answer.ok || !answer.reply.linked) return;
  const [list, draft] = await Promise.all([asking, draftRead]);
  keptQuick = draft.ok ? draft.reply : null;
  if (!draft.ok) {
    // Not read: the form opens empty, says that what is typed is not kept yet, and reads again.
    quickReadPending = true;
    quickNotKept.value = draft.error;
    void readQuickDraftLate();
  }
  campaigns.value = list.ok ? list.reply : { error: list.error };
});
// The first render waits a moment for the answers, so that the popup draws once, with them. Drawn
// first as a skeleton, the popup's first layout (its fonts looked up, 50-100 ms after a browser start)
// held the answers, which had come back within 10 ms, behind it, and a second render followed (issue 11).
// A background slower than that gets the skeleton.
void Promise.race([
  Promise.allSettled([shown, outboxRead]),
  new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS)),
]).then(() => render(<Popup />, document.getElementById('app')!));
firstOutbox.then((answer) => {
  // Replies shown at opening count as seen: the badge and the next popup stop calling them new. By
  // this first answer itself, and only its replies: a later answer (Sync now, an outbox change) may
  // already have replaced it on screen, and the background may have pulled more since, which the rep
  // was not shown at opening.
  if (answer.ok && answer.reply.newReplies.length > 0) {
    shownAtOpening = answer.reply.newReplies;
    void askBackground({
      type: 'repliesSeen',
      replyIds: answer.reply.newReplies.map((notice) => notice.reply.id),
    });
  }
});
