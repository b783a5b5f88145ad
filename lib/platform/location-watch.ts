/** How often the address is checked when nothing else says it moved (an address changed with no DOM change). */
export const BACKSTOP_MS = 1_000;

/**
 * Calls `moved` with the page's new address after each same-document navigation: a single-page CRM
 * moving between records with `pushState`, back and forward, or a new hash. Stops when `signal` aborts.
 *
 * The Navigation API says so as it starts (`navigate`: Chromium, Firefox from 147). Firefox
 * 140–146, which the manifest allows, has none, and WXT's location watcher then polls once a second:
 * the panel stayed on the previous record for up to a second, and a verdict clicked meanwhile was bound
 * to that record.
 * Without the API: back, forward and hash changes come by their events; a `pushState` comes with the
 * next record's DOM, so the address is checked at the first DOM change and then at most once a frame
 * while the page keeps changing (the observer is disconnected until the next frame: a busy page costs
 * one mutation record per frame); and a check every second catches an address moved with no DOM change.
 */
export function watchLocation(signal: AbortSignal, moved: (url: URL) => void, win: Window = window): void {
  let last = win.location.href;
  const tell = (href: string) => {
    if (signal.aborted || href === last) return;
    last = href;
    moved(new URL(href));
  };
  const check = () => tell(win.location.href);
  const navigation = (win as Window & { navigation?: EventTarget }).navigation;
  if (typeof navigation?.addEventListener === 'function') {
    // A move within this document is told as it starts: 'navigate' fires inside the page's pushState,
    // before the browser hears of the commit. Told once the address had changed ('currententrychange'),
    // our message reached Chromium's browser thread behind the commit's handling (13-21 ms measured),
    // which is most of an SPA move's time to the brief (issue 11). A load of another page is left
    // alone: the page's "leave this page?" prompt may still cancel it, and it brings its own content
    // script anyway.
    navigation.addEventListener(
      'navigate',
      (event) => {
        const destination = (event as Event & { destination?: { url?: string; sameDocument?: boolean } })
          .destination;
        if (!destination?.sameDocument || !destination.url) return;
        tell(destination.url);
        // The page's own listeners come after ours and may cancel the move; then the address never
        // changes. Checked once the page's script is done (its pushState has returned): a cancelled
        // move goes back to the address the document has. ('navigateerror' would say so, but Chromium
        // does not fire it in a content script's world.)
        queueMicrotask(check);
      },
      { signal },
    );
    // A move made another way: a load of another page that the page intercepted.
    navigation.addEventListener('currententrychange', () => check(), { signal });
    return;
  }
  win.addEventListener('popstate', () => check(), { signal });
  win.addEventListener('hashchange', () => check(), { signal });
  let frame: number | undefined;
  const observer = new MutationObserver(() => {
    observer.disconnect();
    check();
    frame = win.requestAnimationFrame(() => {
      frame = undefined;
      check();
      observe();
    });
  });
  const observe = () => {
    if (!signal.aborted) observer.observe(win.document, { childList: true, subtree: true });
  };
  observe();
  const backstop = win.setInterval(() => check(), BACKSTOP_MS);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    win.clearInterval(backstop);
  });
}
