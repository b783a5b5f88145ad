import { signal } from '@preact/signals';
import { tdCount } from '../../lib/i18n/dashboard';
import type { Brief, Me } from '../../lib/protocol';
import { readCampaigns } from '../../lib/protocol';
import { api, apiList } from './api';
import { MeAnswer, NoContent } from './schemas';

/**
 * The dashboard's shared state: who is signed in, the campaigns, the page shown. Plain signals and
 * actions, no markup: main.tsx and the pages render them.
 */

/** undefined while asking; null when signed out. */
export const me = signal<Me | null | undefined>(undefined);
/** Why the dashboard could not learn who is signed in (not "signed out": an error to show). */
export const sessionProblem = signal<string | null>(null);
export const campaigns = signal<Brief[]>([]);
export const path = signal(globalThis.location?.pathname ?? '/');
/** What the last action did, said on the page it led to ("Saved “Spring fair”."); gone at the next move. */
export const notice = signal<string | null>(null);

export function navigate(to: string, said: string | null = null): void {
  notice.value = said;
  if (to !== location.pathname + location.search) {
    history.pushState(null, '', to);
    // What follows the address (the page shown, the feedback page's filters) hears of the move as of
    // Back and Forward: the Feedback link from a filtered feedback page shows it unfiltered.
    dispatchEvent(new PopStateEvent('popstate'));
  }
  path.value = location.pathname;
}
globalThis.addEventListener?.('popstate', (event) => {
  // Back and Forward (the browser's own event, not navigate's): what an action did is not said again.
  if (event.isTrusted) notice.value = null;
  path.value = location.pathname;
});

export async function loadMe(): Promise<void> {
  sessionProblem.value = null;
  const answer = await api('GET', '/api/v1/me', MeAnswer);
  if (answer.ok) me.value = answer.data;
  else if (answer.status === 401 || answer.status === 403) me.value = null;
  else sessionProblem.value = answer.message;
}

/** Signs out; signed out here even when the workspace cannot be told. */
export async function signOut(): Promise<void> {
  await api('DELETE', '/api/v1/session', NoContent);
  me.value = null;
  navigate('/');
}

/** Every brief, drafts included; a brief the dashboard cannot read is reported, not shown broken. */
export async function loadCampaigns(): Promise<string | null> {
  const answer = await apiList('/api/v1/campaigns?include=drafts', readCampaigns);
  if (!answer.ok) return answer.message;
  campaigns.value = answer.data.items;
  return answer.data.skipped ? tdCount(answer.data.skipped, 'campaignsSkippedOne', 'campaignsSkipped') : null;
}
