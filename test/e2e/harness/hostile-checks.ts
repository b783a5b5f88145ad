import { expect, it } from 'vitest';
import type { FixtureServer } from './fixture-server';
import {
  fightPanel,
  hidePanelPopover,
  type PanelFight,
  panelInTopLayer,
  scrollUnderStyledBody,
} from './hostile-page';

/** A new tab, as either browser's driver gives it (Playwright in Chromium, Puppeteer in Firefox). */
export interface LeadTab {
  /** Runs `script` in the page's world before each document's own scripts. */
  beforeScripts(script: () => void): Promise<unknown>;
  goto(url: string, options?: { timeout: number }): Promise<unknown>;
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /**
   * Lays the page out as for `type` media (print: as the browser prints it). Chromium's driver only:
   * Puppeteer has no media emulation over WebDriver BiDi, which drives Firefox.
   */
  media(type: 'print' | 'screen'): Promise<void>;
  /** The heading of the brief in the panel's frame, or null while there is none. */
  heading(): Promise<string | null>;
  close(): Promise<void>;
}

const BRIEF = 'Hannover Messe 2026';
const BODY_STYLES = [
  'transform:translateZ(0)',
  'filter:opacity(1)',
  'will-change:transform',
  'contain:paint',
];

/**
 * A page that removes the panel each time it appears (fightPanel) on the lead page at `url`: it still
 * answers after 3 s (it froze for good when the panel was put back at once), the panel was put back,
 * with pauses, and once the page stops the panel is back with the brief.
 */
