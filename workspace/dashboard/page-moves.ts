import { useEffect, useRef } from 'preact/hooks';
import { td } from '../../lib/i18n/dashboard';

/** How long a new page's heading is waited for (a page that renders it after its first data). */
const HEADING_WAIT_MS = 5_000;

/**
 * A move to another page (a campaign opened, New campaign, Save, Cancel, the top links, Back): the
 * keyboard's focus goes to the new page's heading (or to what the action did, `#page-notice`), which a
 * screen reader then reads. The control pressed went with the old page, and the focus fell to the
 * body: Tab started again from the top, and nothing said the page had changed. The tab's title names
 * the page, and follows its heading (a campaign's name read after the page opened).
 */
export function usePageMoves(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    const moved = !first.current;
    first.current = false;
    const started = Date.now();
    let frame = 0;
    let named: MutationObserver | null = null;
    const name = () => {
      const text = document.querySelector('main h1')?.textContent?.trim();
      document.title = text ? `${text} · ${td('documentTitle')}` : td('documentTitle');
    };
    const toHeading = () => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading) {
        if (Date.now() - started < HEADING_WAIT_MS) frame = requestAnimationFrame(toHeading);
        return;
      }
      name();
      named = new MutationObserver(name);
      named.observe(document.body, { childList: true, subtree: true, characterData: true });
      if (!moved) return;
      const target = document.getElementById('page-notice') ?? heading;
      if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
      target.focus();
    };
    toHeading();
    return () => {
      cancelAnimationFrame(frame);
      named?.disconnect();
    };
  }, [path]);
}
