import { randomUUID } from 'node:crypto';
import {
  type BriefInput,
  type Crm,
  type FeedbackItem,
  type Member,
  VERDICTS,
  type Verdict,
} from '../lib/protocol';
import type { Database } from './db/database';
import { createBrief } from './domain/briefs';
import { addReply } from './domain/feed';
import { ingest, prepareBatch } from './domain/ingest';
import { createMember, loadWorkspace, memberNamed } from './domain/workspace';

export const DEMO_REGIONS = ['DACH', 'Nordics', 'UK & Ireland', 'Iberia', 'North America'];

/** A small deterministic generator, so every demo workspace tells the same story. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const weighted = <T>(entries: ReadonlyArray<readonly [T, number]>): T => {
    let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries.at(-1)![0];
  };
  return { next, pick, weighted };
}

const economics = (budget: number, spend: number, deal: number, margin: number) => ({
  currency: 'EUR',
  budget,
  spendToDate: spend,
  avgDealValue: deal,
  grossMarginPct: margin,
  breakEvenDeals: null,
});

export const DEMO_BRIEFS: BriefInput[] = [
  {
    name: 'Hannover Messe 2026',
    status: 'active',
    channel: 'Trade show',
    objective: 'Meet plant managers planning a line retrofit in 2027 and book site assessments.',
    audience: 'Plant and maintenance managers at mid-size discrete manufacturers (200–2,000 staff).',
    notFor: 'Students, competitors, and distributors looking for margin.',
    keyMessage: 'Retrofit without stopping the line.',
    offer: 'A free on-site assessment booked at the booth.',
    talkingPoints: [
      'Zero-downtime install over a weekend',
      'Payback under 14 months',
      'Works with Siemens and Rockwell PLCs',
    ],
    questionsForSales: ['Did they mention a 2027 budget?', 'Who signs off on capex?'],
    priority: 'high',
    regions: ['DACH', 'Nordics'],
    owner: 'Mara Jensen',
    startsOn: '2026-04-20',
    endsOn: '2026-12-31',
    economics: economics(120_000, 84_000, 25_000, 40),
    match: {
      campaignIds: ['7015g000000XyZaAAK'],
      utmCampaigns: ['hm26'],
      leadSources: [{ value: 'Trade Show', detail: 'Hannover Messe' }],
      keywords: ['hannover'],
    },
  },
  {
    name: 'Retrofit search — Q4',
    status: 'active',
    channel: 'Paid search',
    objective: 'Capture engineers searching for retrofit and predictive-maintenance vendors.',
    audience: 'Maintenance engineers and reliability leads researching vendors.',
    notFor: 'Job seekers searching for "maintenance engineer" roles.',
    keyMessage: 'See failures coming two weeks early.',
    offer: '30-day sensor pilot on one line.',
    talkingPoints: ['Pilot installs in a day', 'No cloud lock-in'],
    questionsForSales: ['Which search terms did they use, if they say?'],
    priority: 'normal',
    regions: ['DACH', 'UK & Ireland', 'North America'],
    owner: 'Tom Okafor',
    startsOn: '2026-10-01',
    endsOn: '2026-12-31',
    economics: economics(45_000, 31_500, 18_000, 45),
    match: {
      campaignIds: [],
      utmCampaigns: ['retrofit-q4', 'pdm-q4'],
      leadSources: [{ value: 'Paid Search' }],
      keywords: [],
    },
  },
  {
    name: 'Radio — "Quiet Factory"',
    status: 'active',
    channel: 'Radio',
    objective: 'Build awareness with owners of family-run manufacturers in Iberia.',
    audience: 'Owners and managing directors of family-run manufacturers.',
    notFor: 'Consumers calling about home appliances.',
    keyMessage: 'A quieter, safer factory floor.',
    offer: 'Call for a free noise and safety audit.',
    talkingPoints: ['Noise reduction up to 12 dB', 'Grants cover up to 30 %'],
    questionsForSales: ['Did they hear the spot, and on which station?'],
    priority: 'low',
    regions: ['Iberia'],
    owner: 'Lucía Romero',
    startsOn: '2026-09-01',
    endsOn: '2026-11-30',
    economics: economics(30_000, 30_000, 12_000, 35),
    match: {
      campaignIds: [],
      utmCampaigns: [],
      leadSources: [{ value: 'Radio' }],
      keywords: ['quiet factory'],
    },
  },
  {
    name: 'Direct mail — CFO pack',
    status: 'paused',
    channel: 'Direct mail',
    objective: 'Reach finance leaders with the total-cost-of-ownership case.',
    audience: 'CFOs and finance directors at manufacturers with 500+ staff.',
    notFor: 'Procurement teams running a tender (route to the tender desk).',
    keyMessage: 'Maintenance is a balance-sheet decision.',
    offer: 'A personalised TCO model for their plant.',
    talkingPoints: ['Lease or buy', 'Depreciation over five years'],
    questionsForSales: ['Did the pack reach the right person?'],
    priority: 'normal',
    regions: ['UK & Ireland', 'North America'],
    owner: 'Tom Okafor',
    startsOn: '2026-06-01',
    endsOn: null,
    economics: economics(60_000, 22_000, 40_000, 40),
    match: {
      campaignIds: [],
      utmCampaigns: ['cfo-pack'],
      leadSources: [{ value: 'Direct Mail' }],
      keywords: [],
    },
  },
  {
    name: 'Spring webinar series',
    status: 'ended',
    channel: 'Webinar',
    objective: 'Educate reliability engineers; hand warm leads to sales.',
    audience: 'Reliability and maintenance engineers.',
    notFor: 'Vendors and consultants attending to recruit.',
    keyMessage: 'From reactive to predictive in three steps.',
    offer: 'Recording plus a 30-minute consult.',
    talkingPoints: ['Three-step maturity model'],
    questionsForSales: ['Which session did they attend?'],
    priority: 'low',
    regions: ['Nordics', 'DACH'],
    owner: 'Mara Jensen',
    startsOn: '2026-03-01',
    endsOn: '2026-05-31',
    economics: economics(8_000, 8_000, 15_000, 45),
    match: {
      campaignIds: [],
      utmCampaigns: ['spring-webinars'],
      leadSources: [{ value: 'Webinar' }],
      keywords: [],
    },
  },
  {
    name: 'LinkedIn — plant managers 2027',
    status: 'draft',
    channel: 'Paid social',
    objective: 'Test messaging for the 2027 budget season.',
    audience: 'Plant managers in North America.',
    notFor: '',
    keyMessage: 'Budget for uptime, not repairs.',
    offer: 'Benchmark report.',
    talkingPoints: [],
    questionsForSales: [],
    priority: 'normal',
    regions: ['North America'],
    owner: 'Tom Okafor',
    startsOn: null,
    endsOn: null,
    economics: economics(20_000, 0, 25_000, 40),
    match: { campaignIds: [], utmCampaigns: ['li-pm-2027'], leadSources: [], keywords: [] },
  },
];

const REPS = [
  ['Ana Ruiz', 'Iberia'],
  ['Jonas Weber', 'DACH'],
  ['Sofia Lindqvist', 'Nordics'],
  ['Liam Byrne', 'UK & Ireland'],
  ['Maya Patel', 'North America'],
  ['Kai Schmidt', 'DACH'],
] as const;

/** How each campaign's verdicts tend to fall: the story the demo dashboard tells. */
const MIX: Record<string, ReadonlyArray<readonly [Verdict, number]>> = {
  'Trade show': [
    ['good_fit', 30],
    ['won', 12],
    ['not_ready', 15],
    ['tire_kicker', 8],
    ['wrong_audience', 10],
    ['lost', 6],
    ['bad_contact', 5],
  ],
  'Paid search': [
    ['good_fit', 20],
    ['tire_kicker', 25],
    ['wrong_audience', 15],
    ['spam', 8],
    ['won', 6],
    ['not_ready', 10],
    ['lost', 5],
  ],
  Radio: [
    ['wrong_audience', 35],
    ['tire_kicker', 20],
    ['good_fit', 10],
    ['bad_contact', 10],
    ['won', 2],
    ['spam', 5],
  ],
  'Direct mail': [
    ['good_fit', 15],
    ['not_ready', 25],
    ['bad_contact', 20],
    ['won', 5],
    ['lost', 5],
  ],
  Webinar: [
    ['good_fit', 25],
    ['not_ready', 30],
    ['won', 8],
    ['lost', 6],
    ['tire_kicker', 6],
  ],
};

