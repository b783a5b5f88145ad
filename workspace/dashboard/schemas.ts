import { z } from 'zod';
import { responses, Verdict } from '../../lib/protocol';

/*
 * What each route the dashboard calls answers, as zod schemas. Most are the protocol's own
 * (`responses.*`); the few envelopes the route table (workspace/routes.ts) defines privately are
 * rebuilt here from the same protocol pieces, because the dashboard must not import server code.
 * test/unit/dashboard/schemas.test.ts checks each one equals the route table's.
 */

/** An answer with no body (204). */
export const NoContent = z.undefined();

/** GET /api/v1/me, POST /api/v1/session */
export const MeAnswer = responses.Me;

/** GET /api/v1/feedback/matrix */
export const MatrixAnswer = z.object({
  cells: z.array(z.object({ campaignId: z.uuid().nullable(), verdict: Verdict, leads: z.number().int() })),
});
export type MatrixCell = z.infer<typeof MatrixAnswer>['cells'][number];

/** POST /api/v1/feedback/:id/replies */
export const ReplyCreated = z.object({ id: z.uuid() });

/** GET /api/v1/workspace */
export const WorkspaceAnswer = z.object({
  name: z.string(),
  regions: z.array(z.string()),
  showSellers: z.boolean(),
  webhookUrl: z.string().nullable(),
  webhookLanguage: responses.WebhookLanguage,
  webhookStatus: responses.WebhookStatus,
  tireKickerThreshold: z.number(),
});

/** PATCH /api/v1/workspace */
export const WorkspacePatched = responses.Workspace;

/** GET /api/v1/members */
export const MembersAnswer = z.object({ members: z.array(responses.Member) });
export const LinkedBrowsersAnswer = responses.LinkedBrowsers;

/** PATCH /api/v1/members/:id */
export const MemberPatched = responses.Member;

/** POST /api/v1/invites, POST /api/v1/members/:id/codes */
export const JoinAnswer = z.object({ member: responses.Member, code: z.string(), joinUrl: z.string() });

/** POST /api/v1/campaigns, PATCH /api/v1/campaigns/:id */
export const BriefSaved = responses.Brief;

/** GET /api/v1/insights */
export const InsightsAnswer = responses.Insights;

/** GET /api/v1/answers */
export const AnswersAnswer = responses.QuestionAnswers;
/** POST /api/v1/feedback/:id/answers/:index/useful */
export const UsefulMarkAnswer = responses.UsefulMark;
