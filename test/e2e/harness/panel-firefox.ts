import type { ElementHandle, Frame, Page } from 'puppeteer-core';

/** Whether this frame shows our panel view (Puppeteer may still report the frame as about:blank). */
async function isPanelFrame(frame: Frame): Promise<boolean> {
  if (frame.detached) return false;
  const href = await frame.evaluate(() => location.href).catch(() => '');
  return /^moz-extension:\/\/[^/]+\/panel\.html/.test(href);
}

/** The panel view's frame in this tab now, if there is one. */
export async function findPanelFrame(page: Page): Promise<Frame | undefined> {
  for (const frame of page.mainFrame().childFrames()) if (await isPanelFrame(frame)) return frame;
  return undefined;
}

/**
 * Firefox: the panel view's frame, looked at from the extension's side (the page cannot enter the closed
 * shadow root that holds it, nor read the frame).
 */
export async function panelFrame(page: Page, timeout = 10_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await findPanelFrame(page);
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`no panel frame on ${page.url()} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first element matching `selector` in the panel, once it is there. */
export async function inPanel(page: Page, selector: string, timeout = 15_000): Promise<ElementHandle> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await panelFrame(page, Math.max(0, deadline - Date.now()));
    const found = await frame.$(selector).catch(() => null);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${selector} in the panel within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The text of the first element matching `selector` in the panel, or null when there is none yet. */
export async function panelText(page: Page, selector: string): Promise<string | null> {
  const frame = await findPanelFrame(page);
  const found = await frame?.$(selector).catch(() => null);
  return (await found?.evaluate((el) => el.textContent).catch(() => null)) ?? null;
}
