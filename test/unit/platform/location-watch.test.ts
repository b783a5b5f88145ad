import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKSTOP_MS, watchLocation } from '../../../lib/platform/location-watch';

const LEAD = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
const OPPORTUNITY = 'https://acme.lightning.force.com/lightning/r/Opportunity/0065g00000Qr7StAAJ/view';

/** The next frame, and the microtasks before it (where mutation observers are told). */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

let stop: AbortController;
let moves: string[];

beforeEach(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(LEAD);
  document.body.innerHTML = '<main><h1>Ada Lovelace</h1></main>';
  stop = new AbortController();
  moves = [];
});

afterEach(() => {
  stop.abort();
  vi.useRealTimers();
});

describe('without the Navigation API (Firefox 140–146)', () => {
  it('has no Navigation API in this test window, as in those versions', () => {
    expect((window as Window & { navigation?: unknown }).navigation).toBeUndefined();
  });

  it('sees a pushState that comes with the next record’s DOM before the next frame, not a second later', async () => {
    watchLocation(stop.signal, (url) => moves.push(url.href));
    document.body.innerHTML = '<main><h1>Wind farm retrofit</h1></main>';
    history.pushState({}, '', OPPORTUNITY);
    await Promise.resolve();
    expect(moves).toEqual([OPPORTUNITY]);
  });

  it('sees a pushState made after the DOM changed, in the same frame', async () => {
    watchLocation(stop.signal, (url) => moves.push(url.href));
    document.body.append(document.createElement('section'));
    await Promise.resolve();
    history.pushState({}, '', OPPORTUNITY);
    await nextFrame();
    await nextFrame();
    expect(moves).toEqual([OPPORTUNITY]);
  });

  it('keeps watching a page that never stops changing, once a frame', async () => {
    watchLocation(stop.signal, (url) => moves.push(url.href));
    for (let frame = 0; frame < 4; frame++) {
      for (let i = 0; i < 50; i++) document.body.append(document.createElement('li'));
      await nextFrame();
    }
    history.pushState({}, '', OPPORTUNITY);
    document.body.append(document.createElement('li'));
    await nextFrame();
    history.pushState({}, '', LEAD);
    document.body.append(document.createElement('li'));
    await nextFrame();
    await nextFrame();
    expect(moves).toEqual([OPPORTUNITY, LEAD]);
  });

  it('sees back, forward and a new hash by their events', () => {
    watchLocation(stop.signal, (url) => moves.push(url.href));
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(OPPORTUNITY);
    window.dispatchEvent(new Event('popstate'));
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(
      `${OPPORTUNITY}#related`,
    );
    window.dispatchEvent(new Event('hashchange'));
    expect(moves).toEqual([OPPORTUNITY, `${OPPORTUNITY}#related`]);
  });

  it('catches an address moved with no DOM change within a second', () => {
    vi.useFakeTimers();
    watchLocation(stop.signal, (url) => moves.push(url.href));
    history.replaceState({}, '', OPPORTUNITY);
    vi.advanceTimersByTime(BACKSTOP_MS);
    expect(moves).toEqual([OPPORTUNITY]);
  });

  it('tells nothing when the address did not move, and nothing once stopped', async () => {
    watchLocation(stop.signal, (url) => moves.push(url.href));
    document.body.append(document.createElement('section'));
    await nextFrame();
    stop.abort();
    history.pushState({}, '', OPPORTUNITY);
    document.body.append(document.createElement('section'));
    window.dispatchEvent(new Event('popstate'));
    await nextFrame();
    expect(moves).toEqual([]);
  });
});

describe('with the Navigation API (Chromium, Firefox 147 and later)', () => {
  const setURL = (url: string) =>
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
  const navigateTo = (url: string, sameDocument: boolean) =>
    Object.assign(new Event('navigate'), { destination: { url, sameDocument } });

  /** Watches this window as if it had the Navigation API: the stand-in for `window.navigation`. */
  function watchWithNavigationApi(): EventTarget {
    const navigation = new EventTarget();
    watchLocation(
      stop.signal,
      (url) => moves.push(url.href),
      Object.assign(Object.create(window), { navigation }),
    );
    return navigation;
  }

  it('moves when this document’s address changed, and polls nothing', () => {
    const setInterval = vi.spyOn(window, 'setInterval');
    const observe = vi.spyOn(MutationObserver.prototype, 'observe');
    const navigation = watchWithNavigationApi();
    setURL(OPPORTUNITY);
    navigation.dispatchEvent(new Event('currententrychange'));
    navigation.dispatchEvent(new Event('currententrychange'));
    setURL(LEAD);
    navigation.dispatchEvent(new Event('currententrychange'));
    stop.abort();
    setURL(OPPORTUNITY);
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(moves).toEqual([OPPORTUNITY, LEAD]);
    expect(setInterval).not.toHaveBeenCalled();
    expect(observe).not.toHaveBeenCalled();
  });

  it('moves as a pushState starts, before the address changes, and once', () => {
    const navigation = watchWithNavigationApi();
    // Inside pushState: "navigate" first, with the address still the previous record's.
    navigation.dispatchEvent(navigateTo(OPPORTUNITY, true));
    expect(moves).toEqual([OPPORTUNITY]);
    expect(location.href).toBe(LEAD);
    // Then the commit: the same move, not told again.
    setURL(OPPORTUNITY);
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(moves).toEqual([OPPORTUNITY]);
  });

  it('goes back to the document’s address when the page cancels a move it started', async () => {
    const navigation = watchWithNavigationApi();
    navigation.dispatchEvent(navigateTo(OPPORTUNITY, true));
    // The page's own "navigate" listener called preventDefault(): the address never moved.
    await Promise.resolve();
    expect(moves).toEqual([OPPORTUNITY, LEAD]);
  });

  it('stays on this record when a load of another page only starts (the page may still cancel it)', () => {
    const navigation = watchWithNavigationApi();
    // A link to another record's page: "navigate" fires before the page's "leave this page?" prompt.
    navigation.dispatchEvent(navigateTo(OPPORTUNITY, false));
    expect(moves).toEqual([]);
  });
});
