import { browser } from 'wxt/browser';
import type { ViewPort } from '../background/panels';
import { PANEL_PORT, type PanelPush } from '../panel-port';

/**
 * A direct line from the background's service worker to a panel view, beside the view's runtime port.
 *
 * In Chromium every `runtime.Port` message goes through the browser process's UI thread, and an SPA move
 * keeps that thread busy with the page's navigation commit: the background's answer for the next record
 * waited there 5–30 ms before the view had it (measured in the bench, about half of a move's time to the
 * brief). A `MessageChannel` port handed to the worker is a direct pipe inside the extension's process.
 *
 * The view makes the channel and a random key, names its runtime port after the key and posts the other
 * end of the channel to the worker with the same key; the background pairs the two, so the channel is
 * bound to the tab the runtime port came from. Only the extension's own pages can post to its worker,
 * and the CRM page reaches neither end. Firefox runs the background as an event page with no service
 * worker: there, and wherever the channel is missing, everything goes over the runtime port.
 */

const KEY_SEPARATOR = '#';
/** How long one half of a pair waits for the other (the view posts both at once). */
export const PAIR_WAIT_MS = 10_000;

/** The runtime port's name for a view that offered a channel under `key`. */
export const viewPortName = (key: string | null): string =>
  key ? `${PANEL_PORT}${KEY_SEPARATOR}${key}` : PANEL_PORT;

/** A key as the view makes it (`crypto.randomUUID`). */
const isChannelKey = (key: string): boolean => /^[0-9a-f-]{36}$/.test(key);

/** The key a view's runtime port names; undefined when the port is not a panel view's. */
export function keyOfPortName(name: string): string | null | undefined {
  if (name === PANEL_PORT) return null;
  const prefix = `${PANEL_PORT}${KEY_SEPARATOR}`;
  if (!name.startsWith(prefix)) return undefined;
  const key = name.slice(prefix.length);
  return isChannelKey(key) ? key : undefined;
}

/** The part of a channel's port the pairing uses, so tests can hand in their own. */
export interface ChannelPort {
  postMessage(message: unknown): void;
  close(): void;
}

/**
 * Pairs each view's runtime port with its channel, whichever comes first; a half left alone past
 * PAIR_WAIT_MS is dropped (a channel port closed).
 */
