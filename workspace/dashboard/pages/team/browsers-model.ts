import { signal } from '@preact/signals';
import type { LinkedBrowser } from '../../../../lib/protocol';
import { api } from '../../api';
import { LinkedBrowsersAnswer, NoContent } from '../../schemas';

/**
 * A member's linked browsers (the extension's links, the dashboard's sign-ins), each revocable on its
 * own: a join link that leaked started a session an admin could end only by removing the member.
 */
export function createBrowsersModel(memberId: string) {
  /** null until the first answer. */
  const browsers = signal<LinkedBrowser[] | null>(null);
  const problem = signal<string | null>(null);
  const revoking = signal<string | null>(null);

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
      await load();
      // After the list's read, which clears what it last said: a refusal stays on screen.
      if (!answer.ok) problem.value = answer.message;
    } finally {
      revoking.value = null;
    }
  }

  return { browsers, problem, revoking, load, revoke };
}
export type BrowsersModel = ReturnType<typeof createBrowsersModel>;
