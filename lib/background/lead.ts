import type { IDBPDatabase } from 'idb';
import { matchCampaign } from '../campaigns';
import { keyWithoutSite, leadKeyOf } from '../campaigns/lead-key';
import type { LeadContext } from '../crm';
import { t } from '../i18n';
import type { CampaignChoice, LeadView } from '../messages';
import { leadHistory } from '../outbox/outbox';
import { presetRegion } from '../outbox/region';
import type { Brief } from '../protocol';
import type { SameroomDb } from '../store/db';
import { keepPick, keptLink, keptPicks } from '../store/kept';
import { campaignsAtOnce } from './campaigns';

type ViewOptions = { now: Date; fetchFn?: typeof fetch; onRefreshed?: () => void };

/** What the panel shows for this lead: its campaign and why, or the campaigns to pick from; its history. */
export async function leadView(
  db: IDBPDatabase<SameroomDb>,
  lead: LeadContext,
  options: ViewOptions,
): Promise<LeadView> {
  const [view, history] = await Promise.all([leadBrief(db, lead, options), leadHistory(db, lead)]);
  return view.state === 'matched' || view.state === 'noMatch' ? { ...view, history } : view;
}

/**
 * `leadView` without the history, from memory alone once the worker has read the link, the briefs and
 * the picks: the panel's sessions push the history after it, so a move to another record waits for no
 * IndexedDB read (issue 11).
 */
export async function leadBrief(
  db: IDBPDatabase<SameroomDb>,
  lead: LeadContext,
  options: ViewOptions,
): Promise<LeadView> {
  const link = await keptLink(db);
  if (!link) return { state: 'notLinked' };
  const campaigns = await campaignsAtOnce(db, link, options);
  if (!campaigns.cache || !campaigns.info) {
    return { state: 'unavailable', message: campaigns.problem ?? t('errNoCampaigns') };
  }
  const picks = await keptPicks(db);
  const key = leadKeyOf(lead);
  // A custom site's record picked before lead keys carried the site: its pick under the key without it.
  const before = keyWithoutSite(key);
  const pick = picks.get(key) ?? (before ? picks.get(before) : undefined);
  const match = matchCampaign(campaigns.cache.briefs, lead.signals, pick?.campaignId);
  const setup = { regions: link.workspace.regions, region: presetRegion(lead.signals.region, link) };
  if (match)
    return {
      state: 'matched',
      ...match,
      cache: campaigns.info,
      me: { member: link.member, workspace: link.workspace },
      setup,
    };
  return {
    state: 'noMatch',
    cache: campaigns.info,
    setup,
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
  const key = leadKeyOf(lead);
  const pick = campaignId ? { campaignId, pickedAt: options.now.toISOString() } : null;
  if (pick) await db.put('picks', pick, key);
  else await db.delete('picks', key);
  keepPick(db, key, pick);
  // The pick kept under the key without the site (leadBrief reads it) is replaced by this one.
  const before = keyWithoutSite(key);
  if (before) {
    await db.delete('picks', before);
    keepPick(db, before, null);
  }
  return leadView(db, lead, options);
}
