import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import { adapterFor, type CrmAdapter, detectLead, type LeadContext, recordFromUrl } from '../../lib/crm';
import { pageReport } from '../../lib/crm/outline';
import type { PageQuestion } from '../../lib/panel-port';
import type { PanelCommand } from '../../lib/platform/commands';
import { type AllPrefs, allPrefs, savePanelPrefs, watchPanelPrefs } from '../../lib/platform/panel-prefs';
import { sendToBackground } from '../../lib/platform/send';
import type { Crm } from '../../lib/protocol';
import { LIMITS } from '../../lib/protocol/limits';

/** Kept in step with components/Panel.tsx (not imported: the content script carries no UI code). */
const WIDTH = { min: 260, max: 640, default: 340, folded: 48 } as const;
/**
 * The host's display as this script writes it: a flex box, its resize handle and frame side by side.
 * In Firefox it is `none`, not important, and the extension's sheet (host.css) shows it, for as long as
 * Firefox keeps Sameroom's sheets in the page: disabled or removed, Sameroom runs nothing there any more
 * to take the panel down, but its sheets go. Chromium keeps the host's inline `all: initial !important`
 * as one declaration, which a longhand written after it with a lower priority does not override (the
 * sheet could not show the host), and takes the panel down from the script itself (FrameHost).
 */
const HOST_DISPLAY: { display: string; priority: string } = import.meta.env.FIREFOX
  ? { display: 'none', priority: '' }
  : { display: 'flex', priority: 'important' };
/** Writes the host's display as HOST_DISPLAY says. */
const displayed = (host: HTMLElement) =>
  styled(host, { display: HOST_DISPLAY.display }, HOST_DISPLAY.priority);
/** The resize handle's width, at the panel's left edge. */
const HANDLE_PX = 5;
/** After a navigation the CRM may still be rendering the record: re-read it on changes for this long. */
const RENDER_WAIT_MS = 5_000;
const RENDER_DEBOUNCE_MS = 200;
/** A view mounted while the page parses loads after its DOMContentLoaded, or this long after, at the latest. */
const VIEW_LOAD_LATEST_MS = 300;
/** The panel removed again within this long of being put back is put back later (keepAttached). */
const PUT_BACK_QUIET_MS = 1_000;
const PUT_BACK_FIRST_WAIT_MS = 100;
const PUT_BACK_LONGEST_WAIT_MS = 10_000;
const IMPORTANT = 'important';

type Prefs = { width: number; collapsed: boolean };

/**
 * Inline styles through CSSOM: a page's `style-src` CSP governs style attributes and elements, not these.
 * Important unless said otherwise (`priority` ''): the host's display in Firefox, which host.css overrides.
 */
function styled(element: HTMLElement, styles: Record<string, string>, priority = IMPORTANT): void {
  if (element.localName === HOST) guardedStyle(element).set(styles, priority);
  else for (const [name, value] of Object.entries(styles)) element.style.setProperty(name, value, priority);
}

const HOST = 'sameroom-panel';

/** How often a page's writes to the host's style are undone in one frame at most. */
const RESTYLES_A_FRAME = 3;

/** How often a panel asks whether Sameroom is still there (disabled or removed: the panel goes). */
const ORPHAN_CHECK_MS = 5_000;

/**
 * The host's inline style as this script wrote it, kept so. A page's sheet cannot reach the host (its
 * inline `all: initial` is important), but a page's script can write its inline style: an opacity of 0,
 * a clip or a transform left the panel invisible but clickable, under the page's own button
 * (clickjacking). Any write but ours is undone before the next frame is painted: put back as this
 * script left it, the page's own properties gone.
 *
 * Kept as the properties written, and others' writes told from ours by the observer's records (ours are
 * taken off its queue as they are made), not by comparing the style's text: with `all: initial` that
 * text spells out every longhand, some 10,000 characters, and reading it after each write cost a busy
 * CRM page ~2 ms of its main thread a load (bench profile of the page's thread, issue 11).
 */
class GuardedStyle {
  /** Each property's value and priority, in the order first written. */
  private readonly written = new Map<string, [value: string, priority: string]>();
  private readonly others: MutationObserver;
  private restoredThisFrame = 0;

