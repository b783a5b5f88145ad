import type { Frame, Locator, Page } from 'playwright-core';

/** The panel view's frame: an extension page the content script frames into the CRM page (issue 11). */
export const isPanelFrame = (frame: Frame) =>
  /^(chrome|moz)-extension:\/\/[^/]+\/panel\.html/.test(frame.url());

/**
 * The panel as the rep sees it, looked at from the extension's side: its frame sits in a closed shadow
 * root the page (and a page-side locator) cannot enter, so the test finds it among the tab's frames.
 */
export async function panelFrame(page: Page, timeout = 10_000, pollMs = 25): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page.frames().find(isPanelFrame);
    if (frame && !frame.isDetached()) return frame;
    if (Date.now() > deadline) throw new Error(`no panel frame on ${page.url()} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The panel's `<aside>`, in the frame the tab has now. */
export async function panelAside(page: Page, timeout?: number): Promise<Locator> {
  return (await panelFrame(page, timeout)).locator('aside');
}

/** Whether the page has a panel frame at all (none on pages that are not records). */
export function hasPanel(page: Page): boolean {
  return page.frames().some(isPanelFrame);
}

/**
 * Moves the tab to another record as Lightning does: the next record's page rendered in place (our
 * panel's host left where it is), then its address pushed. `html` is a fixture page, `path` its address.
 */
export async function renderRecordInPlace(page: Page, html: string, path: string): Promise<void> {
  await page.evaluate(
    ({ html, path }) => {
      for (const child of [...document.body.children]) if (child.tagName !== 'SAMEROOM-PANEL') child.remove();
      document.body.prepend(...new DOMParser().parseFromString(html, 'text/html').body.children);
      history.pushState({}, '', path);
    },
    { html, path },
  );
}
