export { type Match, type MatchReason, matchCampaign } from './match';
export { normalise, normaliseCampaignId } from './normalise';