  constructor(private readonly host: HTMLElement) {
    this.others = new MutationObserver(() => this.restore());
    this.others.observe(host, { attributes: true, attributeFilter: ['style'] });
  }

  set(styles: Record<string, string>, priority: string): void {
    // Another's write since ours, not yet handed to the observer: undone first.
    if (this.others.takeRecords().length > 0) this.rewrite();
    for (const [name, value] of Object.entries(styles)) {
      this.host.style.setProperty(name, value, priority);
      this.written.set(name, [value, priority]);
    }
    this.others.takeRecords();
  }

  /** Stops guarding (the host is gone). */
  disconnect(): void {
    this.others.disconnect();
    guards.delete(this.host);
  }

  /**
   * A few times a frame at most: a script (another extension's) that writes the style again each time
   * it changes would otherwise go back and forth with this one in microtasks, the page frozen.
   */
  private restore(): void {
    if (this.restoredThisFrame >= RESTYLES_A_FRAME) return;
    if (this.restoredThisFrame++ === 0) requestAnimationFrame(() => (this.restoredThisFrame = 0));
    this.rewrite();
    this.others.takeRecords();
  }

  /** In the order first written: `all` first, which would otherwise reset what follows it. */
  private rewrite(): void {
    this.host.style.cssText = '';
    for (const [name, [value, priority]] of this.written) this.host.style.setProperty(name, value, priority);
  }
}

const guards = new WeakMap<HTMLElement, GuardedStyle>();

function guardedStyle(host: HTMLElement): GuardedStyle {
  let guard = guards.get(host);
  if (!guard) {
    guard = new GuardedStyle(host);
    guards.set(host, guard);
  }
  return guard;
}

/**
 * A printed CRM page (a rep printing a lead or a deal to take to the customer) carried the panel: the
 * campaign's brief on paper, its audience, economics and talking points, over the page's right side.
 * A sheet in the shadow root hides the host in print (a `:host` rule marked important there wins over
 * the host's own inline style; a constructed sheet is CSSOM, which no page's `style-src` refuses).
 * Firefox before 153 refuses a content script's `adoptedStyleSheets` ("Accessing from Xray wrapper is
 * not supported", Mozilla bugs 1751346 and 1928865), ESR 140 for its whole life: there the host is
 * hidden inline from the browser's `beforeprint` to its `afterprint` (only the browser's: a page's
 * script dispatching them would hide the panel at will), or the rep's next click or key.
 */
function leftOutOfPrint(root: ShadowRoot, host: HTMLElement, signal: AbortSignal): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('@media print { :host { display: none !important; } }');
    root.adoptedStyleSheets = [sheet];
    return;
  } catch {
    // Firefox's content scripts before 153, or a browser without constructed sheets: below.
  }
  let printing = false;
  window.addEventListener(
    'beforeprint',
    (event) => {
      if (!event.isTrusted) return;
      printing = true;
      styled(host, { display: 'none' });
    },
    { capture: true, signal },
  );
  // Shown again at the print's end, or, should a page's listener keep its afterprint from us, at the
  // rep's next click or key in the page.
  const printed = (event: Event) => {
    if (!event.isTrusted || !printing) return;
    printing = false;
    displayed(host);
  };
  for (const type of ['afterprint', 'pointerdown', 'keydown'])
    window.addEventListener(type, printed, { capture: true, signal });
}

/**
 * Not in the top layer where the browser has one (never shown yet, or taken out by the page's
 * `hidePopover()`); a browser without popovers knows no `:popover-open` and is never asked.
 */
function outOfTopLayer(host: HTMLElement): boolean {
  return typeof host.showPopover === 'function' && !host.matches(':popover-open');
}

/**
 * Cancels the zoom the host inherits: a page (or a zoom extension) that sets CSS `zoom` on `<html>` or
 * `<body>` scaled the panel with it, the top layer notwithstanding: at 1.5 its height was one and a half
 * viewports and the verdict bar below the fold; at 0.8 it ended a fifth above the window's bottom, its
 * words smaller than the browser's. Where the browser cannot say the zoom (no `currentCSSZoom`), left be.
 */
function unzoomed(host: HTMLElement): void {
  const parent = host.parentElement as (HTMLElement & { currentCSSZoom?: number }) | null;
  const inherited = parent?.currentCSSZoom;
  if (typeof inherited !== 'number' || !(inherited > 0)) return;
  const zoom = Math.abs(inherited - 1) < 0.001 ? '1' : String(1 / inherited);
  if (host.style.getPropertyValue('zoom') !== zoom) styled(host, { zoom });
}

