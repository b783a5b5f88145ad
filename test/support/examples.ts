import type { OutboxStatus } from '../../lib/messages';
import type { Brief, BriefInput, FeedbackItem } from '../../lib/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/settings';
import { checkCustomSite } from '../../lib/settings/custom-site';

/** Valid protocol examples for tests; each call returns a fresh object to change at will. */

export function feedbackItem(overrides: Partial<FeedbackItem> = {}): FeedbackItem {
  return {
    id: '7d8e2f4a-1b3c-4d5e-8f90-a1b2c3d4e5f6',
    campaignId: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
    lead: {
      crm: 'salesforce',
      objectType: 'lead',
      recordId: '00Q5g00000A1b2cEAB',
      url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
    },
    signals: { leadSource: 'Trade Show', campaignName: 'Hannover Messe 2026', utmCampaign: 'hm26' },
    verdict: 'good_fit',
    region: 'DACH',
    note: 'Budget approved, wants a demo in May.',
    createdAt: '2026-11-22T09:15:00.000Z',
    ...overrides,
  };
}

export function briefInput(overrides: Partial<BriefInput> = {}): BriefInput {
  return {
    name: 'Hannover Messe 2026',
    status: 'active',
    channel: 'Trade show',
    objective: 'Meet plant managers planning a line retrofit in 2027.',
    audience: 'Plant and maintenance managers at mid-size discrete manufacturers.',
    notFor: 'Students, competitors, and distributors looking for margin.',
    keyMessage: 'Retrofit without stopping the line.',
    offer: 'Free site assessment booked at the booth.',
    talkingPoints: ['Zero-downtime install', 'Payback under 14 months'],
    questionsForSales: ['Did they mention a 2027 budget?'],
    priority: 'high',
    regions: ['DACH', 'Nordics'],
    owner: 'Mara Jensen',
    startsOn: '2026-04-20',
    endsOn: '2026-06-30',
    economics: {
      currency: 'EUR',
      budget: 120_000,
      spendToDate: 84_000,
      avgDealValue: 25_000,
      grossMarginPct: 40,
      breakEvenDeals: null,
    },
    match: {
      campaignIds: ['7015g000000XyZaAAK'],
      utmCampaigns: ['hm26'],
      leadSources: [{ value: 'Trade Show', detail: 'Hannover Messe' }],
      keywords: ['hannover'],
    },
    ...overrides,
  };
}

export function brief(overrides: Partial<Brief> = {}): Brief {
  const input = briefInput();
  return {
    id: '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
    ...input,
    economics: { ...input.economics, breakEvenDeals: 12, breakEvenDerived: true },
    updatedAt: '2026-11-20T08:00:00.000Z',
    stats: {
      leads: 31,
      verdicts: {
        good_fit: 12,
        wrong_audience: 5,
        tire_kicker: 4,
        not_ready: 3,
        bad_contact: 1,
        spam: 0,
        won: 5,
        lost: 1,
      },
      won: 5,
      byRegion: [],
      topSellers: null,
      asOf: '2026-11-22T09:00:00.000Z',
    },
    ...overrides,
  };
}

/**
 * Settings with one custom site as Options saves it (checked): a servlet CRM whose record id is the
 * `lid` query parameter, unless `change` says otherwise.
 */
export function withCustomSite(change: Record<string, unknown> = {}): Settings {
  const checked = checkCustomSite(
    {
      label: 'Acme CRM',
      match: 'https://crm.acme-internal.test/*',
      recordPattern: '/servlet\\?lid=(?<id>\\d+)',
      recordQuery: 'lid',
      objectType: 'lead',
      fields: {},
      ...change,
    },
    'site-1',
  );
  if (!checked.ok) throw new Error(`the site was refused: ${JSON.stringify(checked.problems)}`);
  return { ...DEFAULT_SETTINGS, customSites: [checked.site] };
}

/** A linked outbox with nothing in it, as the popup and the badge are told. */
export function outboxStatus(overrides: Partial<OutboxStatus> = {}): OutboxStatus {
  return {
    linked: true,
    held: 0,
    pending: 0,
    dead: [],
    otherWorkspace: 0,
    otherReps: [],
    lastSyncAt: null,
    lastError: null,
    paused: false,
    retryAt: null,
    newReplies: [],
    ...overrides,
  };
}

/** A one-click verdict as the panel view sends it to the background (lib/messages.ts, VerdictMessage). */
export const VERDICT_MESSAGE = {
  type: 'verdict',
  id: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  lead: { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB', signals: {} },
  campaignId: null,
  verdict: 'good_fit',
} as const;