async function panelOutlastsAFight(tab: Omit<LeadTab, 'media'>, url: string): Promise<void> {
  try {
    await tab.beforeScripts(fightPanel);
    await tab.goto(url, { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const removed = await tab.evaluate(() => (window as unknown as PanelFight).panelsRemoved);
    expect(removed).toBeGreaterThan(2);
    expect(removed).toBeLessThan(10);
    await tab.evaluate(() => (window as unknown as PanelFight).stopFighting());
    await expect.poll(() => tab.heading(), { timeout: 15_000 }).toBe(BRIEF);
  } finally {
    await tab.close();
  }
}

/**
 * Under a body whose styles make a fixed element's place the body's box, scrolled 2,000 px, the panel
 * stays at the viewport's top, its verdicts in sight; taken out of the top layer by the page, it goes
 * back. A new tab from `open` for each style.
 */
async function panelDockedUnderStyledBodies(
  open: () => Promise<Omit<LeadTab, 'media'>>,
  url: string,
): Promise<void> {
  for (const style of BODY_STYLES) {
    const tab = await open();
    try {
      await tab.goto(url);
      await expect.poll(() => tab.heading(), { timeout: 15_000 }).toBe(BRIEF);
      expect(await tab.evaluate(scrollUnderStyledBody, style)).toEqual({ top: 0, scrollY: 2000 });
      if (style !== BODY_STYLES.at(-1)) continue;
      expect(await tab.evaluate(hidePanelPopover)).toBe(false);
      await expect.poll(() => tab.evaluate(panelInTopLayer), { timeout: 5_000 }).toBe(true);
      expect(await tab.evaluate(scrollUnderStyledBody, style)).toEqual({ top: 0, scrollY: 2000 });
    } finally {
      await tab.close();
    }
  }
}

/**
 * Printed, the lead page at `url` (under its CRM's real policy) leaves the panel out: the brief is not
 * on paper and the page's right side is not covered. On screen again, it is back.
 */
export async function panelLeftOutOfPrint(tab: LeadTab, url: string): Promise<void> {
  const display = () =>
    tab.evaluate(() => {
      const host = document.querySelector('sameroom-panel');
      return host ? getComputedStyle(host).display : null;
    });
  try {
    await tab.goto(url);
    await expect.poll(() => tab.heading(), { timeout: 15_000 }).toBe(BRIEF);
    expect(await display()).toBe('flex');
    await tab.media('print');
    expect(await display()).toBe('none');
    await tab.media('screen');
    expect(await display()).toBe('flex');
  } finally {
    await tab.close();
  }
}

/**
 * A CRM page that makes itself cross-origin isolated (COOP same-origin with COEP require-corp or
 * credentialless, as an app does for SharedArrayBuffer or precise timers): a frame whose document does
 * not take the embedder's policy is blocked, and Chromium showed its error page where the panel was,
 * with no word of why. The brief shows under both policies, in a new tab from `open` for each.
 */
async function panelUnderCrossOriginIsolation(
  open: () => Promise<Omit<LeadTab, 'media'>>,
  server: FixtureServer,
  url: string,
): Promise<void> {
  for (const embedder of ['require-corp', 'credentialless']) {
    const tab = await open();
    server.extraHeaders['cross-origin-opener-policy'] = 'same-origin';
    server.extraHeaders['cross-origin-embedder-policy'] = embedder;
    try {
      await tab.goto(url);
      expect(await tab.evaluate(() => self.crossOriginIsolated)).toBe(true);
      await expect.poll(() => tab.heading(), { timeout: 15_000 }).toBe(BRIEF);
    } finally {
      delete server.extraHeaders['cross-origin-opener-policy'];
      delete server.extraHeaders['cross-origin-embedder-policy'];
      await tab.close();
    }
  }
}

/** The panel host's box against the window, as the page sees it. */
function panelBox(): { height: number; bottom: number; width: number; window: number } {
  const box = document.querySelector('sameroom-panel')!.getBoundingClientRect();
  return {
    height: Math.round(box.height),
    bottom: Math.round(box.bottom),
    width: Math.round(box.width),
    window: innerHeight,
  };
}

/**
 * A page zoomed by CSS `zoom` on `<html>` or `<body>` (a zoom extension, a page's text-size setting):
 * the panel scaled with it, one and a half windows high at 1.5 with its verdict bar below the fold, and
 * short of the window's bottom at 0.8. It spans the window exactly, whatever the zoom and however it
 * was set: at the page's start, later by style, by a class its sheet zooms, by a sheet alone (a
 * `<style>` or a linked sheet the page adds to its head), and through the CSSOM alone (a rule inserted
 * into a sheet, a constructed sheet adopted).
 */
async function panelFitsAZoomedPage(tab: Omit<LeadTab, 'media'>, url: string): Promise<void> {
  const fits = async () => {
    await expect
      .poll(
        async () => {
          const box = await tab.evaluate(panelBox);
          return Math.abs(box.height - box.window) <= 1 && Math.abs(box.bottom - box.window) <= 1;
        },
        { timeout: 5_000 },
      )
      .toBe(true);
  };
  try {
    await tab.beforeScripts(() => {
      document.addEventListener('DOMContentLoaded', () => {
        document.documentElement.style.setProperty('zoom', '1.5');
      });
    });
    await tab.goto(url);
    await expect.poll(() => tab.heading(), { timeout: 15_000 }).toBe(BRIEF);
    expect(await tab.evaluate(() => getComputedStyle(document.documentElement).zoom)).toBe('1.5');
    await fits();
    await tab.evaluate(() => {
      document.documentElement.style.removeProperty('zoom');
      document.body.style.setProperty('zoom', '0.8');
    });
    await fits();
    // Sheets the page links (its policy, as the CRMs' do, refuses an inline <style>): one zooming by a
    // class it then sets, and one zooming the root by itself, no attribute of <html> or <body> changing,
    // which applies only once loaded; then taken out again.
    const zoom = () => tab.evaluate(() => getComputedStyle(document.documentElement).zoom);
    const link = (href: string) =>
      tab.evaluate(
        (url) =>
          new Promise<void>((resolve, reject) => {
            const sheet = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: url });
            sheet.addEventListener('load', () => resolve());
            sheet.addEventListener('error', () => reject(new Error(`${url} did not load`)));
            document.head.append(sheet);
          }),
        href,
      );
    await tab.evaluate(() => document.body.style.removeProperty('zoom'));
    await link('/__zoom/1.25.css?class=zoomed');
    await tab.evaluate(() => document.documentElement.classList.add('zoomed'));
    expect(await zoom()).toBe('1.25');
    await fits();
    await tab.evaluate(() => document.documentElement.classList.remove('zoomed'));
    await fits();
    // Past the frames that the class's change asked for: what follows is the sheet's doing alone.
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    await link('/__zoom/0.75.css');
    expect(await zoom()).toBe('0.75');
    await fits();
    await tab.evaluate(() => document.querySelector('link[href="/__zoom/0.75.css"]')?.remove());
    expect(await zoom()).toBe('1');
    await fits();
    // Through the CSSOM alone, no element or attribute changing: a rule inserted into a sheet the page
    // has, then deleted; a sheet constructed and adopted, then dropped.
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    const rule = (text: string | null) =>
      tab.evaluate((text) => {
        const sheet = [...document.styleSheets].find((each) => each.href?.includes('class=zoomed'))!;
        if (text) sheet.insertRule(text, sheet.cssRules.length);
        else sheet.deleteRule(sheet.cssRules.length - 1);
      }, text);
    await rule('html { zoom: 1.4 }');
    expect(await zoom()).toBe('1.4');
    await fits();
    await rule(null);
    expect(await zoom()).toBe('1');
    await fits();
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    await tab.evaluate(() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync('html { zoom: 0.9 }');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    });
    expect(await zoom()).toBe('0.9');
    await fits();
    await tab.evaluate(() => {
      document.adoptedStyleSheets = [];
    });
    expect(await zoom()).toBe('1');
    await fits();
  } finally {
    await tab.close();
  }
}

