import { signal } from '@preact/signals';
import { render } from 'preact';
import { CrmSiteList } from '../../components/CrmSiteList';
import type { CustomSiteProblems } from '../../components/CustomSiteForm';
import { LinkForm } from '../../components/LinkForm';
import { type LinkState, LinkStatus, linkStateOf } from '../../components/LinkStatus';
import { PrivacySection } from '../../components/PrivacySection';
import { type Shortcut, ShortcutsSection } from '../../components/ShortcutsSection';
import '../../components/page.css';
import { ADAPTERS } from '../../lib/crm';
import { inWords } from '../../lib/errors';
import { currentLanguage, t, tn } from '../../lib/i18n';
import type { OutboxStatus } from '../../lib/messages';
import { onLinkChanged, onOutboxChanged } from '../../lib/platform/announcements';
import { openShortcutSettings, shortcuts } from '../../lib/platform/commands';
import { allowCrm, partlyAllowed, watchAccess, withheldCrms } from '../../lib/platform/crm-access';
import {
  addSiteInTurn,
  dropSiteInTurn,
  requestSiteAccess,
  withheldSites,
} from '../../lib/platform/custom-sites';
import { askBackground } from '../../lib/platform/messaging';
import { runSiteInOpenTabs } from '../../lib/platform/open-tabs';
import { loadSettings, saveSettings, settingsItem, watchSettings } from '../../lib/platform/settings';
import { type CustomSite, DEFAULT_SETTINGS, type ManagedSettings, type Settings } from '../../lib/settings';
import { parseWorkspaceUrl } from '../../lib/workspace/join-link';
import { SiteNotices } from './SiteNotices';

const link = signal<LinkState>({ kind: 'loading' });
const settings = signal<Settings>(DEFAULT_SETTINGS);
const managed = signal<ManagedSettings>({});
const keys = signal<Shortcut[]>([]);
const outbox = signal<OutboxStatus | null>(null);
/** The built-in CRMs and custom sites whose pages the browser does not let Sameroom read. */
const withheld = signal<ReadonlySet<string>>(new Set());
/** Of those, the built-in CRMs some of whose pages the rep allowed (one org). */
const partly = signal<ReadonlySet<string>>(new Set());
/** Reads which pages are withheld; of reads that overlap, only the latest is shown. */
let accessReads = 0;
const readAccess = () => {
  const read = ++accessReads;
  return Promise.all([
    withheldCrms(ADAPTERS).then(async (crms) => ({ crms, some: await partlyAllowed(ADAPTERS, crms) })),
    withheldSites(settings.value.customSites),
  ]).then(([{ crms, some }, sites]) => {
    if (read !== accessReads) return;
    withheld.value = new Set([...crms, ...sites]);
    partly.value = some;
  });
};

/** What Unlink did on the workspace's side: revoked, or why it could not be told. */
const unlinked = signal<string | null>(null);

async function refresh(): Promise<void> {
  const loaded = await loadSettings();
  settings.value = loaded.settings;
  managed.value = loaded.managed;
  await readAccess();
}

async function linkWith(joinLink: string, code: string): Promise<string | null> {
  const answer = await askBackground({ type: 'link', joinLink, ...(code ? { code } : {}) });
  if (!answer.ok) return answer.error;
  link.value = { kind: 'ready', status: answer.reply };
  unlinked.value = null;
  return null;
}

/**
 * Once `went` (the control that had the keyboard's focus) has left the page, the focus having fallen to
 * the body with it, the focus goes to `#id`, where what it did is said. A rep who moved on meanwhile
 * keeps the focus where they put it.
 */
function focusWhenGone(went: Element | null, id: string): void {
  if (!went) return;
  setTimeout(() => {
    const active = document.activeElement;
    if (!went.isConnected && (!active || active === document.body)) document.getElementById(id)?.focus();
  }, 0);
}

/** An Unlink under way: the button waits for it (the workspace is given up to 5 s to revoke). */
const unlinking = signal(false);

async function unlink(): Promise<void> {
  if (unlinking.value) return;
  unlinking.value = true;
  // The Unlink button goes as soon as the link does (before the workspace's revoke is answered): the
  // keyboard's focus, left on the page's body, goes to what is said of it.
  const focused = document.activeElement?.id === 'unlink' ? document.activeElement : null;
  const answer = await askBackground({ type: 'unlink' });
  unlinked.value = !answer.ok
    ? answer.error
    : !answer.reply.wasLinked
      ? t('unlinkNothing')
      : answer.reply.revoked
        ? t('unlinkRevoked')
        : t('unlinkNotRevoked', answer.reply.revokeProblem ?? '');
  if (answer.ok) outbox.value = answer.reply;
  link.value = linkStateOf(await askBackground({ type: 'status' }));
  unlinking.value = false;
  focusWhenGone(focused, 'unlinked');
}

