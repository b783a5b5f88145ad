import { signal } from '@preact/signals';
import { td } from '../../../../lib/i18n/dashboard';
import type { LinkedBrowser } from '../../../../lib/protocol';
import { api } from '../../api';
import { LinkedBrowsersAnswer, NoContent } from '../../schemas';

/** What kind of link it is: the extension's, or a dashboard sign-in. */
export const browserKind = (browser: LinkedBrowser) =>
  browser.kind === 'extension' ? td('browserExtension') : td('browserDashboard');

/** A linked browser in words, as its Revoke button names it. */
function describe(browser: LinkedBrowser): string {
  return `${browserKind(browser)} (${browser.browser ?? td('browserUnknown')})`;
}

/**
 * A member's linked browsers (the extension's links, the dashboard's sign-ins), each revocable on its
 * own: a join link that leaked started a session an admin could end only by removing the member.
 */
export function createBrowsersModel(memberId: string) {
  /** null until the first answer. */
  const browsers = signal<LinkedBrowser[] | null>(null);
  const problem = signal<string | null>(null);
  const revoking = signal<string | null>(null);
  /** The browser last revoked, in words ("Dashboard sign-in (Firefox 133 on Linux)"). */
  const revoked = signal<string | null>(null);

  async function load(): Promise<void> {
    const answer = await api('GET', `/api/v1/members/${memberId}/tokens`, LinkedBrowsersAnswer);
    if (answer.ok) {
      browsers.value = answer.data.browsers;
      problem.value = null;
    } else problem.value = answer.message;
  }

  async function revoke(browser: LinkedBrowser): Promise<void> {
    if (revoking.value) return;
    revoking.value = browser.id;
    try {
      const answer = await api('DELETE', `/api/v1/members/${memberId}/tokens/${browser.id}`, NoContent);
      if (answer.ok) revoked.value = describe(browser);
      await load();
      // After the list's read, which clears what it last said: a refusal stays on screen.
      if (!answer.ok) problem.value = answer.message;
    } finally {
      revoking.value = null;
    }
  }

  return { browsers, problem, revoking, revoked, load, revoke };
}
export type BrowsersModel = ReturnType<typeof createBrowsersModel>;