/**
 * A page's script writing the panel host's inline style, as clickjacking would (the panel invisible or
 * moved off screen, yet clickable under the page's own button): through the CSSOM, by the style
 * attribute, and by replacing the whole text. Each time the host looks as before by the next frame.
 */
async function panelKeepsItsLook(tab: Omit<LeadTab, 'media'>, url: string): Promise<void> {
  const look = () =>
    tab.evaluate(() => {
      const style = getComputedStyle(document.querySelector('sameroom-panel')!);
      return `${style.opacity} ${style.transform} ${style.clipPath} ${style.right} ${style.visibility}`;
    });
  const afterAFrame = (write: string) =>
    tab.evaluate(
      (how) =>
        new Promise<void>((resolve) => {
          const host = document.querySelector<HTMLElement>('sameroom-panel')!;
          if (how === 'cssom') host.style.setProperty('opacity', '0', 'important');
          else if (how === 'attribute')
            host.setAttribute(
              'style',
              `${host.getAttribute('style')}; transform: translateX(100%) !important`,
            );
          else host.style.cssText = 'clip-path: inset(0 0 0 100%) !important; right: -2000px !important';
          requestAnimationFrame(() => resolve());
        }),
      write,
    );
  try {
    await tab.goto(url);
    await expect.poll(() => tab.heading(), { timeout: 15_000 }).toBe(BRIEF);
    const before = await look();
    expect(before).toBe('1 none none 0px visible');
    for (const write of ['cssom', 'attribute', 'text']) {
      await afterAFrame(write);
      expect(await look(), write).toBe(before);
    }
    expect(await tab.heading()).toBe(BRIEF);
  } finally {
    await tab.close();
  }
}

/**
 * The checks of this file that both browsers run the same way, declared as tests of the `describe`
 * they are called in, on Salesforce Lightning's lead page (whose brief is BRIEF) in new tabs from
 * `open`. `server` is asked as each test runs: the fixture server starts in the file's beforeAll.
 */
export function itChecksWhatBothBrowsersShare(
  open: () => Promise<Omit<LeadTab, 'media'>>,
  server: () => FixtureServer,
): void {
  const lead = () => server().url('salesforce-lightning/lead');

  it('a page that removes the panel each time it appears stays responsive, and has the panel once it stops', async () => {
    await panelOutlastsAFight(await open(), lead());
  });

  it('keeps the panel docked to the viewport under a body whose styles move fixed elements, and in the top layer', async () => {
    await panelDockedUnderStyledBodies(open, lead());
  });

  it('shows the brief on a page that makes itself cross-origin isolated (COOP and COEP)', async () => {
    await panelUnderCrossOriginIsolation(open, server(), lead());
  });

  it('keeps the panel to the window on a page zoomed by CSS (its verdicts in sight)', async () => {
    await panelFitsAZoomedPage(await open(), lead());
  });

  it('undoes a page script’s writes to the panel host’s style within a frame (invisible but clickable: clickjacking)', async () => {
    await panelKeepsItsLook(await open(), lead());
  });
}
