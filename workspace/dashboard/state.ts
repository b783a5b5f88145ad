import { signal } from '@preact/signals';
import type { Brief, Me } from '../../lib/protocol';
import { readCampaigns } from '../../lib/protocol';
import { api } from './api';

export const me = signal<Me | null | undefined>(undefined);
export const campaigns = signal<Brief[]>([]);
export const path = signal(location.pathname);

export function navigate(to: string): void {
  if (to !== location.pathname + location.search) history.pushState(null, '', to);
  path.value = location.pathname;
}
addEventListener('popstate', () => {
  path.value = location.pathname;
});

export async function loadMe(): Promise<void> {
  const answer = await api<Me>('GET', '/api/v1/me');
  me.value = answer.ok ? answer.data : null;
}

/** Every brief, drafts included; a brief the dashboard cannot read is reported, not shown broken. */
export async function loadCampaigns(): Promise<string | null> {
  const answer = await api('GET', '/api/v1/campaigns?include=drafts');
  if (!answer.ok) return answer.message;
  const read = readCampaigns(answer.data);
  if (!read.ok) return read.problem;
  campaigns.value = read.items;
  return read.rejected.length
    ? `${read.rejected.length} campaigns could not be read and are not shown.`
    : null;
}
