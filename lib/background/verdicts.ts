import type { IDBPDatabase } from 'idb';
import { RepError } from '../errors';
import { t } from '../i18n';
import type { CampaignList, VerdictInput } from '../messages';
import { saveVerdict } from '../outbox/outbox';
import type { Settings } from '../settings';
import type { SameroomDb } from '../store/db';
import { keptLink } from '../store/kept';
import { campaignsAtOnce } from './campaigns';
import { campaignChoices } from './lead';

/**
 * Saves the rep's verdict for the linked workspace, its record address read with the CRMs and custom
 * sites in `settings`. Refused with words when nothing is linked.
 */
export async function verdict(
  db: IDBPDatabase<SameroomDb>,
  input: VerdictInput,
  now: Date,
  settings?: Settings,
) {
  const link = await keptLink(db);
  if (!link) throw new RepError(t('errNotLinkedVerdict'));
  return saveVerdict(db, input, link, now, settings);
}

/** The popup's campaign list: every non-draft brief in the cache (revalidated if stale), and the regions. */
export async function campaignList(
  db: IDBPDatabase<SameroomDb>,
  options: { now: Date; fetchFn?: typeof fetch },
): Promise<CampaignList> {
  const link = await keptLink(db);
  if (!link) return { linked: false, choices: [], setup: { regions: [], region: null }, fetchedAt: null };
  const campaigns = await campaignsAtOnce(db, link, options);
  if (!campaigns.cache) throw new Error(campaigns.problem ?? t('errNoCampaigns'));
  return {
    linked: true,
    choices: campaignChoices(campaigns.cache.briefs),
    setup: { regions: link.workspace.regions, region: link.member.region },
    fetchedAt: campaigns.cache.fetchedAt,
  };
}
