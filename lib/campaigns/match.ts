import type { Brief, BriefStatus, Priority, Signals } from '../protocol';
import { normalise, normaliseCampaignId } from './normalise';

/** Why the panel shows this campaign: the rule that matched and the signal it matched. */
export type MatchReason =
  | { kind: 'pick' }
  | { kind: 'campaignId' | 'utmCampaign' | 'leadSource' | 'keyword'; rule: string; signal: string };

export interface Match {
  brief: Brief;
  reason: MatchReason;
}

/** Strongest first: a CRM campaign id says more than a utm_campaign, which says more than a lead source. */
const STRENGTH = {
  pick: 0,
  campaignId: 1,
  utmCampaign: 2,
  leadSourceDetail: 3,
  leadSource: 4,
  keyword: 5,
} as const;
const STATUS_ORDER: Record<BriefStatus, number> = { active: 0, paused: 1, ended: 2, draft: 3 };
const PRIORITY_ORDER: Record<Priority, number> = { high: 0, normal: 1, low: 2 };

interface Candidate extends Match {
  strength: number;
}

function wordsContain(haystack: string, needle: string): boolean {
  if (!needle) return false;
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(haystack);
}

function bestRuleOf(brief: Brief, signals: Signals): Candidate | null {
  const campaignId = normaliseCampaignId(signals.campaignId);
  const utm = normalise(signals.utmCampaign);
  const source = normalise(signals.leadSource);
  const details = [normalise(signals.sourceDetail), normalise(signals.campaignName)].filter(Boolean);

  if (campaignId) {
    const rule = brief.match.campaignIds.find((id) => normaliseCampaignId(id) === campaignId);
    if (rule)
      return {
        brief,
        strength: STRENGTH.campaignId,
        reason: { kind: 'campaignId', rule, signal: signals.campaignId! },
      };
  }
  if (utm) {
    const rule = brief.match.utmCampaigns.find((value) => normalise(value) === utm);
    if (rule)
      return {
        brief,
        strength: STRENGTH.utmCampaign,
        reason: { kind: 'utmCampaign', rule, signal: signals.utmCampaign! },
      };
  }
  if (source) {
    const rules = brief.match.leadSources.filter((rule) => normalise(rule.value) === source);
    const detailed = rules.find((rule) => rule.detail && details.includes(normalise(rule.detail)));
    if (detailed) {
      const rule = `${detailed.value} | ${detailed.detail}`;
      const signal = `${signals.leadSource} | ${signals.sourceDetail ?? signals.campaignName}`;
      return { brief, strength: STRENGTH.leadSourceDetail, reason: { kind: 'leadSource', rule, signal } };
    }
    const plain = rules.find((rule) => !rule.detail);
    if (plain)
      return {
        brief,
        strength: STRENGTH.leadSource,
        reason: { kind: 'leadSource', rule: plain.value, signal: signals.leadSource! },
      };
  }
  const texts = [signals.campaignName, signals.sourceDetail, signals.utmCampaign, signals.leadSource].filter(
    Boolean,
  ) as string[];
  for (const keyword of brief.match.keywords) {
    const signal = texts.find((text) => wordsContain(normalise(text), normalise(keyword)));
    if (signal)
      return { brief, strength: STRENGTH.keyword, reason: { kind: 'keyword', rule: keyword, signal } };
  }
  return null;
}

function rank(a: Candidate, b: Candidate): number {
  return (
    a.strength - b.strength ||
    STATUS_ORDER[a.brief.status] - STATUS_ORDER[b.brief.status] ||
    PRIORITY_ORDER[a.brief.priority] - PRIORITY_ORDER[b.brief.priority] ||
    b.brief.updatedAt.localeCompare(a.brief.updatedAt) ||
    a.brief.id.localeCompare(b.brief.id)
  );
}

/**
 * The campaign a lead came from, or null. Deterministic and explained: the rep's own pick for this
 * record wins; otherwise the strongest rule that matches (CRM campaign id, utm_campaign, lead source
 * with detail, lead source, keyword), ties going to active, then higher-priority, then newer briefs.
 */
export function matchCampaign(
  briefs: readonly Brief[],
  signals: Signals,
  pickedId?: string | null,
): Match | null {
  const picked = pickedId ? briefs.find((brief) => brief.id === pickedId) : undefined;
  if (picked) return { brief: picked, reason: { kind: 'pick' } };
  const candidates = briefs
    .filter((brief) => brief.status !== 'draft')
    .map((brief) => bestRuleOf(brief, signals))
    .filter((candidate): candidate is Candidate => candidate !== null)
    .sort(rank);
  const best = candidates[0];
  return best ? { brief: best.brief, reason: best.reason } : null;
}
