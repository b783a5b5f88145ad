import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { rereadCampaignsAfterUpdate } from '../lib/background/campaigns';
import { enforceWorkspacePolicy } from '../lib/background/link';
import { PanelSessions, pageAddress, toldPage } from '../lib/background/panels';
import { Message } from '../lib/background/registry';
import { type BackgroundDeps, handleMessage, handleParsed } from '../lib/background/router';
import { createSyncRunner } from '../lib/background/sync-runner';
import { servesCrm } from '../lib/crm';
import { warmFormats } from '../lib/i18n/formats';
import type { Envelope, LeadView, SenderInfo } from '../lib/messages';
import { leadHistory } from '../lib/outbox/outbox';
import { afterQuiet } from '../lib/outbox/sync';
import { announceLinkChanged, announceOutboxChanged } from '../lib/platform/announcements';
import { showBadge } from '../lib/platform/badge';
import { listenForCommands } from '../lib/platform/commands';
import { syncSitesInTurn } from '../lib/platform/custom-sites';
import { openInThisBrowser } from '../lib/platform/open-db';
import { runInAllowedTabs, runInOpenTabs } from '../lib/platform/open-tabs';
import { listenForPanels } from '../lib/platform/panels';
import { forgetPrivateDraftsWithTheirWindows } from '../lib/platform/private-windows';
import { listenForMessages, openOptionsPage, ourExtension } from '../lib/platform/runtime';
import {
  cachedSettings,
  loadSettings,
  managedSettings,
  settingsItem,
  settingsNow,
  watchSettings,
} from '../lib/platform/settings';
import { listenForSyncTriggers, SYNC_PERIOD_MINUTES, wakeAt } from '../lib/platform/sync-triggers';
import { keptDb } from '../lib/store/db';
import { keepAtStart } from '../lib/store/kept';

/** How long the outbox's bookkeeping waits for a burst of clicks to pause, and at most. */
const OUTBOX_QUIET_MS = 100;
const OUTBOX_QUIET_MAX_MS = 500;

