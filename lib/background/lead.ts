import type { IDBPDatabase } from 'idb';
import { matchCampaign } from '../campaigns';
import { leadKeyOf } from '../campaigns/lead-key';
import type { LeadContext } from '../crm';
import { t } from '../i18n';
import type { CampaignChoice, LeadView } from '../messages';
import { leadHistory } from '../outbox/outbox';
import { presetRegion } from '../outbox/region';
import type { Brief } from '../protocol';
import type { SameroomDb } from '../store/db';
import { keptLink } from '../store/kept';
import { campaignsAtOnce } from './campaigns';

/** What the panel shows for this lead: its campaign and why, or the campaigns to pick from. */
export async function leadView(
  db: IDBPDatabase<SameroomDb>,
  lead: LeadContext,
  options: { now: Date; fetchFn?: typeof fetch; onRefreshed?: () => void },
): Promise<LeadView> {
  const link = await keptLink(db);
  if (!link) return { state: 'notLinked' };
  const campaigns = await campaignsAtOnce(db, link, options);
  if (!campaigns.cache || !campaigns.info) {
    return { state: 'unavailable', message: campaigns.problem ?? t('errNoCampaigns') };
  }
  // Both read the disk, neither needs the other: a lead → lead move waits for the slower one only.
  const [pick, history] = await Promise.all([db.get('picks', leadKeyOf(lead)), leadHistory(db, lead)]);
  const match = matchCampaign(campaigns.cache.briefs, lead.signals, pick?.campaignId);
  const setup = { regions: link.workspace.regions, region: presetRegion(lead.signals.region, link) };
  if (match)
    return {
      state: 'matched',
      ...match,
      cache: campaigns.info,
      me: { member: link.member, workspace: link.workspace },
      setup,
      history,
    };
  return {
    state: 'noMatch',
    cache: campaigns.info,
    setup,
    history,
    choices: campaignChoices(campaigns.cache.briefs),
  };
}

/** The campaigns a rep can pick from: every brief that is not a draft, as the pickers list them. */
export function campaignChoices(briefs: Brief[]): CampaignChoice[] {
  return briefs
    .filter((brief) => brief.status !== 'draft')
    .map((brief) => ({ id: brief.id, name: brief.name, channel: brief.channel, status: brief.status }));
}

/** Remembers the rep's campaign for this record (null forgets it), then shows the lead again. */
export async function pickCampaign(
  db: IDBPDatabase<SameroomDb>,
  lead: LeadContext,
  campaignId: string | null,
  options: { now: Date; fetchFn?: typeof fetch },
): Promise<LeadView> {
  if (campaignId) await db.put('picks', { campaignId, pickedAt: options.now.toISOString() }, leadKeyOf(lead));
  else await db.delete('picks', leadKeyOf(lead));
  return leadView(db, lead, options);
}