const CRMS: ReadonlyArray<readonly [Crm, number]> = [
  ['salesforce', 5],
  ['hubspot', 3],
  ['pipedrive', 1],
  ['dynamics', 1],
  ['zoho', 1],
];
const NOTES = [
  'Wants pricing before a demo.',
  'Budget approved for 2027, asked for references.',
  'Student doing a thesis.',
  'Already a customer of a competitor; contract ends in March.',
  'Phone number bounced; e-mail works.',
  'Asked only about the free audit.',
  'Strong fit: three lines, one failing weekly.',
];
const REPLIES = [
  'Thanks — we will tighten the targeting on this one.',
  'Useful. Can you tell us which station they heard it on?',
  'Good catch, we are excluding students from the audience.',
  'Great result, sharing this with the events team.',
];

function recordId(crm: Crm, n: number): string {
  switch (crm) {
    case 'salesforce':
      return `00Q5g0000${String(100000 + n).padStart(6, '0')}`;
    case 'hubspot':
    case 'pipedrive':
    case 'zoho':
      return String(51_000_000 + n * 37);
    default:
      return randomUUID();
  }
}

/** Fills an empty workspace with a demo team, briefs across channels, a few hundred verdicts and replies. */
export async function seedDemo(db: Database): Promise<string> {
  const rng = random(2026);
  const summary = await db.transaction(async (tx) => {
    // Two seeds at once on one PostgreSQL (two CLI calls, two starts) take turns on the workspace row,
    // so the second sees the first's briefs instead of seeding beside it.
    await tx.query('SELECT 1 FROM workspace FOR UPDATE');
    // Empty: no campaign, and no verdict either. A team whose reps send verdicts before its marketers
    // write a brief (all unmatched) got 320 made-up ones mixed into its own, for good (feedback is never
    // deleted), some on demo record ids that could be its real ones.
    const [used] = await tx.query<{ briefs: boolean; feedback: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM briefs) AS briefs, EXISTS (SELECT 1 FROM feedback) AS feedback',
    );
    if (used?.briefs) return 'campaigns';
    if (used?.feedback) return 'feedback';
    await tx.query("UPDATE workspace SET regions = $1 WHERE regions = '[]'::jsonb", [
      JSON.stringify(DEMO_REGIONS),
    ]);
    // Names are unique among current members: one the team has already (invited before the seed) is
    // that member, whatever their role.
    const member = async (name: string, role: 'marketer' | 'rep', region?: string) =>
      (await memberNamed(tx, name)) ?? (await createMember(tx, { name, role, region })).member;
    const marketers: Member[] = [];
    for (const name of ['Mara Jensen', 'Tom Okafor']) marketers.push(await member(name, 'marketer'));
    const reps: Member[] = [];
    for (const [name, region] of REPS) reps.push(await member(name, 'rep', region));
    const briefs: Array<{ id: string; brief: BriefInput }> = [];
    for (const brief of DEMO_BRIEFS) briefs.push({ id: await createBrief(tx, brief), brief });
    const live = briefs.filter(({ brief }) => brief.status !== 'draft');

    let items = 0;
    const byRep = new Map<Member, FeedbackItem[]>();
    for (let n = 0; n < 320; n++) {
      const rep = rng.pick(reps);
      const unmatched = rng.next() < 0.08;
      const target = rng.pick(live);
      const crm = rng.weighted(CRMS);
      const day = Math.floor(rng.next() * 150);
      const item: FeedbackItem = {
        id: randomUUID(),
        campaignId: unmatched ? null : target.id,
        lead: { crm, objectType: rng.next() < 0.8 ? 'lead' : 'deal', recordId: recordId(crm, n) },
        signals: unmatched
          ? { leadSource: rng.pick(['Other', 'Partner Referral', 'Web']) }
          : {
              leadSource: target.brief.match.leadSources[0]?.value ?? 'Web',
              ...(target.brief.match.utmCampaigns[0]
                ? { utmCampaign: target.brief.match.utmCampaigns[0] }
                : {}),
            },
        verdict: unmatched
          ? rng.pick(VERDICTS)
          : rng.weighted(MIX[target.brief.channel] ?? [['good_fit', 1]]),
        region: rep.region ?? DEMO_REGIONS[0]!,
        ...(rng.next() < 0.35 ? { note: rng.pick(NOTES) } : {}),
        createdAt: new Date(
          Date.UTC(2026, 6, 1) + day * 86_400_000 + Math.floor(rng.next() * 36_000_000),
        ).toISOString(),
      };
      byRep.set(rep, [...(byRep.get(rep) ?? []), item]);
      items++;
    }
    const stored: string[] = [];
    for (const [rep, repItems] of byRep) {
      for (let i = 0; i < repItems.length; i += 100) {
        const results = await ingest(tx, rep, prepareBatch(repItems.slice(i, i + 100)));
        stored.push(...results.filter((r) => r.status === 'created').map((r) => r.id!));
      }
    }
    let replies = 0;
    for (const id of stored) {
      if (rng.next() < 0.1) {
        await addReply(tx, rng.pick(marketers), id, rng.pick(REPLIES));
        replies++;
      }
    }
    return `Seeded ${marketers.length} marketers, ${reps.length} reps, ${briefs.length} briefs, ${items} verdicts and ${replies} replies.`;
  });
  if (summary === 'campaigns')
    return 'This workspace already has campaigns; seed-demo only fills an empty workspace.';
  if (summary === 'feedback')
    return "This workspace already has its reps' verdicts; seed-demo only fills an empty workspace.";
  await loadWorkspace(db);
  return summary;
}