export default defineBackground({
  type: 'module',
  main() {
    // The panel frame and the popup run in this extension's process, where ICU's locale data loads once:
    // loading it now, as the worker starts, takes 30–140 ms off a view's first render after browser start.
    warmFormats();
    const openDb = keptDb(openInThisBrowser);
    // Opened now, with the link and the briefs read into memory, not on the first message: a lead page
    // or the popup after the browser starts should not wait for a cold IndexedDB.
    void openDb()
      .then(keepAtStart)
      .catch(() => undefined);
    // The panel views in CRM tabs: told of every change to their lead's verdicts, after a sync too.
    let panels: PanelSessions | undefined;
    const refreshViews = () => void panels?.refreshViews();
    // Linked or unlinked: extension pages are told, and open panels shown what they show now ("Not
    // linked" stayed over a lead until the rep moved to another record; after Unlink, the brief did).
    const linkChanged = () => {
      announceLinkChanged();
      refreshViews();
    };
    const sync = createSyncRunner({
      campaignsRefreshed: refreshViews,
      db: openDb,
      wakeAt,
      // After every sync run and outbox change: the badge, every view's history, an open popup's outbox.
      showBadge: async (state) => {
        await showBadge(state);
        void panels?.refreshHistory();
        announceOutboxChanged();
      },
    });
    // After a save, an undo or a fix: the badge, the next wake-up and (through the badge) every view's
    // history, once a burst of clicks has paused, so that none of it holds the next click's save back.
    // A view shows its own click's verdict at once.
    const outboxChanged = afterQuiet(() => sync.changed(), OUTBOX_QUIET_MS, OUTBOX_QUIET_MAX_MS);
    const settings = cachedSettings();
    // What content scripts wait on is answered without waiting for managed storage (issue 11).
    const now = settingsNow(settings);
    const ours = ourExtension();
    // Built once: every message is answered with the same dependencies.
    const deps: BackgroundDeps = {
      ours,
      // Cached, as every message asks; a refusal is checked against a fresh read, so a site added a
      // moment ago is never turned away by a change event that has not arrived yet.
      isCrmUrl: async (url) => servesCrm(url, await now()) || servesCrm(url, (await loadSettings()).settings),
      // From memory: the content script asks this instead of reading managed storage (issue 11); the
      // fresh read's answer follows through the settings watch when it differs.
      enabledCrms: async () => (await now()).enabledCrms,
      // From the settings in force, which every change to either storage area throws away at once
      // (a fresh read here cost each click a storage round trip, issue 11).
      settings: async () => (await settings()).settings,
      managedWorkspaceUrl: async () => (await managedSettings()).workspaceUrl,
      panelCommand: (tabId, command) => panels?.command(tabId, command),
      campaignsRefreshed: refreshViews,
      db: openDb,
      dbFailed: openDb.failed,
      openOptions: openOptionsPage,
      sync: (force) => sync.run(force),
      outboxChanged,
      linkChanged,
    };
    const handle = (message: unknown, sender: SenderInfo) => handleMessage(message, sender, deps);
    // The view's requests are answered as an extension page's: the port was checked when it connected.
    const viewSender: SenderInfo = { id: ours.id, url: `${ours.origin}panel.html`, hasTab: false };
    panels = new PanelSessions({
      ask: (message: Message) => handle(message, viewSender),
      history: async (lead) => leadHistory(await openDb(), lead),
      askPage: (tabId, question) =>
        browser.tabs.sendMessage(tabId, question, { frameId: 0 }).catch(() => undefined),
    });
    const sessions = panels;
    // Listeners are registered synchronously: a worker woken by an event must find them at once.
    listenForMessages(async (message, sender) => {
      // A content script's lead: its panel view shows the skeleton now, and what to show once it is known.
      // Checked once, here: the answer below takes the checked message.
      const parsed = Message.safeParse(message);
      if (!parsed.success) return handle(message, sender);
      const lead = parsed.data.type === 'lead' ? parsed.data : null;
      const tabId = sender.tabId;
      const fromPage = lead && tabId !== undefined && sender.url && (sender.frameId ?? 0) === 0;
      const asked = fromPage
        ? sessions.leadArrived(
            tabId,
            lead.lead,
            pageAddress(lead.url, sender.url!),
            lead.label ?? lead.lead.crm,
          )
        : 0;
      const answer = await handleParsed(parsed.data as Message, sender, deps);
      if (fromPage) sessions.answered(tabId, lead.lead, answer as Envelope<LeadView>, asked);
      return lead && sender.hasTab ? toldPage(answer as Envelope<LeadView>) : answer;
    });
    listenForPanels(sessions);
    forgetPrivateDraftsWithTheirWindows();
    // A link the admin's policy does not allow is undone at start and at every change of the policy.
    const holdToPolicy = () =>
      managedSettings()
        .then(async (managed) =>
          enforceWorkspacePolicy(await openDb(), managed.workspaceUrl, { unlinked: linkChanged }),
        )
        .then((notice) => (notice ? sync.changed() : undefined))
        .catch(() => undefined);
    watchSettings(() => void holdToPolicy());
    const triggers = listenForSyncTriggers(() => void sync.onTrigger());
    listenForCommands();
    // Installed or updated: CRM tabs open since before get the panel without a reload.
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'update')
        void openDb()
          .then(rereadCampaignsAfterUpdate)
          .catch(() => undefined);
      void settings()
        .then((current) => runInOpenTabs(reason, current.settings.customSites))
        .catch(() => undefined);
    });
    // The custom sites as stored when their turn comes: Options may have kept one a moment ago.
    const storedSites = async () => (await settingsItem.getValue()).customSites;
    // A CRM's or a custom site's pages allowed again: the site's script registered if it was not, and
    // its open tabs get the panel without a reload.
    browser.permissions.onAdded.addListener(({ origins }) => {
      void syncSitesInTurn(storedSites)
        .catch(() => undefined)
        .then(storedSites)
        .then((sites) => runInAllowedTabs(origins, sites))
        .catch(() => undefined);
    });
    // Custom sites' content scripts persist, but are re-checked against the settings at every start.
    void syncSitesInTurn(storedSites).catch(() => undefined);
    // Every start of the worker: alarms re-armed, the outbox drained, the briefs refreshed if stale.
    void triggers.arm();
    void holdToPolicy().then(() => sync.onStart(SYNC_PERIOD_MINUTES * 60_000));
  },
});
