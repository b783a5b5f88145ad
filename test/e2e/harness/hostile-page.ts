/**
 * A hostile CRM page (issue 11): scripts in the page's own world that try to read the panel and drive
 * it. Written as plain functions so Playwright (Chromium) and Puppeteer (Firefox) run the same code.
 */

/** Runs before the page's (and our content script's) code: catches every shadow root, even closed ones. */
export function catchShadowRoots(): void {
  const caught: ShadowRoot[] = [];
  (window as unknown as { __caughtRoots: ShadowRoot[] }).__caughtRoots = caught;
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attach.call(this, init);
    caught.push(root);
    return root;
  };
}

export interface HostileReport {
  /** The host element is in the page (it must be: the page may see that a panel is there). */
  host: boolean;
  /** What the page could get hold of. */
  openShadowRoot: boolean;
  caughtRootWithFrame: boolean;
  readableFrames: number;
  chromeRuntime: boolean;
  /** Brief words found anywhere the page can read: its DOM, open shadow roots, frames it can enter. */
  leaked: string[];
  /** Entries in the page's performance timeline naming the panel's page (its URL would name us). */
  panelUrlInTimeline: boolean;
}

/**
 * In the page's world, after the panel shows the brief: tries every way in, and every way to make the
 * panel act (clicks at its buttons' places, digit keys, messages to its frame, events on its host).
 */
export function attackPanel(secrets: string[]): HostileReport {
  const host = document.querySelector('sameroom-panel') as HTMLElement | null;
  const texts: string[] = [document.documentElement.outerHTML];
  const walk = (root: ParentNode) => {
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) {
        texts.push(element.shadowRoot.innerHTML);
        walk(element.shadowRoot);
      }
    }
  };
  walk(document);
  const caught = (window as unknown as { __caughtRoots?: ShadowRoot[] }).__caughtRoots ?? [];
  for (const root of caught) texts.push(root.innerHTML);
  let readableFrames = 0;
  const frameWindows: Window[] = [];
  for (let i = 0; i < window.frames.length; i++) frameWindows.push(window.frames[i]!);
  for (const root of caught)
    for (const frame of root.querySelectorAll('iframe'))
      if (frame.contentWindow) frameWindows.push(frame.contentWindow);
  for (const frame of frameWindows) {
    try {
      texts.push(frame.document.documentElement.outerHTML);
      readableFrames++;
    } catch {
      // Cross-origin: the page cannot read it.
    }
    // A message shaped like our own requests, to whatever listens in the frame.
    for (const message of [
      { kind: 'verdict', id: 1, verdictId: crypto.randomUUID(), verdict: 'spam', note: 'page', region: '' },
      { type: 'verdict', verdict: 'spam' },
      '1',
    ])
      frame.postMessage(message, '*');
  }
  for (const root of caught)
    for (const frame of root.querySelectorAll('iframe')) {
      try {
        texts.push(frame.contentDocument?.documentElement.outerHTML ?? '');
        if (frame.contentDocument) readableFrames++;
      } catch {
        // Cross-origin.
      }
    }
  // Clicks where the verdict buttons sit (the bar at the panel's foot), and digit keys everywhere.
  if (host) {
    const box = host.getBoundingClientRect();
    for (let y = box.bottom - 10; y > box.bottom - 200; y -= 12) {
      for (let x = box.left + 10; x < box.right; x += 40) {
        const target = document.elementFromPoint(x, y) as HTMLElement | null;
        const init = { bubbles: true, composed: true, clientX: x, clientY: y };
        target?.dispatchEvent(new PointerEvent('pointerdown', init));
        target?.dispatchEvent(new MouseEvent('mousedown', init));
        target?.dispatchEvent(new PointerEvent('pointerup', init));
        target?.dispatchEvent(new MouseEvent('mouseup', init));
        target?.dispatchEvent(new MouseEvent('click', init));
        target?.click();
      }
    }
  }
  for (const target of [document, document.body, host].filter(Boolean) as EventTarget[])
    for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', 'Enter'])
      for (const type of ['keydown', 'keypress', 'keyup'])
        target.dispatchEvent(new KeyboardEvent(type, { key, bubbles: true, composed: true }));
  const all = texts.join('\n');
  const chrome = (globalThis as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome;
  return {
    host: host !== null,
    openShadowRoot: host?.shadowRoot != null,
    caughtRootWithFrame: caught.some((root) => root.querySelector('iframe') !== null),
    readableFrames,
    chromeRuntime: typeof chrome?.runtime?.sendMessage === 'function',
    leaked: secrets.filter((secret) => all.includes(secret)),
    panelUrlInTimeline: performance.getEntries().some((entry) => entry.name.includes('panel.html')),
  };
}

/**
 * In the page's world: says, as WXT's context says it on the document, that a newer copy of each of our
 * content scripts started, which stops the older copy (the event's name holds the extension's id, which
 * is public: the Web Store's in Chromium, the add-on id in Firefox).
 */
export function forgeScriptStarted(extensionId: string): void {
  for (const name of ['crm', 'custom-site'])
    document.dispatchEvent(
      new CustomEvent(`${extensionId}:${name}:wxt:content-script-started`, {
        detail: { contentScriptName: name, messageId: 'the-page' },
      }),
    );
}

/** What fightPanel leaves on the page's window. */
export interface PanelFight {
  panelsRemoved: number;
  stopFighting(): void;
}

/**
 * An init script: the page removes every `<sameroom-panel>` the moment it appears, from a
 * MutationObserver of its own (as a hostile page would, or a framework that owns the whole body), until
 * `stopFighting()`. Against a panel put back from an observer at once, the two made an endless run of
 * microtasks and the tab froze.
 */
export function fightPanel(): void {
  const fight = window as unknown as PanelFight;
  fight.panelsRemoved = 0;
  const observer = new MutationObserver(() => {
    for (const panel of document.querySelectorAll('sameroom-panel')) {
      panel.remove();
      fight.panelsRemoved++;
    }
  });
  // The document, not its root element: init scripts may run before the root exists.
  observer.observe(document, { childList: true, subtree: true });
  fight.stopFighting = () => observer.disconnect();
}

/**
 * In the page's world: makes the document scroll, gives the body `style` (a transform, a filter, …,
 * which make a fixed element's place the body's box rather than the viewport), scrolls 2,000 px down
 * and answers where the panel's host is in the viewport.
 */
export async function scrollUnderStyledBody(style: string): Promise<{ top: number; scrollY: number }> {
  for (const element of [document.documentElement, document.body]) {
    element.style.setProperty('overflow', 'visible', 'important');
    element.style.setProperty('height', 'auto', 'important');
  }
  document.body.style.setProperty('min-height', '6000px', 'important');
  const [name, value] = style.split(':') as [string, string];
  document.body.style.setProperty(name, value);
  window.scrollTo(0, 2000);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const host = document.querySelector('sameroom-panel');
  return { top: host ? Math.round(host.getBoundingClientRect().top) : Number.NaN, scrollY: window.scrollY };
}

/** In the page's world: takes the panel out of the top layer, as a page's script could. */
export function hidePanelPopover(): boolean {
  const host = document.querySelector('sameroom-panel') as HTMLElement | null;
  host?.hidePopover();
  return host?.matches(':popover-open') ?? false;
}

/** In the page's world: whether the panel is in the page and shown in the top layer. */
export function panelInTopLayer(): boolean {
  return document.querySelector('sameroom-panel')?.matches(':popover-open') ?? false;
}
