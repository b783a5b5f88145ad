import { useEffect, useRef } from 'preact/hooks';
import { td } from '../../lib/i18n/dashboard';

/** How many frames a new page's heading is waited for (a page that renders it after its first data). */
const HEADING_FRAMES = 10;

/**
 * A move to another page (a campaign opened, New campaign, Save, Cancel, the top links, Back): the
 * keyboard's focus goes to the new page's heading, which a screen reader then reads, and the tab's
 * title names the page. The control pressed went with the old page, and the focus fell to the body:
 * Tab started again from the top, and nothing said the page had changed.
 */
export function usePageMoves(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    const moved = !first.current;
    first.current = false;
    let frames = 0;
    let frame = 0;
    const toHeading = () => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading) {
        if (frames++ < HEADING_FRAMES) frame = requestAnimationFrame(toHeading);
        return;
      }
      const name = heading.textContent?.trim();
      document.title = name ? `${name} · ${td('documentTitle')}` : td('documentTitle');
      if (!moved) return;
      // What the action did, where the page says it (Saved “…”), or else the page's name.
      const target = document.getElementById('page-notice') ?? heading;
      if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
      target.focus();
    };
    toHeading();
    return () => cancelAnimationFrame(frame);
  }, [path]);
}
