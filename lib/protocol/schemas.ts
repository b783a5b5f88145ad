import { z } from 'zod';
import { deriveBreakEvenDeals } from './economics';
import { BriefStatus, Crm, ObjectType, Priority, ResultStatus, Role, Verdict } from './enums';
import { LIMITS } from './limits';
import { id, isoDate, isoDateTime, requiredText, text } from './text';

const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);
const money = z
  .number({ error: 'must be a number' })
  .finite()
  .min(0, 'must not be negative')
  .max(LIMITS.money, `must be at most ${LIMITS.money.toLocaleString('en')}`);
const count = z.int({ error: 'must be a whole number' }).min(0, 'must not be negative');

/** CRM record and campaign ids: letters, digits and the few separators CRMs use (Close `lead_…`). */
const crmId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be a CRM id');

/**
 * A custom site's host, as its pages' addresses give it (lowercase, punycode, a port where it is not
 * HTTPS's own): its record ids are its own, and the lead counts by both (lib/campaigns/lead-key.ts).
 */
const siteHost = z
  .string()
  .max(LIMITS.site)
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/,
    'must be a host name, as in an address (crm.example.com)',
  );

const recordUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) address' })
  .max(LIMITS.url)
  .refine((value) => value.isWellFormed(), 'must be readable text');

/**
 * Every object of protocol v1, built with one object constructor: `z.strictObject` for what the
 * workspace accepts (unknown keys refused, at every depth) and `z.object` for what the extension reads
 * (unknown keys dropped, at every depth). One description, two strictnesses, one inferred type.
 */
