import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import {
  type Brief,
  LIMITS,
  type Member,
  type Role,
  requests,
  responses,
  Verdict,
  type WebhookLanguage,
} from '../lib/protocol';
import { isoDate, text } from '../lib/protocol/text';
import { issueCode, joinUrl } from './auth/codes';
import { sessionCookieName } from './auth/same-origin';
import { endSession, SESSION_DAYS, startSession } from './auth/sessions';
import { browserSummary, linkedBrowsers, redeemCode, revokeMemberToken, revokeToken } from './auth/tokens';
import { rateLimitSubject } from './client-address';
import type { Database, Sql } from './db/database';
import type { DiskSpace } from './disk-space';
import { createBrief, getBrief, listCampaigns, patchBrief } from './domain/briefs';
import { CSV_BOM, CSV_DIALECTS, type CsvDialect, feedbackCsvHeader, feedbackCsvRows } from './domain/csv';
import {
  addReply,
  type Cursor,
  type FeedbackFilter,
  latestIds,
  listFeedback,
  parseCursor,
  START,
} from './domain/feed';
import { ingest, prepareBatch } from './domain/ingest';
import { setTireKickerThreshold, tireKickerThreshold } from './domain/insights';
import { feedbackMatrix } from './domain/matrix';
import { markUseful, unmarkUseful } from './domain/useful-answers';
import { checkVerdictData } from './domain/verdict-data';
import { createMember, loadWorkspace, me, removeMember, toMember } from './domain/workspace';
import { ApiError, forbidden, unauthorized } from './errors';
import { giveBack, hit } from './rate-limit';
import { INSIGHT_ROUTES } from './routes-insights';
import { saveWebhookAddress } from './webhook';
import { checkWebhookTarget, WebhookTargetRefused } from './webhook-target';

export interface WorkspaceConfig {
  db: Database;
  /** How a join link starts, e.g. https://sameroom.acme.example */
  publicUrl(c: Context): string;
  clientIp(c: Context): string;
  /** Whether the client reached us over HTTPS (here, or at a trusted proxy): Strict-Transport-Security. */
  https?(c: Context): boolean;
  /** Host names accepted in Host (a loopback server's, against DNS rebinding); null: any. */
  allowedHosts?: ReadonlySet<string> | null;
  linkAttempts: { limit: number; windowSeconds: number };
  /** API requests per bearer token (or dashboard member) per window. */
  tokenRequests?: { limit: number; windowSeconds: number };
  /** Failed sign-ins (a wrong token or cookie) per client address, counted in memory; none: no limit. */
  failedSignIns?: { limit: number; windowSeconds: number };
  /** Webhooks may reach loopback, private and link-local addresses (an operator's choice; default no). */
  allowLocalWebhooks?: boolean;
  /** Tokens unused for this many days stop working (default 90). */
  tokenMaxIdleDays?: number;
  /** On PGlite, the free space where its files are: writes are refused (507) while it is low. */
  disk?: DiskSpace;
}

export interface RouteContext<Body, Query> {
  c: Context;
  config: WorkspaceConfig;
  /** The signed-in member; null only on public routes. */
  member: Member;
  /** The id of the bearer token the caller used; null for the dashboard's cookie and public routes. */
  tokenId: string | null;
  /** The request body, checked against `request`. */
  body: Body;
  /** The query string, checked against `query`. */
  query: Query;
  /**
   * The caller as they are now, asked again and not counted: null once they may no longer call the
   * route (removed, signed out, a token revoked, a role it does not allow). For a streamed answer.
   */
  stillSignedIn: () => Promise<Member | null>;
}

export type Access = 'public' | readonly Role[];
const EVERYONE: readonly Role[] = ['rep', 'marketer', 'admin'];
const MARKETING: readonly Role[] = ['marketer', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

export interface Route<Body = unknown, Query = unknown> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Hono's form: /api/v1/members/:id */
  path: string;
  /** The operation's name in the API description and generated clients: unique, camelCase. */
  operationId: string;
  access: Access;
  summary: string;
  /**
   * The 4xx statuses its own handler answers (or its sign-in or rate limit, on a public route). Those
   * that access, a body, a query or a path id bring are added from the rest of the entry.
   */
  errors?: readonly (400 | 401 | 403 | 404 | 409 | 412 | 422 | 429)[];
  request?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  response?: z.ZodType;
  status?: number;
  /** Its answer carries a token, a code or a token's id: Cache-Control no-store, kept by no cache. */
  secret?: true;
  /**
   * Only JSON from the dashboard's own origin (415 for other bodies, 403 cross-site): a form another
   * site posts can never set the cookie.
   */
  sameOriginJson?: true;
  handle(context: RouteContext<Body, Query>): Promise<Response>;
}