/** Shows the host in the top layer, where the browser has popovers; elsewhere it stays fixed in the page. */
function inTopLayer(host: HTMLElement): void {
  if (!outOfTopLayer(host)) return;
  try {
    host.showPopover();
  } catch {
    // Not connected, or a browser that refuses it here: fixed in the page, as without popovers.
  }
}

const clamp = (width: number) => Math.round(Math.min(WIDTH.max, Math.max(WIDTH.min, width)));

/** Resolves once the page's DOM is parsed. */
function domParsed(): Promise<void> {
  return new Promise((resolve) =>
    document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }),
  );
}

/** The page's body, as soon as the parser has made it: a script run at document_start may come first. */
export function bodyOf(page: Document): Promise<HTMLElement> {
  if (page.body) return Promise.resolve(page.body);
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!page.body) return;
      observer.disconnect();
      resolve(page.body);
    });
    observer.observe(page.documentElement, { childList: true });
  });
}

/**
 * The content script's part of the panel: it recognises the lead, tells the background, and hosts the
 * panel's frame (an extension page the CRM page cannot read) with its resize handle, docked at the right.
 * The frame sits in a closed shadow root and is put back if the page removes it.
 */
export class FrameHost {
  private host: HTMLElement | null = null;
  private frame: HTMLIFrameElement | null = null;
  private handle: HTMLElement | null = null;
  private lead: LeadContext | null = null;
  /** The address `lead` was read from (on a single-page CRM's move, ahead of the tab's own). */
  private leadUrl = '';
  /** The CRM the frame is up for (its width and fold are that CRM's). */
  private shownCrm: Crm | null = null;
  private label = '';
  private prefs: Prefs = { width: WIDTH.default, collapsed: false };
  private generation = 0;
  private mounting: Promise<void> | null = null;
  private stopWatching: (() => void) | null = null;
  /**
   * Every CRM's width and fold as last read or changed: an SPA move from a list back to a record mounts
   * the frame without a storage round trip (100–300 ms measured in Firefox on a busy machine).
   */
  private knownPrefs: Promise<AllPrefs> | null;

