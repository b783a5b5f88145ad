import { computed, signal } from '@preact/signals';
import type { Brief } from '../../../lib/protocol';
import { campaigns, loadCampaigns } from '../state';
import { priorityLabel, statusLabel } from '../words';

export interface CampaignRow {
  id: string;
  href: string;
  name: string;
  status: Brief['status'];
  statusLabel: string;
  channel: string;
  priorityLabel: string;
  stats: Brief['stats'];
  breakEvenDeals: number | null;
}

/** The campaigns list: every brief, drafts included, in the workspace's order. */
export function createCampaignsModel() {
  const loading = signal(true);
  const problem = signal<string | null>(null);
  const rows = computed<CampaignRow[]>(() =>
    campaigns.value.map((brief) => ({
      id: brief.id,
      href: `/campaigns/${brief.id}`,
      name: brief.name,
      status: brief.status,
      statusLabel: statusLabel(brief.status),
      channel: brief.channel,
      priorityLabel: priorityLabel(brief.priority),
      stats: brief.stats,
      breakEvenDeals: brief.economics.breakEvenDeals,
    })),
  );
  async function load(): Promise<void> {
    loading.value = true;
    problem.value = await loadCampaigns();
    loading.value = false;
  }
  return { loading, problem, rows, load };
}
export type CampaignsModel = ReturnType<typeof createCampaignsModel>;