type SiteValidator = typeof import('../../lib/settings/custom-site');
let validator: Promise<SiteValidator> | undefined;
let loadedValidator: SiteValidator | undefined;

/**
 * The custom-site validator carries the RE2 engine (a third of this page's weight): it loads when the
 * rep starts on the form, so that checking the site at the click needs no await.
 */
function loadValidator(): Promise<SiteValidator> {
  validator ??= import('../../lib/settings/custom-site').then(
    (module) => (loadedValidator = module),
    (error: unknown) => {
      validator = undefined; // tried again at the next focus or Add, not failed for good
      throw error;
    },
  );
  return validator;
}

/** Validates, then asks for the site's permission before any await (the click's gesture), then keeps it. */
function addSite(input: unknown): Promise<CustomSiteProblems | null> {
  // Not loaded yet (the form sent without a focus): a browser may then refuse the prompt, never the site.
  if (!loadedValidator) return loadValidator().then(() => addSite(input), failedToAdd);
  const checked = loadedValidator.checkCustomSite(input, crypto.randomUUID());
  if (!checked.ok) return Promise.resolve(checked.problems);
  const site = checked.site;
  // One site per pattern: a second on the same pattern (a corrected copy, a double click) shares its
  // access, which removing either would take from both.
  if (settings.value.customSites.some((other) => other.match === site.match))
    return Promise.resolve({ match: t('customSiteDuplicate') });
  return requestSiteAccess(site)
    .then(async (granted): Promise<CustomSiteProblems | null> => {
      if (!granted) return { '': t('customSiteDenied') };
      const next = await addSiteInTurn(site, () =>
        saveSettings((current) => ({ ...current, customSites: [...current.customSites, site] })),
      );
      settings.value = { ...settings.value, customSites: next.customSites };
      siteSaid.value = null; // "Removed …" is no longer true of a site added since
      // Kept: the site's tabs open already get the panel (its script reads the site from the settings).
      void runSiteInOpenTabs(site).catch(() => undefined);
      return null;
    })
    .catch(failedToAdd);
}

/** Why an Add failed (a pattern the browser refused, a register or save error), said on the form. */
const failedToAdd = (error: unknown): CustomSiteProblems => ({ '': inWords(error) });

/** A site's removal failed: said beside the list of sites. */
const siteProblem = signal<string | null>(null);
/** What the last removal did, said where the site's row was. */
const siteSaid = signal<string | null>(null);

/**
 * Asks the browser for a kept site's pages again (first thing in the click). The grant reaches the
 * background (permissions.onAdded), which registers the site's script if it is not and runs it in the
 * site's open tabs: run here too, a tab got two copies, the first torn down by the second.
 */
function allowSite(site: CustomSite): Promise<void> {
  siteProblem.value = null;
  return requestSiteAccess(site)
    .then(() => undefined)
    .catch((error: unknown) => {
      siteProblem.value = inWords(error);
    })
    .finally(() => void readAccess());
}

/** Asks the browser for a built-in CRM's pages again (first thing in the click); a refusal is said. */
function allowBuiltIn(site: (typeof ADAPTERS)[number]): Promise<void> {
  siteProblem.value = null;
  return allowCrm(site)
    .then(() => undefined)
    .catch((error: unknown) => {
      siteProblem.value = inWords(error);
    });
}

/** The privacy switch's save failed: said under it. */
const privacyProblem = signal<string | null>(null);

/**
 * Saves a switch's change; one the storage refused is said where `problem` shows it, and the page
 * is read again so that the switch shows what is kept, not what was clicked.
 */
async function saveSwitch(
  change: (current: Settings) => Settings,
  problem: typeof siteProblem,
): Promise<void> {
  problem.value = null;
  try {
    await saveSettings(change);
  } catch (error) {
    problem.value = inWords(error);
  }
  await refresh();
}

/** Stops running on the site and forgets it, in the custom sites' turn (lib/platform/custom-sites.ts). */
async function dropSite(site: CustomSite): Promise<void> {
  siteProblem.value = null;
  siteSaid.value = null;
  // The row's Remove button goes with the row: the keyboard's focus then goes to what was done.
  const focused = document.activeElement;
  try {
    await dropSiteInTurn(
      site,
      async () => (await settingsItem.getValue()).customSites,
      () =>
        saveSettings((current) => ({
          ...current,
          customSites: current.customSites.filter((candidate) => candidate.id !== site.id),
        })),
    );
    siteSaid.value = t('customSiteRemoved', site.label);
  } catch (error) {
    siteProblem.value = inWords(error);
  }
  await refresh();
  // Only when the focus fell with the row: a rep who went on to another box meanwhile (the removal
  // waits for the custom sites' turn) keeps it there.
  focusWhenGone(focused, 'sites-said');
}