function defineProtocol(object: typeof z.object) {
  const Signals = object({
    leadSource: text(LIMITS.short).optional(),
    sourceDetail: text(LIMITS.short).optional(),
    campaignId: text(LIMITS.short).optional(),
    campaignName: text(LIMITS.short).optional(),
    utmSource: text(LIMITS.short).optional(),
    utmMedium: text(LIMITS.short).optional(),
    utmCampaign: text(LIMITS.short).optional(),
    region: text(LIMITS.name).optional(),
  });

  const Lead = object({
    crm: Crm,
    objectType: ObjectType,
    recordId: crmId,
    url: recordUrl.optional(),
    /** A custom site's host (older extensions send none): a built-in CRM's records are its own. */
    site: siteHost.optional(),
  }).refine((lead) => lead.site === undefined || lead.crm === 'custom', {
    message: 'only a custom site’s record names its site',
    path: ['site'],
  });

  /** A rep's answer to one of the brief's questionsForSales, with the question as the rep saw it. */
  const Answer = object({ question: requiredText(LIMITS.short), answer: requiredText(LIMITS.short) });

  const FeedbackItem = object({
    id,
    campaignId: id.nullable(),
    lead: Lead,
    signals: Signals,
    verdict: Verdict,
    region: requiredText(LIMITS.name).optional(),
    note: text(LIMITS.note).optional(),
    /** Optional (older extensions send none): only questions the rep answered. */
    answers: list(Answer, LIMITS.listItems).optional(),
    createdAt: isoDateTime,
  });

  const Person = object({ id, name: requiredText(LIMITS.name) });

  const Reply = object({
    id,
    feedbackId: id,
    author: Person,
    text: requiredText(LIMITS.note),
    createdAt: isoDateTime,
  });

  const FeedbackRecord = object({
    ...FeedbackItem.shape,
    rep: Person,
    replies: list(Reply, LIMITS.replies),
    updatedAt: isoDateTime,
  });

  const LeadSourceRule = object({
    value: requiredText(LIMITS.short),
    detail: requiredText(LIMITS.short).optional(),
  });

  const MatchRules = object({
    campaignIds: list(requiredText(LIMITS.short), LIMITS.ruleValues),
    utmCampaigns: list(requiredText(LIMITS.short), LIMITS.ruleValues),
    leadSources: list(LeadSourceRule, LIMITS.ruleValues),
    keywords: list(requiredText(LIMITS.short), LIMITS.ruleValues),
  });

  const EconomicsInput = object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as EUR'),
    budget: money,
    spendToDate: money,
    avgDealValue: money,
    grossMarginPct: z.number({ error: 'must be a number' }).finite().min(0).max(100, 'must be at most 100 %'),
    /** Null: derive it from the budget, deal value and margin. */
    breakEvenDeals: count
      .max(LIMITS.breakEvenDeals, `must be at most ${LIMITS.breakEvenDeals.toLocaleString('en')}`)
      .nullable(),
  }).refine(
    // Derived, it is bounded as an entered one is: a brief saved with more could never be read back.
    (economics) =>
      economics.breakEvenDeals !== null || (deriveBreakEvenDeals(economics) ?? 0) <= LIMITS.breakEvenDeals,
    {
      message: `the budget, deal value and margin need more than ${LIMITS.breakEvenDeals.toLocaleString('en')} sales to break even: check them, or enter the break-even`,
      path: ['breakEvenDeals'],
    },
  );

  const Economics = object({
    ...EconomicsInput.shape,
    breakEvenDeals: count.max(LIMITS.breakEvenDeals).nullable(),
    /** True when breakEvenDeals was computed, false when a marketer entered it. */
    breakEvenDerived: z.boolean(),
  });

  const briefFields = {
    name: requiredText(LIMITS.name),
    status: BriefStatus,
    channel: requiredText(LIMITS.name),
    objective: text(LIMITS.paragraph),
    audience: text(LIMITS.paragraph),
    notFor: text(LIMITS.paragraph),
    keyMessage: text(LIMITS.paragraph),
    offer: text(LIMITS.paragraph),
    talkingPoints: list(requiredText(LIMITS.short), LIMITS.listItems),
    questionsForSales: list(requiredText(LIMITS.short), LIMITS.listItems),
    priority: Priority,
    regions: list(requiredText(LIMITS.name), LIMITS.regions),
    owner: text(LIMITS.name),
    startsOn: isoDate.nullable(),
    endsOn: isoDate.nullable(),
    match: MatchRules,
  };

  const datesInOrder = (brief: { startsOn?: string | null; endsOn?: string | null }) =>
    !brief.startsOn || !brief.endsOn || brief.startsOn <= brief.endsOn;
  const datesMessage = {
    message: 'the end date is before the start date',
    path: ['endsOn'],
    // Said with the brief's other problems, not only once they are all fixed: checked whenever both
    // dates are there as dates (a check on the whole object is skipped once a field has failed).
    when: (payload: { value: unknown }) => {
      const value = payload.value as { startsOn?: unknown; endsOn?: unknown } | null;
      return isoDate.safeParse(value?.startsOn).success && isoDate.safeParse(value?.endsOn).success;
    },
  };

  const BriefInput = object({ ...briefFields, economics: EconomicsInput }).refine(datesInOrder, datesMessage);
  /**
   * A new brief, with an id the client may make when it first sends it and send again with every retry
   * of it: a brief whose answer was lost (a proxy's 504 after the commit) is stored once, not twice.
   */
  const BriefCreate = object({ ...briefFields, economics: EconomicsInput, id: id.optional() }).refine(
    datesInOrder,
    datesMessage,
  );
  const BriefPatch = object({ ...briefFields, economics: EconomicsInput })
    .partial()
    .refine(datesInOrder, datesMessage);

  const VerdictCounts = object(
    Object.fromEntries(Verdict.options.map((verdict) => [verdict, count])) as Record<Verdict, typeof count>,
  );

  const Stats = object({
    /** Leads with at least one verdict; each counted once, by its latest verdict. */
    leads: count,
    verdicts: VerdictCounts,
    won: count,
    byRegion: list(
      object({ region: requiredText(LIMITS.name), leads: count, verdicts: VerdictCounts }),
      LIMITS.regions,
    ),
    /** Null when the workspace does not show sellers' names. */
    topSellers: list(object({ name: requiredText(LIMITS.name), won: count }), 10).nullable(),
    asOf: isoDateTime,
  });

  /**
   * The answer to one of the brief's questions that marketing most recently marked useful (issue 15),
   * shown to reps on the panel; never a rep's name.
   */
  const UsefulAnswer = object({
    question: requiredText(LIMITS.short),
    answer: requiredText(LIMITS.short),
    markedAt: isoDateTime,
  });

  /** Marketers: one answer marked useful, by its feedback item and its place in the item's answers. */
  const UsefulMark = object({ feedbackId: id, index: count, markedAt: isoDateTime });

  const Brief = object({
    id,
    ...briefFields,
    economics: Economics,
    updatedAt: isoDateTime,
    stats: Stats,
    /** Optional: absent until marketing marks an answer useful (and from workspaces before that). */
    usefulAnswer: UsefulAnswer.optional(),
  });

  const Member = object({
    id,
    name: requiredText(LIMITS.name),
    role: Role,
    region: requiredText(LIMITS.name).nullable(),
    /** A member removed from the team, listed for the Insights' filter (members?include=removed). */
    removed: z.literal(true).optional(),
  });

  const Workspace = object({
    id,
    name: requiredText(LIMITS.name),
    regions: list(requiredText(LIMITS.name), LIMITS.regions),
  });

  const Me = object({ member: Member, workspace: Workspace });

  const LinkRequest = object({ code: requiredText(LIMITS.code) });
  const LinkResponse = object({
    token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/),
    member: Member,
    workspace: Workspace,
  });

  const FeedbackBatchRequest = object({
    // Items are checked one by one so that one bad item is answered `invalid` and the rest are stored.
    items: z.array(z.unknown()).min(1).max(LIMITS.batch),
  });
  const FeedbackResult = object({
    id: z.string().max(LIMITS.recordId).nullable(),
    status: ResultStatus,
    error: text(LIMITS.paragraph).optional(),
  });
  const FeedbackBatchResponse = object({ results: list(FeedbackResult, LIMITS.batch) });

  const ReplyRequest = object({
    text: requiredText(LIMITS.note),
    /**
     * Made by the client when the reply is first sent, and sent again with every retry of it: a reply
     * whose answer was lost is stored once, not again.
     */
    id: id.optional(),
  });
  const InviteRequest = object({
    name: requiredText(LIMITS.name),
    role: Role,
    region: requiredText(LIMITS.name).optional(),
  });

  /** The language the team webhook's messages are written in (workspace/webhook.ts). */
  const WebhookLanguage = z.enum(['en', 'es']);
  /** Admins: the workspace's name, region list, whether sellers are named in stats, the team webhook. */
  const WorkspaceSettings = object({
    name: requiredText(LIMITS.name),
    regions: list(requiredText(LIMITS.name), LIMITS.regions),
    /**
     * One region added to the list as the workspace has it when the change is made (once), or removed
     * from it: two admins changing regions at the same moment each keep their change, where each
     * sending the whole list would undo the other's.
     */
    addRegion: requiredText(LIMITS.name),
    removeRegion: requiredText(LIMITS.name),
    showSellers: z.boolean(),
    /** Campaigns and channels whose tire-kicker share is above this (0 to 1) are flagged on Insights. */
    tireKickerThreshold: z.number().finite().min(0).max(1),
    webhookUrl: z
      .url({ protocol: /^https?$/, message: 'must be a web address' })
      .max(LIMITS.url)
      .refine(
        (value) =>
          value.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(value),
        'must use HTTPS (plain HTTP only for localhost)',
      )
      .nullable(),
    webhookLanguage: WebhookLanguage,
  })
    .partial()
    .refine((settings) => settings.regions === undefined || (!settings.addRegion && !settings.removeRegion), {
      message: 'send the whole list or one change to it, not both',
      path: ['regions'],
    })
    .refine((settings) => !settings.addRegion || settings.addRegion !== settings.removeRegion, {
      message: 'the same region cannot be added and removed at once',
      path: ['removeRegion'],
    });

  /** Marketers: what the Insights page shows, for the filters it names (issue 15). */
  const InsightCounts = { leads: count, goodFit: count, won: count, tireKickers: count };
  const Rate = z.number().min(0).max(1);
  const Money = z.number().finite().min(0).nullable();
  const Insights = object({
    filter: object({
      from: isoDate.optional(),
      to: isoDate.optional(),
      region: z.string().optional(),
      channel: z.string().optional(),
      rep: id.optional(),
    }),
    asOf: isoDateTime,
    /** Rates under this many leads are marked as a small sample. */
    smallSample: count,
    tireKickerThreshold: Rate,
    /** Leads counted in the filters: each once, by its latest verdict there; `unmatched` had no campaign. */
    leads: count,
    unmatched: count,
    campaigns: list(object({ id, name: z.string(), channel: z.string(), status: BriefStatus }), 10_000),
    channels: list(
      object({
        channel: z.string(),
        ...InsightCounts,
        goodFitRate: Rate.nullable(),
        tireKickerShare: Rate.nullable(),
        flagged: z.boolean(),
        /** Money is to date and whole (every lead, every region): null when its campaigns mix currencies. */
        currency: z.string().nullable(),
        spend: Money,
        goodFitToDate: count,
        wonToDate: count,
        costPerGoodFit: Money,
        costPerWon: Money,
      }),
      10_000,
    ),
    payback: list(
      object({
        campaignId: id,
        ...InsightCounts,
        goodFitRate: Rate.nullable(),
        tireKickerShare: Rate.nullable(),
        flagged: z.boolean(),
        currency: z.string(),
        spend: Money,
        goodFitToDate: count,
        wonToDate: count,
        costPerGoodFit: Money,
        costPerWon: Money,
        breakEven: object({
          status: z.enum(['reached', 'on_track', 'behind', 'not_started', 'unknown']),
          needed: count.nullable(),
          won: count,
          /** Sales the pace so far projects by endsOn; null without dates. */
          projected: count.nullable(),
          endsOn: isoDate.nullable(),
          /** No break-even because the brief's figures derive more sales than LIMITS.breakEvenDeals. */
          tooMany: z.literal(true).optional(),
        }),
      }),
      10_000,
    ),
    heatMap: list(
      object({ campaignId: id.nullable(), region: z.string().nullable(), leads: count, goodFit: count }),
      100_000,
    ),
    /** Null when the workspace does not name sellers. */
    sellers: list(
      object({
        memberId: id,
        name: z.string(),
        /** The rep was removed from the team (their name may since be someone else's). */
        removed: z.literal(true).optional(),
        campaignId: id.nullable(),
        leads: count,
        goodFit: count,
        won: count,
      }),
      100_000,
    ).nullable(),
    trend: list(
      object({ campaignId: id.nullable(), week: isoDate, verdict: Verdict, leads: count }),
      100_000,
    ),
  });

  /**
   * Marketers: the reps' answers to the briefs' questionsForSales (issue 15), per campaign and
   * question, newest first, each with the lead's latest verdict (any campaign, any time) beside it.
   */
  const QuestionAnswers = object({
    filter: object({
      campaign: id.optional(),
      from: isoDate.optional(),
      to: isoDate.optional(),
      region: z.string().optional(),
      channel: z.string().optional(),
      rep: id.optional(),
    }),
    /** Answers kept per question (the newest); `total` counts them all. */
    perQuestion: count,
    campaigns: list(
      object({
        campaignId: id,
        name: z.string(),
        questions: list(
          object({
            question: z.string(),
            /** False for a question the brief no longer asks. */
            asked: z.boolean(),
            total: count,
            answers: list(
              object({
                feedbackId: id,
                /** The answer's place in the feedback item's answers (to mark it useful). */
                index: count,
                answer: z.string(),
                /** Marked useful by marketing: the panel shows the campaign's most recently marked. */
                useful: z.boolean(),
                /** The lead's latest verdict. */
                verdict: Verdict,
                /** The verdict given with this answer. */
                answeredWith: Verdict,
                region: z.string().nullable(),
                rep: Person,
                lead: Lead,
                createdAt: isoDateTime,
              }),
              1_000,
            ),
          }),
          10_000,
        ),
      }),
      10_000,
    ),
  });

  /**
   * Admins: one browser a member linked (one bearer token: `extension`) or signed in to the dashboard
   * with (one session: `dashboard`), named by its id, never its secret.
   */
  const LinkedBrowser = object({
    id,
    kind: z.enum(['extension', 'dashboard']),
    /** A short summary of the User-Agent at link time, e.g. "Firefox 128 on Linux". */
    browser: text(LIMITS.short).nullable(),
    createdAt: isoDateTime,
    lastUsedAt: isoDateTime.nullable(),
  });
  const LinkedBrowsers = object({ browsers: z.array(LinkedBrowser) });

  /**
   * Admins: what became of the team webhook's messages since its address was saved (all empty for a new
   * address): when one was last delivered, the last refusal (a chat server's status, a network error),
   * how many were lost (given up after their last try or dropped a day after they were queued), and how
   * many wait in the queue now.
   */
  const WebhookStatus = object({
    deliveredAt: isoDateTime.nullable(),
    refusedAt: isoDateTime.nullable(),
    refusal: text(LIMITS.short).nullable(),
    lost: z.number().int().nonnegative(),
    waiting: z.number().int().nonnegative(),
  });

  /** Admins: a member's default region. */
  const MemberPatch = object({ region: requiredText(LIMITS.name).nullable() });

  const ErrorEnvelope = object({
    error: object({
      code: z.string().regex(/^[a-z][a-z_]{0,63}$/),
      message: text(LIMITS.paragraph),
      issues: list(
        object({ path: z.string().max(LIMITS.short), message: text(LIMITS.short) }),
        100,
      ).optional(),
    }),
  });

  return {
    Signals,
    Lead,
    Answer,
    FeedbackItem,
    FeedbackRecord,
    Reply,
    Person,
    MatchRules,
    EconomicsInput,
    Economics,
    BriefInput,
    BriefCreate,
    BriefPatch,
    Brief,
    UsefulAnswer,
    UsefulMark,
    Stats,
    VerdictCounts,
    Member,
    Workspace,
    Me,
    LinkRequest,
    LinkResponse,
    FeedbackBatchRequest,
    FeedbackResult,
    FeedbackBatchResponse,
    ReplyRequest,
    InviteRequest,
    WorkspaceSettings,
    MemberPatch,
    LinkedBrowser,
    LinkedBrowsers,
    WebhookStatus,
    WebhookLanguage,
    ErrorEnvelope,
    Insights,
    QuestionAnswers,
  };
}

