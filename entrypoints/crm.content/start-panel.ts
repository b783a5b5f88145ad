import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { CrmAdapter } from '../../lib/crm';
import { onPanelCommand } from '../../lib/platform/commands';
import { watchLocation } from '../../lib/platform/location-watch';
import { allPrefs } from '../../lib/platform/panel-prefs';
import { loadRepSettings, watchSettings } from '../../lib/platform/rep-settings';
import { refuseForgedRestarts } from '../../lib/platform/script-restarts';
import { sendToBackground } from '../../lib/platform/send';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/settings';
import { FrameHost } from './frame-host';

/**
 * Once the page is shown. Chrome prerenders pages from the address bar with content scripts running,
 * and a prerendered page is no tab's top frame, whose questions the background does not answer: the
 * admin's policy was never asked for again, and a CRM the admin turned off showed its panel.
 */
function activated(): Promise<void> {
  if (!(document as { prerendering?: boolean }).prerendering) return Promise.resolve();
  return new Promise((resolve) =>
    document.addEventListener('prerenderingchange', () => resolve(), { once: true }),
  );
}

/**
 * Runs the panel on this page: detection starts from the rep's settings in `storage.local` alone, and
 * the background's word on the admin's policy is applied whenever it arrives. Nothing on the way from
 * "record recognised" to "panel on screen" waits for managed storage: in Chromium its first read from
 * a content script can take seconds, and never returns on a busy page (issue 11).
 */
export async function startPanel(
  ctx: ContentScriptContext,
  adaptersFor: (settings: Settings) => CrmAdapter[],
): Promise<void> {
  // A page's script cannot stop this copy by saying a newer one started.
  refuseForgedRestarts(ctx);
  // Both reads at once: the frame's width and fold are needed the moment the record is recognised.
  const prefs = allPrefs();
  const settings = loadRepSettings();
  // On a record's address the frame goes up hidden while the settings are read (tens of ms after a
  // browser start), so that the panel's page loads beside the CRM's; show() reveals it or takes it down.
  const panel = new FrameHost(ctx, [], prefs);
  panel.preload(location.href, adaptersFor(DEFAULT_SETTINGS));
  let rep = await settings;
  panel.adapters = adaptersFor(rep);
  /** The built-in CRMs on under the admin's policy, as the background says; 'off' for this page. */
  let policy: Settings['enabledCrms'] | 'off' | null = null;
  const apply = () => {
    const adapters = policy === 'off' ? [] : adaptersFor(policy ? { ...rep, enabledCrms: policy } : rep);
    const same =
      adapters.length === panel.adapters.length && adapters.every((a, i) => a.id === panel.adapters[i]?.id);
    panel.adapters = adapters;
    if (!same) void panel.show(location.href);
  };
  const askPolicy = async () => {
    await activated();
    const answer = await sendToBackground({ type: 'enabledCrms' });
    if (answer?.ok) policy = answer.reply;
    else if (answer?.off) policy = 'off';
    else return; // no background to ask: the rep's settings stand
    apply();
  };
  // Switched off in Options or by the admin (or a custom site removed): the panel goes; on: it comes.
  const unwatch = watchSettings(async () => {
    rep = await loadRepSettings();
    apply();
    await askPolicy();
  });
  ctx.onInvalidated(unwatch);
  ctx.onInvalidated(onPanelCommand((command) => panel.command(command)));
  // A single-page CRM moving between records: at once, in every browser the manifest allows.
  watchLocation(ctx.signal, (url) => void panel.show(url.href));
  // Back to a page kept in the back/forward cache (Firefox keeps CRM pages with the panel's frame;
  // Chromium keeps no page that embeds an extension frame): the background's session for this tab has
  // since taken the lead of the page the rep went to, and a verdict would be bound to that one.
  ctx.addEventListener(window, 'pageshow', (event) => {
    if (event.persisted) void panel.show(location.href);
  });
  void askPolicy();
  await panel.show(location.href);
}
