import { browser } from 'wxt/browser';
import { forgetPrivateDrafts } from '../store/drafts';

/**
 * A private window's drafts last as long as private windows do: once the last one closes (or when the
 * worker starts with none open), they are forgotten, as the browser forgets the rest of that session.
 * Kept until the browser closed, a note typed in one private session showed in the next one's panel.
 */
export function forgetPrivateDraftsWithTheirWindows(): void {
  const check = async () => {
    const windows = await browser.windows.getAll();
    if (!windows.some((window) => window.incognito)) await forgetPrivateDrafts();
  };
  browser.windows.onRemoved.addListener(() => void check().catch(() => undefined));
  void check().catch(() => undefined);
}
