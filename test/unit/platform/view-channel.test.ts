import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ViewPort } from '../../../lib/background/panels';
import { PANEL_PORT, type PanelPush } from '../../../lib/panel-port';
import {
  type ChannelPort,
  keyOfPortName,
  PAIR_WAIT_MS,
  pushesInOrder,
  ViewChannels,
  viewPortName,
} from '../../../lib/platform/view-channel';

const KEY = '2f1c9a4e-7b3d-4e8f-9a6b-1c2d3e4f5a6b';
const show = (name: string): PanelPush => ({
  kind: 'show',
  lead: null,
  url: `https://acme.lightning.force.com/${name}`,
  crmLabel: 'Salesforce',
  state: { kind: 'loading' },
});
const history = (leadKey: string): PanelPush => ({ kind: 'history', leadKey, entries: [] });

function runtimePort() {
  const sent: unknown[] = [];
  const disconnects: Array<() => void> = [];
  const port: ViewPort & { sent: unknown[]; drop(): void } = {
    sent,
    postMessage: (message) => void sent.push(message),
    onMessage: { addListener: () => undefined },
    onDisconnect: { addListener: (listener) => void disconnects.push(listener) },
    disconnect: vi.fn(),
    drop: () => {
      for (const listener of disconnects) listener();
    },
  };
  return port;
}

function channelPort(): ChannelPort & { sent: unknown[]; closed: boolean } {
  const port = {
    sent: [] as unknown[],
    closed: false,
    postMessage: (message: unknown) => void port.sent.push(message),
    close: () => {
      port.closed = true;
    },
  };
  return port;
}

describe("a view's port name and its channel's key", () => {
  it('names the key after the panel port, and reads it back', () => {
    expect(viewPortName(null)).toBe(PANEL_PORT);
    expect(keyOfPortName(viewPortName(KEY))).toBe(KEY);
    expect(keyOfPortName(PANEL_PORT)).toBeNull();
  });

  it.each([
    'sameroom-popup',
    `${PANEL_PORT}#`,
    `${PANEL_PORT}#not-a-key`,
    `${PANEL_PORT}#${KEY}x`,
    `${PANEL_PORT}x#${KEY}`,
  ])('is not a panel view for %s', (name) => {
    expect(keyOfPortName(name)).toBeUndefined();
  });
});

describe('pairing a view with its channel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends over the runtime port until the channel comes, then over the channel', () => {
    const channels = new ViewChannels();
    const runtime = runtimePort();
    const view = channels.bind(KEY, runtime);
    view.postMessage(show('one'));
    const channel = channelPort();
    channels.offered(KEY, channel);
    view.postMessage(show('two'));
    // The runtime port's last push says the channel takes over.
    expect(runtime.sent).toEqual([show('one'), { kind: 'channel' }]);
    expect(channel.sent).toEqual([show('two')]);
  });

  it('pairs a channel that came before its view', () => {
    const channels = new ViewChannels();
    const channel = channelPort();
    channels.offered(KEY, channel);
    const runtime = runtimePort();
    channels.bind(KEY, runtime).postMessage(show('one'));
    expect(channel.sent).toEqual([show('one')]);
    expect(runtime.sent).toEqual([{ kind: 'channel' }]);
  });

  it('never gives one view the channel offered under another key', () => {
    const channels = new ViewChannels();
    const channel = channelPort();
    channels.offered('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', channel);
    const runtime = runtimePort();
    channels.bind(KEY, runtime).postMessage(show('one'));
    expect(runtime.sent).toEqual([show('one')]);
    expect(channel.sent).toEqual([]);
  });

  it('closes the channel when its view disconnects, and one that comes after', () => {
    const channels = new ViewChannels();
    const runtime = runtimePort();
    const view = channels.bind(KEY, runtime);
    const channel = channelPort();
    channels.offered(KEY, channel);
    runtime.drop();
    expect(channel.closed).toBe(true);

    const late = runtimePort();
    channels.bind('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', late);
    late.drop();
    const orphan = channelPort();
    channels.offered('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', orphan);
    // The view is gone: the channel offered for it is not kept for anyone.
    vi.advanceTimersByTime(PAIR_WAIT_MS);
    expect(orphan.closed).toBe(true);
    view.disconnect();
    expect(runtime.disconnect).toHaveBeenCalled();
  });

  it('closes a channel no view claims within the wait', () => {
    const channels = new ViewChannels();
    const channel = channelPort();
    channels.offered(KEY, channel);
    vi.advanceTimersByTime(PAIR_WAIT_MS - 1);
    expect(channel.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(channel.closed).toBe(true);
    // Claimed later, the view keeps its runtime port.
    const runtime = runtimePort();
    channels.bind(KEY, runtime).postMessage(show('one'));
    expect(runtime.sent).toEqual([show('one')]);
  });
});

describe('pushes in a view that has a channel', () => {
  it('takes them in the order they were sent: the channel’s first wait for the runtime port’s last', () => {
    const shown: PanelPush[] = [];
    const pushes = pushesInOrder((push) => shown.push(push));
    pushes.runtime(show('one'));
    // Sent after the switch, over the channel, and arrived before the runtime port's last pushes.
    pushes.direct(history('lead-two'));
    pushes.direct({ kind: 'reply', id: 4, envelope: { ok: true, reply: null } });
    expect(shown).toEqual([show('one')]);
    pushes.runtime(show('two')); // sent before the switch: it is the latest show, not a stale one
    pushes.runtime({ kind: 'channel' });
    pushes.direct(show('three'));
    expect(shown).toEqual([
      show('one'),
      show('two'),
      history('lead-two'),
      { kind: 'reply', id: 4, envelope: { ok: true, reply: null } },
      show('three'),
    ]);
  });

  it('takes everything from the runtime port while the channel has not taken over', () => {
    const shown: PanelPush[] = [];
    const pushes = pushesInOrder((push) => shown.push(push));
    pushes.runtime(show('one'));
    pushes.runtime(history('lead-one'));
    pushes.runtime({ kind: 'command', command: 'toggle-panel' });
    expect(shown.map((push) => push.kind)).toEqual(['show', 'history', 'command']);
  });
});