/** What the workspace accepts: unknown keys are refused. */
export const requests = defineProtocol(z.strictObject as typeof z.object);
/** What the extension reads: unknown keys are dropped. */
export const responses = defineProtocol(z.object);

export type Signals = z.infer<typeof responses.Signals>;
export type Lead = z.infer<typeof responses.Lead>;
export type Answer = z.infer<typeof responses.Answer>;
export type FeedbackItem = z.infer<typeof responses.FeedbackItem>;
export type FeedbackRecord = z.infer<typeof responses.FeedbackRecord>;
export type Reply = z.infer<typeof responses.Reply>;
export type MatchRules = z.infer<typeof responses.MatchRules>;
export type EconomicsInput = z.infer<typeof responses.EconomicsInput>;
export type Economics = z.infer<typeof responses.Economics>;
export type BriefInput = z.infer<typeof requests.BriefInput>;
export type BriefPatch = z.infer<typeof requests.BriefPatch>;
export type Brief = z.infer<typeof responses.Brief>;
export type UsefulAnswer = z.infer<typeof responses.UsefulAnswer>;
export type UsefulMark = z.infer<typeof responses.UsefulMark>;
export type Stats = z.infer<typeof responses.Stats>;
export type VerdictCounts = z.infer<typeof responses.VerdictCounts>;
export type Member = z.infer<typeof responses.Member>;
export type Workspace = z.infer<typeof responses.Workspace>;
export type Me = z.infer<typeof responses.Me>;
export type LinkRequest = z.infer<typeof requests.LinkRequest>;
export type LinkResponse = z.infer<typeof responses.LinkResponse>;
export type FeedbackResult = z.infer<typeof responses.FeedbackResult>;
export type FeedbackBatchResponse = z.infer<typeof responses.FeedbackBatchResponse>;
export type LinkedBrowser = z.infer<typeof responses.LinkedBrowser>;
export type WebhookStatus = z.infer<typeof responses.WebhookStatus>;
export type WebhookLanguage = z.infer<typeof responses.WebhookLanguage>;
export type ErrorEnvelope = z.infer<typeof responses.ErrorEnvelope>;
export type WorkspaceSettings = z.infer<typeof requests.WorkspaceSettings>;
export type Insights = z.infer<typeof responses.Insights>;
export type QuestionAnswers = z.infer<typeof responses.QuestionAnswers>;
/** Verdicts that say a lead was our kind of people: judged a good fit, or it went on to a deal. */
export { GOOD_FIT_VERDICTS } from './constants';
/** Rates over fewer leads than this are marked "small sample" on Insights. */
export const SMALL_SAMPLE = 10;