const route = <Body, Query = unknown>(definition: Route<Body, Query>): Route => definition as Route;

const uuid = z.uuid();
/**
 * An id from the path, as the database writes it (lower case): the database matches a UUID in any
 * case, and the checks here compare it with ids it gave (an admin's own, the admin removing themself
 * in capitals got past "you cannot remove yourself" and left the workspace without one).
 */
function idParam(c: Context, name = 'id'): string {
  const id = c.req.param(name);
  if (!uuid.safeParse(id).success)
    throw new ApiError(404, 'not_found', 'That does not exist in this workspace.');
  return id!.toLowerCase();
}

/** A timestamp column as ISO 8601 in UTC, or null. */
const isoOrNull = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);

const JoinAnswer = z.object({ member: responses.Member, code: z.string(), joinUrl: z.string() });
// What the routes below answer, for the API description (a client generated from it gets their types).
const CampaignsAnswer = z.object({ campaigns: z.array(responses.Brief) });
const FeedbackPage = z.object({ items: z.array(responses.FeedbackRecord), cursor: z.string() });
const MatrixAnswer = z.object({
  cells: z.array(z.object({ campaignId: z.uuid().nullable(), verdict: Verdict, leads: z.number().int() })),
});
const ReplyCreated = z.object({ id: z.uuid() });
const WorkspaceAnswer = z.object({
  name: z.string(),
  regions: z.array(z.string()),
  showSellers: z.boolean(),
  webhookUrl: z.string().nullable(),
  webhookLanguage: responses.WebhookLanguage,
  webhookStatus: responses.WebhookStatus,
  tireKickerThreshold: z.number(),
});
const MembersAnswer = z.object({ members: z.array(responses.Member) });
const CampaignsQuery = z.object({ include: z.enum(['drafts']).optional() });
const MembersQuery = z.object({ include: z.enum(['removed']).optional() });
const FeedbackQuery = z.strictObject({
  mine: z.literal('1').optional(),
  since: z.string().max(LIMITS.short).optional(),
  campaign: z.union([z.uuid(), z.literal('unmatched')]).optional(),
  verdict: Verdict.optional(),
  region: text(LIMITS.name).optional(),
  channel: text(LIMITS.name).optional(),
  rep: z.uuid().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  format: z.enum(['json', 'csv']).optional(),
  /** CSV only: `semicolon` for an Excel whose list separator is `;` (domain/csv.ts). */
  sep: z.enum(CSV_DIALECTS).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.page).optional(),
  latest: z.literal('1').optional(),
});

const MatrixQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  region: text(LIMITS.name).optional(),
  channel: text(LIMITS.name).optional(),
  rep: z.uuid().optional(),
});

/**
 * Codes are guessed through link and sign-in alike: both count against one limit per client address.
 * A code that works is given back: a team linking its reps on an onboarding call from one office (one
 * address behind its NAT, or one IPv6 /64) ran out the limit with its 21st rep in ten minutes. Only
 * refused codes count now: counted before the code is tried, so that guesses sent at once cannot pass
 * the limit together (and refused codes past the limit still hold good ones from that address).
 */
async function withCodeAttempt<T>(config: WorkspaceConfig, c: Context, redeem: () => Promise<T>): Promise<T> {
  const { limit, windowSeconds } = config.linkAttempts;
  const key = `link:${rateLimitSubject(config.clientIp(c))}`;
  const window = await hit(config.db, key, limit, windowSeconds);
  const redeemed = await redeem();
  await giveBack(config.db, key, window).catch(() => undefined);
  return redeemed;
}

/** Rows per query of a CSV export. */
export const CSV_PAGE_ROWS = 500;

/**
 * A CSV export read a page at a time as the client takes it (pull), so neither memory nor the first
 * byte waits for the whole export. Paged by the feed's cursor: an item replied to while the export runs
 * moves to the feed's end and is written again there, with its reply. A database error mid-export aborts
 * the response rather than end it short.
 */
