import { z } from 'zod';
import { LIMITS, type Role, responses } from '../lib/protocol';
import { isoDate, text } from '../lib/protocol/text';
import { questionAnswers } from './domain/answers';
import { CSV_BOM, CSV_DIALECTS } from './domain/csv';
import { type InsightFilter, insights } from './domain/insights';
import { INSIGHT_NAMES, insightsCsv } from './domain/insights-csv';
import type { Route, RouteContext } from './routes';

const MARKETING: readonly Role[] = ['marketer', 'admin'];

const InsightsQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  region: text(LIMITS.name).optional(),
  channel: text(LIMITS.name).optional(),
  rep: z.uuid().optional(),
  format: z.enum(['json', 'csv']).optional(),
  /** CSV only: one chart's rows instead of all of them. */
  insight: z.enum(INSIGHT_NAMES).optional(),
  /** CSV only: `semicolon` for an Excel whose list separator is `;` (domain/csv.ts). */
  sep: z.enum(CSV_DIALECTS).optional(),
});
type InsightsQuery = z.infer<typeof InsightsQuery>;

const AnswersQuery = z.strictObject({
  campaign: z.uuid().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  region: text(LIMITS.name).optional(),
  channel: text(LIMITS.name).optional(),
  rep: z.uuid().optional(),
});
type AnswersQuery = z.infer<typeof AnswersQuery>;

function filterOf(query: InsightsQuery): InsightFilter {
  const { from, to, region, channel, rep } = query;
  return { from, to, region, channel, rep };
}

async function answerCsv({ c, config, query }: RouteContext<unknown, InsightsQuery>): Promise<Response> {
  const csv = insightsCsv(await insights(config.db, filterOf(query)), query.insight, query.sep);
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header(
    'Content-Disposition',
    `attachment; filename="sameroom-insights${query.insight ? `-${query.insight}` : ''}.csv"`,
  );
  return c.body(CSV_BOM + csv);
}

/** The Insights page's API (issue 15); registered beside ROUTES, so the OpenAPI document has it too. */
export const INSIGHT_ROUTES: Route[] = [
  {
    method: 'get',
    path: '/api/v1/insights',
    operationId: 'getInsights',
    access: MARKETING,
    summary:
      'Insights for the filters: channels ranked by good-fit rate and won deals with costs, campaign × region good-fit rates, tire-kicker shares flagged above the threshold, break-even per campaign, reps × campaign, weekly verdict mix. Leads count once, by their latest verdict within the filters; format=csv for a spreadsheet (sep=semicolon: separated by `;`, decimal commas, for an Excel set up for Spanish, German, French…).',
    query: InsightsQuery,
    response: responses.Insights,
    async handle(context: RouteContext<unknown, InsightsQuery>) {
      if (context.query.format === 'csv') return answerCsv(context);
      return context.c.json(await insights(context.config.db, filterOf(context.query)));
    },
  } as Route,
  {
    method: 'get',
    path: '/api/v1/insights.csv',
    operationId: 'getInsightsCsv',
    access: MARKETING,
    summary: 'The insights as one CSV table (an `insight` column names the chart); insight= keeps one chart.',
    query: InsightsQuery,
    handle: answerCsv,
  } as Route,
  {
    method: 'get',
    path: '/api/v1/answers',
    operationId: 'listAnswers',
    access: MARKETING,
    summary:
      "The reps' answers to the briefs' questions for sales, per campaign and question, newest first, each with the lead's latest verdict; filtered by campaign, from, to, region, channel, rep.",
    query: AnswersQuery,
    response: responses.QuestionAnswers,
    async handle({ c, config, query }: RouteContext<unknown, AnswersQuery>) {
      const { campaign, from, to, region, channel, rep } = query;
      return c.json(await questionAnswers(config.db, { campaign, from, to, region, channel, rep }));
    },
  } as Route,
];
