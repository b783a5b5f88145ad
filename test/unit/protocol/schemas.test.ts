import { describe, expect, it } from 'vitest';
import { deriveBreakEvenDeals, LIMITS, readCampaigns, requests, responses } from '../../../lib/protocol';
import { brief, briefInput, feedbackItem } from '../../support/examples';

const MEGABYTE = 'x'.repeat(1_048_576);

describe('feedback items (requests: strict)', () => {
  it('accepts a valid item and trims its text', () => {
    const parsed = requests.FeedbackItem.parse(feedbackItem({ note: '  call back Tuesday  ' }));
    expect(parsed.note).toBe('call back Tuesday');
  });

  it('accepts an item matched to no campaign, with no note and no region', () => {
    const { note: _note, region: _region, ...bare } = feedbackItem({ campaignId: null });
    expect(requests.FeedbackItem.safeParse(bare).success).toBe(true);
  });

  it.each([
    ['a megabyte note', { note: MEGABYTE }],
    ['a megabyte signal', { signals: { leadSource: MEGABYTE } }],
    ['a verdict outside the list', { verdict: 'maybe' }],
    ['an id that is not a UUID', { id: 'not-a-uuid' }],
    ['a numeric id', { id: 42 }],
    ['a date without offset', { createdAt: '2026-11-22 09:15' }],
    ['a record id with spaces', { lead: { crm: 'salesforce', objectType: 'lead', recordId: '00Q 5g' } }],
    ['a javascript: record URL', { lead: { ...feedbackItem().lead, url: 'javascript:alert(1)' } }],
    ['a CRM outside the list', { lead: { ...feedbackItem().lead, crm: 'sugarcrm' } }],
    ['a NUL in the note', { note: 'a\u0000b' }],
    ['a lone surrogate in the note', { note: 'broken \ud800 text' }],
    ['an empty region', { region: '   ' }],
  ])('refuses %s', (_name, change) => {
    expect(requests.FeedbackItem.safeParse({ ...feedbackItem(), ...change }).success).toBe(false);
  });

  it('refuses unknown keys at every depth', () => {
    expect(requests.FeedbackItem.safeParse({ ...feedbackItem(), leadName: 'Jane Doe' }).success).toBe(false);
    const item = feedbackItem();
    const nested = { ...item, signals: { ...item.signals, email: 'jane@example.com' } };
    expect(requests.FeedbackItem.safeParse(nested).success).toBe(false);
  });

  it('refuses a __proto__ key and pollutes nothing', () => {
    const hostile = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(feedbackItem()).slice(1)}`);
    expect(requests.FeedbackItem.safeParse(hostile).success).toBe(false);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('keeps unicode that is text: emoji, right-to-left, combining marks, full-width', () => {
    const note = 'Bien 👍🏽 — مرحبا — e\u0301 — ＡＢＣ';
    expect(requests.FeedbackItem.parse(feedbackItem({ note })).note).toBe(note);
  });

  it('bounds a note in UTF-16 units: exactly the limit passes, one more fails', () => {
    expect(requests.FeedbackItem.safeParse(feedbackItem({ note: 'a'.repeat(LIMITS.note) })).success).toBe(
      true,
    );
    expect(requests.FeedbackItem.safeParse(feedbackItem({ note: 'a'.repeat(LIMITS.note + 1) })).success).toBe(
      false,
    );
  });
});

describe('feedback batches', () => {
  it('takes 1 to 100 items and leaves each to be checked on its own', () => {
    expect(requests.FeedbackBatchRequest.safeParse({ items: [feedbackItem(), 'garbage'] }).success).toBe(
      true,
    );
    expect(requests.FeedbackBatchRequest.safeParse({ items: [] }).success).toBe(false);
    const tooMany = Array.from({ length: LIMITS.batch + 1 }, () => feedbackItem());
    expect(requests.FeedbackBatchRequest.safeParse({ items: tooMany }).success).toBe(false);
    expect(requests.FeedbackBatchRequest.safeParse({ items: [feedbackItem()], extra: 1 }).success).toBe(
      false,
    );
  });

  it('reads per-item results in order', () => {
    const answer = {
      results: [
        { id: feedbackItem().id, status: 'created' },
        { id: null, status: 'invalid', error: 'verdict: Invalid option' },
      ],
    };
    expect(responses.FeedbackBatchResponse.parse(answer).results.map((r) => r.status)).toEqual([
      'created',
      'invalid',
    ]);
  });
});

describe('briefs', () => {
  it('accepts a valid brief input', () => {
    expect(requests.BriefInput.safeParse(briefInput()).success).toBe(true);
  });

  it('refuses an end date before the start date, naming the field', () => {
    const result = requests.BriefInput.safeParse(
      briefInput({ startsOn: '2026-06-01', endsOn: '2026-05-01' }),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['endsOn']);
  });

  it.each([
    ['a negative budget', { economics: { ...briefInput().economics, budget: -1 } }],
    ['a margin over 100 %', { economics: { ...briefInput().economics, grossMarginPct: 140 } }],
    [
      'a currency that is not ISO 4217-shaped',
      { economics: { ...briefInput().economics, currency: 'euro' } },
    ],
    [
      'an infinite deal value',
      { economics: { ...briefInput().economics, avgDealValue: Number.POSITIVE_INFINITY } },
    ],
    ['a priority outside the list', { priority: 'urgent' }],
    ['21 talking points', { talkingPoints: Array.from({ length: 21 }, (_, i) => `point ${i}`) }],
    ['an empty name', { name: ' ' }],
    ['a name as a number', { name: 7 }],
  ])('refuses %s', (_name, change) => {
    expect(requests.BriefInput.safeParse({ ...briefInput(), ...change }).success).toBe(false);
  });

  it('says the dates are out of order beside the brief’s other problems, in words', () => {
    const result = requests.BriefInput.safeParse({
      ...briefInput({ startsOn: '2026-06-01', endsOn: '2026-05-01', name: ' ' }),
      economics: { ...briefInput().economics, breakEvenDeals: -1, budget: 2e12 },
    });
    const said = Object.fromEntries(
      (result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]),
    );
    expect(said).toMatchObject({
      endsOn: 'the end date is before the start date',
      'economics.breakEvenDeals': 'must not be negative',
      'economics.budget': 'must be at most 1,000,000,000,000',
    });
    expect(Object.keys(said)).toContain('name');
    const fraction = { ...briefInput().economics, breakEvenDeals: 2.5 };
    expect(
      requests.BriefInput.safeParse({ ...briefInput(), economics: fraction }).error?.issues[0]?.message,
    ).toBe('must be a whole number');
  });

  it('refuses economics whose derived break-even is more sales than a brief can hold, unless it is entered', () => {
    const huge = { ...briefInput().economics, budget: 1e9, avgDealValue: 1, grossMarginPct: 1 };
    const refused = requests.BriefInput.safeParse({ ...briefInput(), economics: huge });
    expect(refused.error?.issues[0]?.path).toEqual(['economics', 'breakEvenDeals']);
    expect(refused.error?.issues[0]?.message).toMatch(/more than 1,000,000 sales to break even/);
    expect(requests.BriefPatch.safeParse({ economics: huge }).success).toBe(false);
    const entered = { ...huge, breakEvenDeals: LIMITS.breakEvenDeals };
    expect(requests.BriefInput.safeParse({ ...briefInput(), economics: entered }).success).toBe(true);
    // At the bound itself it is taken: 1,000,000 sales of 1 at 100 % for a budget of 1,000,000.
    const atBound = { ...huge, budget: 1e6, grossMarginPct: 100 };
    expect(requests.BriefInput.safeParse({ ...briefInput(), economics: atBound }).success).toBe(true);
  });

  it('lets a patch change one field and still checks it', () => {
    expect(requests.BriefPatch.safeParse({ priority: 'low' }).success).toBe(true);
    expect(requests.BriefPatch.safeParse({ priority: 'urgent' }).success).toBe(false);
    expect(requests.BriefPatch.safeParse({ id: 'x' }).success).toBe(false);
  });
});

describe('reading the campaigns list (responses: tolerant)', () => {
  it('drops unknown keys at every depth instead of failing', () => {
    const fromNewerServer = { ...brief(), color: 'teal', stats: { ...brief().stats, trend: [1, 2] } };
    const read = readCampaigns({ campaigns: [fromNewerServer], serverVersion: 3 });
    expect(read.ok && read.items[0]).toEqual(brief());
  });

  it('skips one malformed brief, reports it by id and index, and keeps the rest', () => {
    const bad = { ...brief({ id: '11111111-2222-4333-8444-555555555555' }), priority: 'urgent' };
    const read = readCampaigns({ campaigns: [brief(), bad, brief({ name: 'Spring webinar' })] });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.items.map((b) => b.name)).toEqual(['Hannover Messe 2026', 'Spring webinar']);
    expect(read.rejected).toEqual([
      {
        index: 1,
        id: '11111111-2222-4333-8444-555555555555',
        problems: [expect.stringContaining('priority')],
      },
    ]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'campaigns'],
    ['a list under the wrong key', { briefs: [] }],
    ['campaigns as an object', { campaigns: { 0: brief() } }],
  ])('fails clearly on an envelope that is %s', (_name, json) => {
    const read = readCampaigns(json);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem).toMatch(/answer/);
  });

  it('reads a __proto__ key in a brief as data, without polluting anything', () => {
    const hostile = JSON.parse(
      `{"campaigns":[{"__proto__":{"polluted":true},${JSON.stringify(brief()).slice(1)}]}`,
    );
    const read = readCampaigns(hostile);
    expect(read.ok && read.items.length).toBe(1);
    expect(read.ok && Object.getPrototypeOf(read.items[0])).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('survives a brief with a megabyte string and wrong types, reporting instead of throwing', () => {
    const read = readCampaigns({
      campaigns: [{ ...brief(), objective: MEGABYTE }, { ...brief(), stats: 'none' }, 42],
    });
    expect(read.ok && read.items).toEqual([]);
    expect(read.ok && read.rejected.map((r) => r.index)).toEqual([0, 1, 2]);
  });
});

describe('me, link and errors', () => {
  it('reads /me and refuses a role outside the list', () => {
    const me = {
      member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana Ruiz', role: 'rep', region: 'Iberia' },
      workspace: {
        id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
        name: 'Acme Robotics',
        regions: ['Iberia', 'DACH'],
      },
    };
    expect(responses.Me.parse(me).member.name).toBe('Ana Ruiz');
    expect(responses.Me.safeParse({ ...me, member: { ...me.member, role: 'owner' } }).success).toBe(false);
  });

  it('refuses a link request with no code or extra keys', () => {
    expect(requests.LinkRequest.safeParse({ code: 'K7P2-9QX4' }).success).toBe(true);
    expect(requests.LinkRequest.safeParse({ code: '' }).success).toBe(false);
    expect(requests.LinkRequest.safeParse({ code: 'K7P2', token: 'x' }).success).toBe(false);
  });

  it('reads the error envelope', () => {
    const envelope = { error: { code: 'bad_input', message: 'verdict is not one of the list', issues: [] } };
    expect(responses.ErrorEnvelope.parse(envelope).error.code).toBe('bad_input');
    expect(responses.ErrorEnvelope.safeParse({ message: 'oops' }).success).toBe(false);
  });
});

describe('break-even', () => {
  it('is budget over the margin one sale brings, rounded up', () => {
    expect(deriveBreakEvenDeals({ budget: 120_000, avgDealValue: 25_000, grossMarginPct: 40 })).toBe(12);
    expect(deriveBreakEvenDeals({ budget: 100_000, avgDealValue: 25_000, grossMarginPct: 40 })).toBe(10);
    expect(deriveBreakEvenDeals({ budget: 100_001, avgDealValue: 25_000, grossMarginPct: 40 })).toBe(11);
  });

  it('cannot be said without a deal value or a margin', () => {
    expect(deriveBreakEvenDeals({ budget: 1_000, avgDealValue: 0, grossMarginPct: 40 })).toBeNull();
    expect(deriveBreakEvenDeals({ budget: 1_000, avgDealValue: 500, grossMarginPct: 0 })).toBeNull();
  });
});