function feedbackCsvStream(
  db: Database,
  filter: Omit<FeedbackFilter, 'since' | 'limit'>,
  since: Cursor,
  /** Whether the caller may still read it (a marketer demoted to rep may not read the team's). */
  stillAllowed: () => Promise<boolean>,
  dialect: CsvDialect,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | null = since;
  // Each lead's latest verdict (a matrix cell's leads): chosen once, then read a page of ids at a time.
  let latest: string[] | null = null;
  let next = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_BOM + feedbackCsvHeader(dialect)));
    },
    async pull(controller) {
      // Each page is for a caller who may still read it: an export read slowly went on, past the
      // removal of its member or the end of its session, with the verdicts and replies written since.
      if (!(await stillAllowed())) {
        controller.error(unauthorized());
        return;
      }
      if (filter.latest) {
        latest ??= await latestIds(db, { ...filter, since });
        const ids = latest.slice(next, next + CSV_PAGE_ROWS);
        next += ids.length;
        const page = ids.length
          ? await listFeedback(db, { ...filter, ids, since: START, limit: ids.length })
          : null;
        if (page?.items.length) controller.enqueue(encoder.encode(feedbackCsvRows(page.items, dialect)));
        if (next >= latest.length) controller.close();
        return;
      }
      if (!cursor) return;
      const page = await listFeedback(db, { ...filter, since: cursor, limit: CSV_PAGE_ROWS });
      if (page.items.length > 0) controller.enqueue(encoder.encode(feedbackCsvRows(page.items, dialect)));
      cursor = page.items.length < CSV_PAGE_ROWS ? null : parseCursor(page.cursor);
      if (!cursor) controller.close();
    },
  });
}

/**
 * One region added (once) or removed, on the list as it is now: the row is locked from the read to the
 * write, so a change another admin made meanwhile is kept.
 */
async function changeRegions(tx: Sql, add: string | undefined, remove: string | undefined): Promise<void> {
  const [row] = await tx.query<{ regions: string[] }>('SELECT regions FROM workspace FOR UPDATE');
  let regions = row?.regions ?? [];
  if (add !== undefined && !regions.includes(add)) regions = [...regions, add];
  if (remove !== undefined) regions = regions.filter((region) => region !== remove);
  if (regions.length > LIMITS.regions)
    throw new ApiError(
      422,
      'bad_input',
      `The request is not valid. A workspace has at most ${LIMITS.regions} regions; remove one first.`,
      [{ path: 'addRegion', message: `at most ${LIMITS.regions} regions` }],
    );
  await tx.query('UPDATE workspace SET regions = $1', [JSON.stringify(regions)]);
}

/** An answer's place in its feedback item's answers, from the path (404 when it is not one). */
function indexParam(c: Context): number {
  const index = c.req.param('index') ?? '';
  if (!/^\d{1,4}$/.test(index))
    throw new ApiError(404, 'not_found', 'That answer does not exist in this workspace.');
  return Number(index);
}

function etagFor(version: number, includeDrafts: boolean): string {
  return `"v${version}${includeDrafts ? '-drafts' : ''}"`;
}

