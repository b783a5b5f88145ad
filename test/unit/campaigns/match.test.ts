import { describe, expect, it } from 'vitest';
import { matchCampaign, normalise } from '../../../lib/campaigns';
import type { Brief } from '../../../lib/protocol';
import { brief } from '../../support/examples';

const rules = (match: Partial<Brief['match']>): Brief['match'] => ({
  campaignIds: [],
  utmCampaigns: [],
  leadSources: [],
  keywords: [],
  ...match,
});

const hannover = brief({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Hannover',
  match: rules({
    campaignIds: ['7015g000000XyZa'],
    utmCampaigns: ['hm26'],
    leadSources: [{ value: 'Trade Show', detail: 'Hannover Messe' }],
    keywords: ['hannover'],
  }),
});
const search = brief({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'Search',
  match: rules({ utmCampaigns: ['retrofit-q4'], leadSources: [{ value: 'Paid Search' }] }),
});
const shows = brief({
  id: '00000000-0000-4000-8000-000000000003',
  name: 'All trade shows',
  match: rules({ leadSources: [{ value: 'Trade Show' }] }),
});
const BRIEFS = [hannover, search, shows];

describe('normalising signal values', () => {
  it.each([
    ['Trade%20Show', 'trade show'],
    [' trade+show ', 'trade show'],
    ['TRADE   SHOW', 'trade show'],
    ['utm_campaign=HM26', 'hm26'],
    ['100%', '100%'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalise(input)).toBe(expected);
  });
});

describe('matching a lead to its campaign', () => {
  it('prefers the CRM campaign id, comparing Salesforce ids in their 18-character form', () => {
    const match = matchCampaign(BRIEFS, { campaignId: '7015g000000XyZaAAK', leadSource: 'Paid Search' });
    expect(match?.brief.name).toBe('Hannover');
    expect(match?.reason).toEqual({
      kind: 'campaignId',
      rule: '7015g000000XyZa',
      signal: '7015g000000XyZaAAK',
    });
  });

  it('then utm_campaign, whatever its case or encoding', () => {
    const match = matchCampaign(BRIEFS, { utmCampaign: 'Retrofit-Q4', leadSource: 'Trade Show' });
    expect(match?.brief.name).toBe('Search');
    expect(match?.reason.kind).toBe('utmCampaign');
  });

  it('then a lead source with its detail over the same lead source alone', () => {
    expect(
      matchCampaign(BRIEFS, { leadSource: 'trade show', sourceDetail: 'Hannover%20Messe' })?.brief.name,
    ).toBe('Hannover');
    expect(
      matchCampaign(BRIEFS, { leadSource: 'Trade+Show', sourceDetail: 'SPS Nuremberg' })?.brief.name,
    ).toBe('All trade shows');
  });

  it('then a keyword, as a whole word in the campaign name or detail', () => {
    const match = matchCampaign(BRIEFS, { campaignName: 'Follow-up: Hannover 2026 booth' });
    expect(match?.reason).toEqual({
      kind: 'keyword',
      rule: 'hannover',
      signal: 'Follow-up: Hannover 2026 booth',
    });
    expect(matchCampaign(BRIEFS, { campaignName: 'Hannoverian horses' })).toBeNull();
  });

  it("says no match when nothing fits, and the rep's pick wins once made", () => {
    expect(matchCampaign(BRIEFS, { leadSource: 'Web' })).toBeNull();
    expect(matchCampaign(BRIEFS, {})).toBeNull();
    expect(matchCampaign(BRIEFS, { leadSource: 'Web' }, search.id)).toEqual({
      brief: search,
      reason: { kind: 'pick' },
    });
    expect(matchCampaign(BRIEFS, { leadSource: 'Web' }, 'a-brief-that-is-gone')).toBeNull();
  });

  it('breaks ties deterministically: active over paused, then priority, then the newer brief', () => {
    const paused = brief({
      id: '00000000-0000-4000-8000-00000000000a',
      status: 'paused',
      match: rules({ utmCampaigns: ['x'] }),
    });
    const active = brief({
      id: '00000000-0000-4000-8000-00000000000b',
      status: 'active',
      priority: 'low',
      match: rules({ utmCampaigns: ['x'] }),
    });
    const high = brief({
      id: '00000000-0000-4000-8000-00000000000c',
      status: 'active',
      priority: 'high',
      match: rules({ utmCampaigns: ['x'] }),
    });
    expect(matchCampaign([paused, active], { utmCampaign: 'x' })?.brief.id).toBe(active.id);
    expect(matchCampaign([paused, active, high], { utmCampaign: 'x' })?.brief.id).toBe(high.id);
    expect(matchCampaign([high, active, paused].reverse(), { utmCampaign: 'x' })?.brief.id).toBe(high.id);
  });

  it('never matches a draft', () => {
    const draft = brief({ status: 'draft', match: rules({ utmCampaigns: ['x'] }) });
    expect(matchCampaign([draft], { utmCampaign: 'x' })).toBeNull();
  });

  it('treats regular-expression characters in keywords as text', () => {
    const odd = brief({ match: rules({ keywords: ['c++ (beta)'] }) });
    expect(matchCampaign([odd], { campaignName: 'Webinar: C++ (beta) tooling' })?.reason.kind).toBe(
      'keyword',
    );
  });
});