function Options() {
  const status = link.value.kind === 'ready' ? link.value.status : null;
  const waiting = outbox.value
    ? outbox.value.held +
      outbox.value.pending +
      outbox.value.otherWorkspace +
      outbox.value.otherReps.reduce((sum, other) => sum + other.count, 0)
    : 0;
  return (
    <main class="sr-page">
      <h1>{t('optionsTitle')}</h1>
      <section aria-labelledby="workspace">
        <h2 id="workspace">{t('optionsWorkspace')}</h2>
        <LinkStatus
          state={link}
          onRetry={() => {
            link.value = { kind: 'loading' };
            void readStatus();
          }}
        />
        {managed.value.workspaceUrl !== undefined && (
          <p class="sr-locked">
            {parseWorkspaceUrl(managed.value.workspaceUrl).ok
              ? t('optionsWorkspaceLocked', managed.value.workspaceUrl)
              : t('optionsWorkspaceInvalid', managed.value.workspaceUrl)}
          </p>
        )}
        {status?.notice && (
          <p class="sr-warning" role="alert">
            {status.notice}
          </p>
        )}
        {unlinked.value && (
          <p id="unlinked" role="status" tabIndex={-1}>
            {unlinked.value}
          </p>
        )}
        {status?.linked && (
          <button
            id="unlink"
            type="button"
            class="sr-button sr-button--secondary"
            aria-disabled={unlinking.value}
            onClick={() => {
              if (!unlinking.value) void unlink();
            }}
          >
            {t('optionsUnlink')}
          </button>
        )}
        {waiting > 0 && !status?.linked && <p class="sr-warning">{tn('optionsUnsentKept', waiting)}</p>}
        {status && <LinkForm onLink={linkWith} />}
      </section>
      <SiteNotices sites={settings.value.customSites} />
      <CrmSiteList
        sites={ADAPTERS}
        settings={settings}
        locked={Boolean(managed.value.enabledCrms)}
        withheld={withheld.value}
        partly={partly.value}
        onAllow={(site) => void allowBuiltIn(site)}
        onAllowSite={(site) => void allowSite(site)}
        problem={siteProblem.value}
        said={siteSaid.value}
        onToggle={(id, on) =>
          void saveSwitch(
            (current) => ({ ...current, enabledCrms: { ...current.enabledCrms, [id]: on } }),
            siteProblem,
          )
        }
        onAdd={addSite}
        onEdit={() => void loadValidator()}
        onRemove={(site) => void dropSite(site)}
      />
      <PrivacySection
        sendRecordUrl={settings.value.sendRecordUrl}
        locked={managed.value.sendRecordUrl !== undefined}
        problem={privacyProblem.value}
        onChange={(on) => void saveSwitch((current) => ({ ...current, sendRecordUrl: on }), privacyProblem)}
      />
      <ShortcutsSection shortcuts={keys.value} onChange={() => void openShortcutSettings()} />
    </main>
  );
}

document.title = t('optionsTitle');
document.documentElement.lang = currentLanguage();
render(<Options />, document.getElementById('app')!);
void refresh();
void readAccess(); // the built-in CRMs at once; the custom sites again once the settings are read
// Read again on every grant or withdrawal: the Allow button's, or the browser's own settings page.
watchAccess(() => void readAccess());
void shortcuts().then((list) => {
  keys.value = list;
});
/** Reads the link; of reads that overlap (two changes told at once), only the latest is shown. */
let statusReads = 0;
const readStatus = () => {
  const read = ++statusReads;
  return askBackground({ type: 'status' }).then((answer) => {
    if (read !== statusReads) return;
    link.value = linkStateOf(answer);
    // Linked again since (in another tab): "Unlinked…" beside "Linked as …" is no longer true.
    if (answer.ok && answer.reply.linked && !unlinking.value) unlinked.value = null;
  });
};
void readStatus();
// A policy (or another Options tab) changed the settings while this page is open: shown at once. The
// link is read again when the background says it changed (held to a new policy, or linked or unlinked
// in another tab), so that no stale Unlink button or link form is left on the page.
watchSettings(() => void refresh());
onLinkChanged(() => void readStatus());
/** The unsent verdicts kept, read again whenever the outbox changes (sent, unlinked in another tab). */
let outboxReads = 0;
const readOutbox = () => {
  const read = ++outboxReads;
  return askBackground({ type: 'outbox' }).then((answer) => {
    // Of reads that overlap, only the latest is shown.
    if (answer.ok && read === outboxReads) outbox.value = answer.reply;
  });
};
void readOutbox();
onOutboxChanged(() => void readOutbox());