export class ViewChannels {
  private readonly channels = new Map<string, { port: ChannelPort; timer: ReturnType<typeof setTimeout> }>();
  private readonly views = new Map<
    string,
    { attach: (port: ChannelPort) => void; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(private readonly waitMs = PAIR_WAIT_MS) {}

  /** A channel posted to the worker under `key`. */
  offered(key: string, port: ChannelPort): void {
    const view = this.views.get(key);
    if (view) {
      clearTimeout(view.timer);
      this.views.delete(key);
      view.attach(port);
      return;
    }
    const earlier = this.channels.get(key);
    earlier?.port.close();
    clearTimeout(earlier?.timer);
    const timer = setTimeout(() => {
      if (this.channels.get(key)?.port !== port) return;
      this.channels.delete(key);
      port.close();
    }, this.waitMs);
    this.channels.set(key, { port, timer });
  }

  /**
   * A view's runtime port, as the sessions see it: its pushes go over the channel once paired, after a
   * last push over the runtime port that says so (`pushesInOrder` in the view).
   */
  bind(key: string, runtime: ViewPort): ViewPort {
    let channel: ChannelPort | null = null;
    let closed = false;
    const attach = (port: ChannelPort) => {
      if (closed) {
        port.close();
        return;
      }
      // The runtime port's last push says so: the view takes the channel's pushes after it, in the order
      // they were all sent (the runtime port's hop can be 30 ms slower than the channel's).
      try {
        runtime.postMessage({ kind: 'channel' });
      } catch {
        port.close();
        return;
      }
      channel = port;
    };
    const waiting = this.channels.get(key);
    if (waiting) {
      clearTimeout(waiting.timer);
      this.channels.delete(key);
      attach(waiting.port);
    } else {
      const timer = setTimeout(() => this.views.delete(key), this.waitMs);
      this.views.set(key, { attach, timer });
    }
    const close = () => {
      closed = true;
      channel?.close();
      channel = null;
      const view = this.views.get(key);
      if (view?.attach === attach) {
        clearTimeout(view.timer);
        this.views.delete(key);
      }
    };
    runtime.onDisconnect.addListener(close);
    return {
      postMessage(message: PanelPush) {
        if (channel) channel.postMessage(message);
        else runtime.postMessage(message);
      },
      onMessage: runtime.onMessage,
      onDisconnect: runtime.onDisconnect,
      disconnect() {
        close();
        runtime.disconnect();
      },
    };
  }
}

/** What a view posts to the worker with its channel's port. */
interface Offer {
  sameroom: 'view-channel';
  key: string;
}

const isOffer = (data: unknown): data is Offer =>
  typeof data === 'object' &&
  data !== null &&
  (data as Offer).sameroom === 'view-channel' &&
  typeof (data as Offer).key === 'string';

/**
 * A panel view's page. Only the extension's own pages can post to its worker (a registration is had by
 * its origin alone); the path tells the panel from the popup and the options. The origin is not compared
 * with `runtime.getURL`: in the worker that names the panel's dynamic address (`use_dynamic_url`), while
 * the view posts from its own.
 */
function isPanelPage(url: string | undefined): boolean {
  try {
    const page = new URL(url ?? '');
    return /^(chrome|moz)-extension:$/.test(page.protocol) && page.pathname === '/panel.html';
  } catch {
    return false;
  }
}

/** The background's service worker, if it is one (Chromium); null for Firefox's event page. */
function serviceWorkerScope(): EventTarget | null {
  const scope = globalThis as unknown as { ServiceWorkerGlobalScope?: new () => unknown };
  return scope.ServiceWorkerGlobalScope && globalThis instanceof scope.ServiceWorkerGlobalScope
    ? (globalThis as unknown as EventTarget)
    : null;
}

/**
 * In the background, as it starts (a worker's listeners are added in its first run): channels that
 * panel views post to the worker go to `channels`. A message from any other of the extension's pages,
 * or of another shape, is ignored.
 */
export function listenForViewChannels(channels: ViewChannels): void {
  const worker = serviceWorkerScope();
  if (!worker) return;
  worker.addEventListener('message', (event) => {
    const { data, ports, source } = event as MessageEvent & { source: { url?: string } | null };
    const port = ports[0];
    if (!port) return;
    if (!isOffer(data) || !isChannelKey(data.key) || !isPanelPage(source?.url)) {
      port.close();
      return;
    }
    channels.offered(data.key, port);
  });
}

/**
 * In a panel view: the pushes of both ways in the order the background sent them. Its runtime port's
 * last push (`channel`) comes after everything it sent there and before anything over the channel, so
 * what the channel brings first waits for that push. Dropping late runtime pushes instead lost a 'show'
 * that a history sent after it overtook, and the view kept its skeleton.
 */
export function pushesInOrder(onPush: (push: PanelPush) => void): {
  direct(push: PanelPush): void;
  runtime(push: PanelPush): void;
} {
  let switched = false;
  const held: PanelPush[] = [];
  return {
    direct(push) {
      if (switched) onPush(push);
      else held.push(push);
    },
    runtime(push) {
      if (push.kind !== 'channel') {
        onPush(push);
        return;
      }
      switched = true;
      for (const waiting of held.splice(0)) onPush(waiting);
    },
  };
}

/**
 * In a panel view: a channel offered to the background's worker, when the background is one; null
 * otherwise. Pushes arrive at `onPush` from the moment the background pairs it.
 */
export function offerViewChannel(onPush: (push: PanelPush) => void): { key: string; close(): void } | null {
  const background = browser.runtime.getManifest().background as { service_worker?: string } | undefined;
  const container = globalThis.navigator?.serviceWorker;
  if (!background?.service_worker || !container) return null;
  const key = crypto.randomUUID();
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => onPush(event.data as PanelPush);
  void container.ready
    .then((registration) => {
      const offer: Offer = { sameroom: 'view-channel', key };
      registration.active?.postMessage(offer, [channel.port2]);
    })
    .catch(() => undefined);
  return { key, close: () => channel.port1.close() };
}