/** Every route of the workspace API: who may call it, what it takes and gives. The OpenAPI document is made from this. */
export const ROUTES: Route[] = [
  route({
    method: 'post',
    secret: true,
    path: '/api/v1/link',
    operationId: 'linkBrowser',
    errors: [401, 429],
    access: 'public',
    summary: 'Trade a one-time code from a join link for a bearer token.',
    request: requests.LinkRequest,
    response: responses.LinkResponse,
    async handle({ c, config, body }) {
      const browser = browserSummary(c.req.header('User-Agent'));
      return c.json(
        await withCodeAttempt(config, c, () =>
          config.db.transaction((tx) => redeemCode(tx, body.code, browser)),
        ),
      );
    },
  }),
  route({
    method: 'post',
    secret: true,
    sameOriginJson: true,
    path: '/api/v1/session',
    operationId: 'signIn',
    errors: [401, 403, 429],
    access: 'public',
    summary:
      "Sign in to the dashboard with a marketer's or admin's join-link code: an HttpOnly, SameSite=Strict cookie for 30 days (__Host- prefixed and Secure under HTTPS). JSON from the dashboard's own origin only.",
    request: requests.LinkRequest,
    response: responses.Me,
    async handle({ c, config, body }) {
      const publicUrl = config.publicUrl(c);
      const browser = browserSummary(c.req.header('User-Agent'));
      const { session, ...signedIn } = await withCodeAttempt(config, c, () =>
        config.db.transaction((tx) => startSession(tx, body.code, browser)),
      );
      // The session this browser had ends with it (another member's, whose link was opened here): its
      // cookie is replaced, and a copy of it elsewhere would have stayed signed in for up to 30 days.
      const before = getCookie(c, sessionCookieName(publicUrl));
      if (before) await endSession(config.db, before).catch(() => undefined);
      setCookie(c, sessionCookieName(publicUrl), session, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: publicUrl.startsWith('https:'),
        path: '/',
        maxAge: SESSION_DAYS * 86_400,
      });
      return c.json(signedIn);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/session',
    operationId: 'signOut',
    access: 'public',
    summary: 'Sign out of the dashboard.',
    status: 204,
    async handle({ c, config }) {
      const name = sessionCookieName(config.publicUrl(c));
      const session = getCookie(c, name);
      if (session) await endSession(config.db, session);
      deleteCookie(c, name, { path: '/', secure: name.startsWith('__Host-') });
      return c.body(null, 204);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/tokens/current',
    operationId: 'unlink',
    errors: [400],
    access: EVERYONE,
    summary: 'Unlink: revokes the bearer token this request carries; it is refused from then on.',
    status: 204,
    async handle({ c, config, tokenId }) {
      if (!tokenId)
        throw new ApiError(400, 'no_token', 'Only a bearer token can be revoked this way; sign out instead.');
      await revokeToken(config.db, tokenId);
      return c.body(null, 204);
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/me',
    operationId: 'getMe',
    access: EVERYONE,
    summary: 'Who the token belongs to, and the workspace with its regions.',
    response: responses.Me,
    async handle({ c, config, member }) {
      return c.json(await me(config.db, member.id));
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/campaigns',
    operationId: 'listCampaigns',
    errors: [403],
    response: CampaignsAnswer,
    access: EVERYONE,
    summary:
      'Every non-draft brief with its status and stats (drafts too with include=drafts, for marketers). ETag: the stats version.',
    query: CampaignsQuery,
    async handle({ c, config, member, query }) {
      const includeDrafts = query.include === 'drafts';
      if (includeDrafts && !MARKETING.includes(member.role)) throw forbidden();
      const [{ stats_version: version } = { stats_version: 0 }] = await config.db.query<{
        stats_version: number;
      }>('SELECT stats_version FROM workspace');
      const etag = etagFor(Number(version), includeDrafts);
      c.header('ETag', etag);
      // Kept by the rep's browser only, and asked again each time (the ETag answers 304 when unchanged).
      c.header('Cache-Control', 'private, no-cache');
      if (c.req.header('If-None-Match') === etag) return c.body(null, 304);
      const workspace = await loadWorkspace(config.db);
      const campaigns: Brief[] = await listCampaigns(config.db, {
        includeDrafts,
        showSellers: workspace.showSellers,
      });
      return c.json({ campaigns });
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/campaigns',
    operationId: 'createCampaign',
    access: MARKETING,
    summary:
      'Write a new brief. With an id made by the client, a retry of the same brief is stored once (answered as the first was); another brief under that id is a conflict.',
    request: requests.BriefCreate,
    response: responses.Brief,
    errors: [409],
    status: 201,
    async handle({ c, config, body }) {
      const { id: clientId, ...input } = body;
      const brief = await config.db.transaction(async (tx) => {
        const id = await createBrief(tx, input, clientId);
        return getBrief(tx, id, (await loadWorkspace(tx)).showSellers);
      });
      return c.json(brief, 201);
    },
  }),
  route({
    method: 'patch',
    path: '/api/v1/campaigns/:id',
    operationId: 'updateCampaign',
    access: MARKETING,
    summary:
      "Change some fields of a brief; the result must be a valid brief. With If-Match set to the brief's updatedAt (as read), a brief changed since is answered 412 and left as it is.",
    request: requests.BriefPatch,
    response: responses.Brief,
    errors: [412],
    async handle({ c, config, body }) {
      const id = idParam(c);
      const ifMatch = c.req.header('If-Match');
      const brief = await config.db.transaction(async (tx) => {
        await patchBrief(tx, id, body, ifMatch?.replace(/^(W\/)?"|"$/g, ''));
        return getBrief(tx, id, (await loadWorkspace(tx)).showSellers);
      });
      return c.json(brief);
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/feedback',
    operationId: 'sendFeedback',
    access: EVERYONE,
    summary:
      'Send up to 100 feedback items; each is answered created, duplicate, conflict or invalid, in order.',
    request: requests.FeedbackBatchRequest,
    response: responses.FeedbackBatchResponse,
    async handle({ c, config, member, body }) {
      const batch = checkVerdictData(prepareBatch(body.items));
      const results = await ingest(config.db, member, batch);
      return c.json({ results });
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/feedback',
    operationId: 'listFeedback',
    errors: [400, 403],
    response: FeedbackPage,
    access: EVERYONE,
    summary:
      'mine=1: your own items changed after the cursor. Otherwise (marketers): all items, filtered by campaign, verdict, region, channel, rep, from, to; latest=1 keeps only the latest verdict of each lead within the period filters (the leads a matrix cell counts; not with mine=1, 400 `latest_not_mine`); format=csv for a spreadsheet (sep=semicolon: separated by `;`, decimal commas, for an Excel set up for Spanish, German, French…).',
    query: FeedbackQuery,
    async handle({ c, config, member, query, stillSignedIn }) {
      const mine = query.mine === '1';
      if (!mine && !MARKETING.includes(member.role)) throw forbidden();
      // Whether an item is its lead's latest verdict depends on the team's later ones: with mine=1 it
      // told a rep, lead by lead, which of their verdicts a colleague had judged again.
      if (mine && query.latest === '1')
        throw new ApiError(
          400,
          'latest_not_mine',
          'latest=1 filters the team’s list (the leads a matrix cell counts); with mine=1 every item of yours is listed.',
        );
      const since = parseCursor(query.since);
      if (!since) throw new ApiError(400, 'bad_cursor', 'The cursor is not one this workspace gave out.');
      const filter = {
        ...(mine ? { memberId: member.id } : {}),
        ...(query.campaign ? { campaign: query.campaign === 'unmatched' ? null : query.campaign } : {}),
        ...(query.verdict ? { verdict: query.verdict } : {}),
        ...(query.region ? { region: query.region } : {}),
        ...(query.channel ? { channel: query.channel } : {}),
        ...(query.rep ? { rep: query.rep } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        // A matrix cell's leads, each by its latest verdict: in the list and in its CSV alike.
        ...(query.latest === '1' ? { latest: true } : {}),
      };
      if (query.format !== 'csv')
        return c.json(
          await listFeedback(config.db, {
            ...filter,
            since,
            limit: query.limit ?? LIMITS.page,
          }),
        );
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="sameroom-feedback.csv"');
      const stillAllowed = async () => {
        const now = await stillSignedIn();
        return now !== null && (mine || MARKETING.includes(now.role));
      };
      return c.body(feedbackCsvStream(config.db, filter, since, stillAllowed, query.sep ?? 'comma'));
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/feedback/matrix',
    operationId: 'getFeedbackMatrix',
    response: MatrixAnswer,
    access: MARKETING,
    summary:
      'Campaign × verdict: leads counted once by their latest verdict within the filters; campaignId null is Unmatched.',
    query: MatrixQuery,
    async handle({ c, config, query }) {
      return c.json({ cells: await feedbackMatrix(config.db, query) });
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/feedback/:id/replies',
    operationId: 'replyToFeedback',
    response: ReplyCreated,
    access: MARKETING,
    summary:
      "Reply to a rep's feedback; the rep's extension pulls it by cursor. With an id made by the client, a retry of the same reply is stored once. A removed rep's feedback takes none (409 `rep_removed`): no one would see it.",
    request: requests.ReplyRequest,
    errors: [404, 409],
    status: 201,
    async handle({ c, config, member, body }) {
      const id = idParam(c);
      const replyId = await config.db.transaction((tx) => addReply(tx, member, id, body.text, body.id));
      return c.json({ id: replyId }, 201);
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/feedback/:id/answers/:index/useful',
    operationId: 'markAnswerUseful',
    errors: [404],
    response: responses.UsefulMark,
    access: MARKETING,
    summary:
      "Mark a rep's answer useful (index: its place in the feedback item's answers); marking again keeps the first mark. Each brief in GET /api/v1/campaigns carries its campaign's most recently marked answer, without the rep's name.",
    async handle({ c, config, member }) {
      const id = idParam(c);
      const index = indexParam(c);
      return c.json(await config.db.transaction((tx) => markUseful(tx, member.id, id, index)));
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/feedback/:id/answers/:index/useful',
    operationId: 'unmarkAnswerUseful',
    errors: [404],
    access: MARKETING,
    summary: 'Take the useful mark off an answer (an answer not marked is fine).',
    status: 204,
    async handle({ c, config }) {
      const id = idParam(c);
      const index = indexParam(c);
      await config.db.transaction((tx) => unmarkUseful(tx, id, index));
      return c.body(null, 204);
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/workspace',
    operationId: 'getWorkspace',
    response: WorkspaceAnswer,
    access: ADMINS,
    summary:
      "The workspace's settings: name, regions, whether sellers are named in stats, the team webhook and the language of its messages.",
    async handle({ c, config }) {
      const [row] = await config.db.query<{
        name: string;
        regions: string[];
        show_sellers: boolean;
        webhook_url: string | null;
        webhook_language: WebhookLanguage;
        webhook_delivered_at: Date | null;
        webhook_refused_at: Date | null;
        webhook_refusal: string | null;
        webhook_lost: number;
        waiting: number;
      }>(
        `SELECT name, regions, show_sellers, webhook_url, webhook_language, webhook_delivered_at, webhook_refused_at, webhook_refusal,
                webhook_lost, (SELECT count(*)::int FROM webhook_queue) AS waiting
           FROM workspace`,
      );
      return c.json({
        name: row?.name,
        regions: row?.regions,
        showSellers: row?.show_sellers,
        webhookUrl: row?.webhook_url ?? null,
        webhookLanguage: row?.webhook_language ?? 'en',
        webhookStatus: {
          deliveredAt: isoOrNull(row?.webhook_delivered_at),
          refusedAt: isoOrNull(row?.webhook_refused_at),
          refusal: row?.webhook_refusal ?? null,
          lost: row?.webhook_lost ?? 0,
          waiting: row?.waiting ?? 0,
        },
        tireKickerThreshold: await tireKickerThreshold(config.db),
      });
    },
  }),
  route({
    method: 'patch',
    path: '/api/v1/workspace',
    operationId: 'updateWorkspace',
    access: ADMINS,
    summary:
      "The workspace's name, region list, whether sellers are named in stats, and the team webhook and the language of its messages.",
    request: requests.WorkspaceSettings,
    response: responses.Workspace,
    async handle({ c, config, body }) {
      if (body.webhookUrl) {
        try {
          await checkWebhookTarget(body.webhookUrl, config.allowLocalWebhooks ?? false);
        } catch (error) {
          throw new ApiError(
            422,
            'webhook_not_public',
            error instanceof WebhookTargetRefused
              ? error.message
              : `The webhook's host could not be found (${error instanceof Error ? error.message : String(error)}).`,
          );
        }
      }
      await config.db.transaction(async (tx) => {
        if (body.name !== undefined) await tx.query('UPDATE workspace SET name = $1', [body.name]);
        if (body.regions !== undefined)
          await tx.query('UPDATE workspace SET regions = $1', [JSON.stringify(body.regions)]);
        if (body.addRegion !== undefined || body.removeRegion !== undefined)
          await changeRegions(tx, body.addRegion, body.removeRegion);
        if (body.showSellers !== undefined)
          await tx.query('UPDATE workspace SET show_sellers = $1', [body.showSellers]);
        if (body.webhookUrl !== undefined) await saveWebhookAddress(tx, body.webhookUrl);
        if (body.webhookLanguage !== undefined)
          await tx.query('UPDATE workspace SET webhook_language = $1', [body.webhookLanguage]);
        if (body.tireKickerThreshold !== undefined)
          await setTireKickerThreshold(tx, body.tireKickerThreshold);
        await tx.query('UPDATE workspace SET stats_version = stats_version + 1');
      });
      const { showSellers: _, ...workspace } = await loadWorkspace(config.db);
      return c.json(workspace);
    },
  }),
  route({
    method: 'patch',
    path: '/api/v1/members/:id',
    operationId: 'updateMember',
    access: ADMINS,
    summary: "A member's default region.",
    request: requests.MemberPatch,
    response: responses.Member,
    async handle({ c, config, body }) {
      const id = idParam(c);
      const rows = await config.db.query<{ id: string; name: string; role: Role; region: string | null }>(
        'UPDATE members SET region = $2 WHERE id = $1 AND removed_at IS NULL RETURNING id, name, role, region',
        [id, body.region],
      );
      if (!rows[0]) throw new ApiError(404, 'not_found', 'That member does not exist in this workspace.');
      return c.json(toMember(rows[0]));
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/members',
    operationId: 'listMembers',
    response: MembersAnswer,
    access: MARKETING,
    summary:
      'The team (marketers see it to filter feedback by rep); with include=removed, removed members too (`removed: true`), whose verdicts stay in the figures.',
    query: MembersQuery,
    async handle({ c, config, query }) {
      const rows = await config.db.query<{
        id: string;
        name: string;
        role: Role;
        region: string | null;
        removed: boolean;
      }>(
        `SELECT id, name, role, region, removed_at IS NOT NULL AS removed FROM members
          ${query.include === 'removed' ? '' : 'WHERE removed_at IS NULL'} ORDER BY removed_at IS NOT NULL, name`,
      );
      return c.json({
        members: rows.map((row) => ({
          ...toMember(row),
          ...(row.removed ? { removed: true as const } : {}),
        })),
      });
    },
  }),
  route({
    method: 'post',
    secret: true,
    path: '/api/v1/invites',
    operationId: 'inviteMember',
    access: ADMINS,
    summary:
      'Add a member; answers their join link with a one-time code valid for 7 days. A current member’s name, in any case, is refused (409 `name_taken`).',
    request: requests.InviteRequest,
    errors: [409],
    response: JoinAnswer,
    status: 201,
    async handle({ c, config, body }) {
      const { member, code } = await config.db.transaction((tx) => createMember(tx, body));
      return c.json({ member, code, joinUrl: joinUrl(config.publicUrl(c), code) }, 201);
    },
  }),
  route({
    method: 'post',
    secret: true,
    path: '/api/v1/members/:id/codes',
    operationId: 'issueJoinCode',
    access: ADMINS,
    summary: 'A fresh one-time code for an existing member (a new browser, a lost link).',
    response: JoinAnswer,
    status: 201,
    async handle({ c, config }) {
      const id = idParam(c);
      const code = await config.db.transaction((tx) => issueCode(tx, id));
      const info = await me(config.db, id);
      return c.json({ member: info.member, code, joinUrl: joinUrl(config.publicUrl(c), code) }, 201);
    },
  }),
  route({
    method: 'get',
    secret: true,
    path: '/api/v1/members/:id/tokens',
    operationId: 'listLinkedBrowsers',
    access: ADMINS,
    summary:
      "A member's linked browsers: the extension's links and the dashboard's sign-ins (`kind`), when each began and was last used, and a short browser name.",
    response: responses.LinkedBrowsers,
    async handle({ c, config }) {
      const browsers = await linkedBrowsers(config.db, idParam(c), config.tokenMaxIdleDays);
      return c.json({ browsers });
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/members/:id/tokens/:tokenId',
    operationId: 'revokeLinkedBrowser',
    access: ADMINS,
    summary:
      "Revoke one of a member's linked browsers (an extension's link, or a dashboard sign-in, which ends); that browser must be linked or signed in again.",
    status: 204,
    async handle({ c, config }) {
      await revokeMemberToken(config.db, idParam(c), idParam(c, 'tokenId'));
      return c.body(null, 204);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/members/:id',
    operationId: 'removeMember',
    errors: [409],
    access: ADMINS,
    summary: 'Remove a member: their tokens stop working at once; their feedback stays.',
    status: 204,
    async handle({ c, config, member }) {
      const id = idParam(c);
      if (id === member.id)
        throw new ApiError(409, 'self_removal', 'You cannot remove yourself; ask another admin.');
      await config.db.transaction((tx) => removeMember(tx, id, member.id));
      return c.body(null, 204);
    },
  }),
  ...INSIGHT_ROUTES,
];