  constructor(
    private readonly ctx: ContentScriptContext,
    public adapters: CrmAdapter[],
    /** The prefs read started with the settings' read, for the first mount. */
    startPrefs?: Promise<AllPrefs>,
  ) {
    this.knownPrefs = startPrefs ?? null;
    // Chromium tells a content script nothing when its extension is disabled or removed: the panel (an
    // empty frame by then) stayed over the CRM until a reload, put back whenever the page moved it.
    // Asked now and then, and whenever the page changes around the panel or moves to another record.
    ctx.setInterval(() => void ctx.isInvalid, ORPHAN_CHECK_MS);
    // This script is cut off (Sameroom updated or removed): its panel goes, and is not put back.
    ctx.onInvalidated(() => {
      this.stopWatching?.();
      const host = this.host;
      this.host = null;
      host?.remove();
    });
    ctx.onInvalidated(
      watchPanelPrefs((all) => {
        this.knownPrefs = Promise.resolve(all);
        const mine = this.shownCrm && all[this.shownCrm];
        if (mine) this.applyPrefs(mine);
      }),
    );
    // Answered through `sendResponse`, at once: the content script uses the browser's own API (not the
    // polyfill: wxt.config.ts), and Chromium's listeners cannot answer by returning a promise.
    const answer = (
      message: unknown,
      sender: { id?: string; tab?: unknown },
      sendResponse: (response: unknown) => void,
    ): undefined => {
      // Questions come from our background only (it has no tab); anything else is not answered.
      if (sender.id !== browser.runtime.id || sender.tab) return;
      const question = (message as Partial<PageQuestion> | null)?.sameroom;
      // No lead here, no answer: the first answer is the only one the background gets, and another
      // script of ours on the page may have the lead (a custom site on a built-in CRM's host, with that
      // CRM switched off, runs beside this one). With none, the background hears nothing, as it should.
      if (question === 'lead') {
        if (this.lead) sendResponse({ lead: this.lead, url: this.leadUrl, label: this.label });
      } else if (question === 'report') sendResponse(pageReport(location.href, document, this.adapters));
      // Whether a copy of ours runs here (lib/platform/open-tabs.ts): every copy says so.
      else if (question === 'here') sendResponse(true);
    };
    browser.runtime.onMessage.addListener(answer);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(answer));
  }

  /** A keyboard command: focus moves into the frame for the verdicts; the view does the rest. */
  command(command: PanelCommand): void {
    if (!this.lead) return;
    if (command === 'focus-verdicts') this.frame?.focus();
    void sendToBackground({ type: 'panelCommand', command });
  }

  /**
   * Puts the frame up hidden when these adapters (the settings' defaults) take the address for a record,
   * so that its page loads while the rep's settings are read; show() then reveals it or takes it down.
   */
  preload(url: string, adapters: CrmAdapter[]): void {
    const crm = recordFromUrl(url, adapters)?.crm;
    if (!crm || this.host || this.mounting) return;
    this.shownCrm = crm;
    this.mounting = this.mount(crm, { hidden: true }).finally(() => {
      this.mounting = null;
    });
  }

  async show(url: string): Promise<void> {
    // Sameroom disabled or removed since (the panel then goes: see the constructor).
    if (this.ctx.isInvalid) return;
    const generation = ++this.generation;
    this.stopWatching?.();
    // The address says whether this is a record: the frame goes up on that, and the page is read for
    // signals (a walk of the whole page, tens of ms on a busy one) while the frame loads.
    const crm = recordFromUrl(url, this.adapters)?.crm ?? null;
    if (crm && (!this.host || this.shownCrm !== crm)) {
      this.shownCrm = crm;
      this.mounting ??= this.mount(crm).finally(() => {
        this.mounting = null;
      });
      await this.mounting;
      if (generation !== this.generation) return;
    }
    if (crm) {
      if (this.host) styled(this.host, { visibility: 'visible' });
      // Mounted from the address alone, maybe while the page still parses: its fields are read once
      // parsed. On a parsed page (an SPA move) nothing is awaited: the background is told within the
      // page's pushState, before the browser handles the move's commit (lib/platform/location-watch.ts).
      if (document.readyState === 'loading') {
        await domParsed();
        if (generation !== this.generation) return;
      }
    }
    const lead = crm ? detectLead(url, document, this.adapters) : null;
    if (!lead) {
      // A frame still being mounted for an earlier address comes down once it is there.
      await this.mounting;
      if (generation !== this.generation) return;
      this.lead = null;
      this.shownCrm = null;
      this.host?.remove();
      this.host = null;
      this.frame = null;
      return;
    }
    this.lead = lead;
    this.leadUrl = url;
    this.label = adapterFor(new URL(url), this.adapters)?.label ?? lead.crm;
    void this.tell(lead, url, generation);
    this.watchRender(url, generation, lead);
  }

  /** Tells the background the lead read at `url`; if it says Sameroom is off here, the frame goes. */
  private async tell(lead: LeadContext, url: string, generation: number): Promise<void> {
    // An address past the protocol's length would have the whole message refused: the tab's then.
    const told = url.length <= LIMITS.url ? { url } : {};
    const answer = await sendToBackground({ type: 'lead', lead, label: this.label, ...told });
    if (generation !== this.generation || !answer || answer.ok || !answer.off) return;
    this.adapters = [];
    void this.show(location.href);
  }

  private applyPrefs(prefs: Prefs): void {
    this.prefs = prefs;
    if (this.host) styled(this.host, { width: `${prefs.collapsed ? WIDTH.folded : clamp(prefs.width)}px` });
    if (this.handle) styled(this.handle, { display: prefs.collapsed ? 'none' : 'block' });
  }

  private async mount(crm: Crm, { hidden = false } = {}): Promise<void> {
    const fallback = { width: WIDTH.default, collapsed: false };
    // The first mount uses the read started beside the settings'; later ones what is known since (the
    // prefs watch keeps it). A failed read leaves the defaults, and the next mount reads again.
    this.knownPrefs ??= allPrefs();
    const known = this.knownPrefs;
    const all = known.catch((): AllPrefs => {
      if (this.knownPrefs === known) this.knownPrefs = null;
      return {};
    });
    const prefs = all.then((every) => every[crm] ?? fallback);
    if (this.host) {
      this.applyPrefs(await prefs);
      return;
    }
    const host = document.createElement('sameroom-panel');
    // In the top layer (a manual popover, shown once in the page): docked to the viewport whatever the
    // page's styles do to its ancestors. Under a body with a transform, filter, `will-change` or
    // `contain` (a custom site, a zoom widget), a fixed element is placed in the body's box instead, and
    // the panel scrolled away with a scrolling page, its verdicts out of sight. Its display is ours
    // (below), so a browser without popovers, or the moment before it is shown, keeps it fixed as before.
    host.setAttribute('popover', 'manual');
    // Closed: the page's scripts get no handle on the frame or the handle through the host.
    const root = host.attachShadow({ mode: 'closed' });
    const frame = document.createElement('iframe');
    frame.title = 'Sameroom';
    // "Report this page" copies its outline from inside the frame.
    frame.allow = 'clipboard-write';
    // A page that makes itself cross-origin isolated (COOP with COEP, for SharedArrayBuffer) lets in only
    // frames whose documents take its embedder policy, which an extension page cannot: Chromium showed
    // its error page in the panel's place. A credentialless frame needs no such policy; the view keeps
    // nothing in web storage (the background holds it all), so its storage being its own goes unseen.
    // Firefox lets the extension's frame in either way and knows no such attribute.
    if (self.crossOriginIsolated) frame.setAttribute('credentialless', '');
    const handle = document.createElement('div');
    styled(host, {
      all: 'initial',
      position: 'fixed',
      top: '0',
      right: '0',
      height: '100vh',
      'z-index': '2147483000',
      visibility: hidden ? 'hidden' : 'visible',
      'box-shadow': '-2px 0 8px rgb(0 0 0 / 0.12)',
      // The skeleton: the docked strip in the panel's own colour from the moment the record is
      // recognised, before the view's page has loaded into the frame. By the colour scheme in CSS, not
      // matchMedia in script, which made a busy page recompute its style (issue 11).
      'color-scheme': 'light dark',
      background: 'light-dark(#f3f3f3, #181818)',
    });
    // Last, after `all`: in Firefox shown by the extension's sheet (host.css) while it is in the page.
    displayed(host);
    styled(frame, {
      border: '0',
      flex: '1 1 auto',
      'min-width': '0',
      height: '100%',
      display: 'block',
      'color-scheme': 'normal',
    });
    // The resize handle: a strip of the host's own beside the frame, not over it. Laid over the frame's
    // edge (absolutely placed, above it), it cost a page churning 20 nodes a frame about 2.5 % more of its
    // main thread than a frame alone (bench: page CPU time, arms measured side by side), for as long as
    // the panel was up.
    styled(handle, { flex: `0 0 ${HANDLE_PX}px`, height: '100%', cursor: 'col-resize' });
    this.dragToResize(handle, frame);
    root.append(handle);
    // The view's page loads once the CRM's DOM is parsed, in a task of its own after the page's
    // DOMContentLoaded: loaded beside it, the frame's navigation and first render (in the browser's and
    // the extension's processes) took the cores while the page ran its biggest task of the load, which
    // on a busy page became a long task (>50 ms) one load in three, where a blank frame made none. On
    // a single-page CRM the record renders well after that; on a page served whole, the brief comes
    // tens of ms later, within the 500 ms budget (bench: first lead page after browser start). A page
    // whose HTML streams in slowly does not hold the view longer than VIEW_LOAD_LATEST_MS.
    // The frame goes in then, with its address: put in before it had one, Chromium made an empty
    // document for it on the page's thread and replaced it with the view's when the address came, which
    // doubled what framing the view costs the page (a CPU profile of the busy page's thread: our
    // script's frame making 24 ms a load, 14 ms since).
    const src = browser.runtime.getURL('/panel.html');
    const load = () => {
      if (frame.parentNode) return;
      frame.src = src;
      root.append(frame);
    };
    if (document.readyState === 'loading') {
      void domParsed().then(() => setTimeout(load));
      setTimeout(load, VIEW_LOAD_LATEST_MS);
    } else load();
    this.host = host;
    this.frame = frame;
    this.handle = handle;
    // Hidden, the frame goes in at once and its page starts loading; it takes its width and fold
    // before it is revealed. Shown, it goes in with them.
    if (!hidden) this.applyPrefs(await prefs);
    // A panel of a version before an update stays behind in Firefox, whose script went with the old
    // version and cannot take it down (Firefox runs the new one in open tabs itself): one panel a page.
    for (const left of document.querySelectorAll('sameroom-panel')) left.remove();
    (await bodyOf(document)).append(host);
    inTopLayer(host);
    this.keepAttached(host, root);
    if (hidden) this.applyPrefs(await prefs);
  }

  /** Dragging the frame's left edge sets the width; the view is told through the saved prefs. */
  private dragToResize(handle: HTMLElement, frame: HTMLIFrameElement): void {
    handle.addEventListener('pointerdown', (event) => {
      if (!event.isTrusted || !this.lead) return;
      const crm = this.lead.crm;
      handle.setPointerCapture(event.pointerId);
      // The frame would swallow the pointer while it crosses it.
      styled(frame, { 'pointer-events': 'none' });
      const move = (moved: PointerEvent) => {
        if (moved.isTrusted)
          this.applyPrefs({ width: clamp(window.innerWidth - moved.clientX), collapsed: false });
      };
      const stop = () => {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', stop);
        handle.removeEventListener('pointercancel', stop);
        styled(frame, { 'pointer-events': 'auto' });
        void savePanelPrefs(crm, this.prefs);
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', stop);
      handle.addEventListener('pointercancel', stop);
    });
  }

  /**
   * Re-reads the record while the CRM renders it (for RENDER_WAIT_MS after a navigation), and tells the
   * background when what the page says about the lead changes. Stops at the next navigation.
   *
   * The observer is a trigger, not a subscription: at the first change it is disconnected, the record is
   * read a moment later, and only then is the page observed again. A busy page (a live feed adding nodes
   * every frame) thus costs one mutation record per pass instead of one per node, and its record is
   * still re-read while it churns: a debounce would wait for a quiet moment that never comes. Each read
   * walks the page (fields may sit in shadow roots), so the moment doubles after every read (200 ms,
   * 400, 800, …): a page that keeps changing is read four or five times in all, not 25.
   */
  private watchRender(url: string, generation: number, seen: LeadContext): void {
    this.stopWatching?.();
    let last = JSON.stringify(seen.signals);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wait = RENDER_DEBOUNCE_MS;
    const watch = () =>
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const reread = () => {
      timer = undefined;
      if (generation !== this.generation) return;
      const lead = detectLead(url, document, this.adapters);
      if (lead && leadKeyOf(lead) === leadKeyOf(seen) && JSON.stringify(lead.signals) !== last) {
        last = JSON.stringify(lead.signals);
        this.lead = lead;
        void this.tell(lead, url, generation);
      }
      watch();
    };
    const observer = new MutationObserver((mutations) => {
      if (timer !== undefined || mutations.every((m) => m.target === this.host)) return;
      observer.disconnect();
      timer = setTimeout(reread, wait);
      wait *= 2;
    });
    watch();
    const stop = () => {
      clearTimeout(timer);
      clearTimeout(deadline);
      observer.disconnect();
      if (this.stopWatching === stop) this.stopWatching = null;
    };
    const deadline = setTimeout(stop, RENDER_WAIT_MS);
    this.stopWatching = stop;
  }

  /**
   * CRMs re-render their pages and may drop our node: put the panel back when they do. Some replace the
   * whole `<body>` on each move (Turbo Drive does, and a custom site may use it): the root is watched for
   * that, and the new body from then on.
   *
   * A page whose own observer removes the panel each time it appears (a hostile page, or a framework that
   * owns the body) made the two observers hand it back and forth in one endless run of microtasks: the
   * tab froze for good. Put back at once after a quiet second; removed again sooner, it is put back from
   * a timer, waiting twice as long each time (100 ms up to 10 s), so the page's task always ends and the
   * frame's view is not reloaded more than that. The same for a page that takes it out of the top
   * layer (`hidePopover()`). And out of print, where the browser needs the host's help (leftOutOfPrint).
   */
  private keepAttached(host: HTMLElement, root: ShadowRoot): void {
    let body = document.body;
    let lastPutBack = Number.NEGATIVE_INFINITY;
    let wait = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Right under the CRM document's body, a manual popover shown: moved under an element of the page's
    // (whose opacity, inertness or position the page controls) or into another document (a same-origin
    // frame's, where it stayed connected), or made no popover (out of the top layer without a toggle
    // event), it was left there.
    const inPlace = () =>
      host.parentNode === document.body && host.getAttribute('popover') === 'manual' && !outOfTopLayer(host);
    /** Once another host has taken this one's place (or the script is stopped): all of this goes. */
    const gone = new AbortController();
    leftOutOfPrint(root, host, gone.signal);
    const stale = () => {
      if (this.host === host) return false;
      release();
      return true;
    };
    const putBack = () => {
      timer = undefined;
      if (stale() || inPlace() || !document.body) return;
      if (host.parentNode !== document.body) document.body.append(host);
      if (host.getAttribute('popover') !== 'manual') host.setAttribute('popover', 'manual');
      inTopLayer(host);
      unzoomSoon();
      lastPutBack = performance.now();
    };
    const putBackSoon = () => {
      if (this.ctx.isInvalid || stale() || inPlace() || timer !== undefined) return;
      if (performance.now() - lastPutBack > PUT_BACK_QUIET_MS) {
        wait = 0;
        putBack();
      } else {
        wait = Math.min(Math.max(wait * 2, PUT_BACK_FIRST_WAIT_MS), PUT_BACK_LONGEST_WAIT_MS);
        timer = setTimeout(putBack, wait);
      }
    };
    const observer = new MutationObserver(() => {
      if (stale()) return;
      if (document.body && document.body !== body) {
        observer.disconnect();
        body = document.body;
        watch();
      }
      putBackSoon();
    });
    // Taken out of the top layer by the page (its toggle event comes in a task of its own).
    host.addEventListener(
      'toggle',
      () => {
        if (host.isConnected) putBackSoon();
      },
      { signal: gone.signal },
    );
    // A zoom set or changed on <html> or <body> (a zoom extension's key, a page's text-size setting), by
    // their style or class, or by a sheet the page adds to (or takes from) its <head> later, once loaded:
    // undone at the next frame, once a frame however often the page does so. Read in a frame, where the
    // page's style is computed anyway: read as the host went in, it made a page still parsing compute its
    // style once more.
    let zoomFrame: number | undefined;
    const unzoomSoon = (): void => {
      if (stale()) return;
      zoomFrame ??= requestAnimationFrame(() => {
        zoomFrame = undefined;
        unzoomed(host);
      });
    };
    const zoomed = new MutationObserver(unzoomSoon);
    window.addEventListener('load', unzoomSoon, { signal: gone.signal });
    // A <link> sheet applies when it has loaded, after the mutation that added it (load does not bubble).
    const sheetLoaded = (event: Event) => {
      if (event.target instanceof HTMLLinkElement) unzoomSoon();
    };
    document.addEventListener('load', sheetLoaded, { capture: true, signal: gone.signal });
    // Any other way (a rule inserted into a sheet, a constructed sheet adopted, a zoom animated): the
    // host's size in device pixels moves with the zoom it inherits, so a change of it says so.
    const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(unzoomSoon) : null;
    try {
      resized?.observe(host, { box: 'device-pixel-content-box' });
    } catch {
      resized?.observe(host);
    }
    const watch = () => {
      observer.observe(document.documentElement, { childList: true });
      observer.observe(body, { childList: true });
      observer.observe(host, { attributes: true, attributeFilter: ['popover'] });
      for (const target of [document.documentElement, body])
        zoomed.observe(target, { attributes: true, attributeFilter: ['style', 'class'] });
      if (document.head) zoomed.observe(document.head, { childList: true });
    };
    // Each host's watchers end with it: an SPA CRM moving record, list, record... mounts a host each
    // time, and their listeners (one runs at every image's load) outlived them until the script stopped.
    const release = () => {
      if (gone.signal.aborted) return;
      gone.abort();
      forget();
      observer.disconnect();
      zoomed.disconnect();
      guards.get(host)?.disconnect();
      resized?.disconnect();
      clearTimeout(timer);
      if (zoomFrame !== undefined) cancelAnimationFrame(zoomFrame);
    };
    const forget = this.ctx.onInvalidated(release);
    watch();
    unzoomSoon();
  }
}
