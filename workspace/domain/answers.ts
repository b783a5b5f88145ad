/**
 * The reps' answers to the briefs' questionsForSales (issue 15), grouped per campaign and question for
 * marketing, each answer with the lead's latest verdict beside it.
 */
import type { FeedbackItem, QuestionAnswers, Verdict } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { addPeriodFilter, Conditions, type PeriodFilter } from './feedback-filter';

export interface AnswerFilter extends PeriodFilter {
  campaign?: string | undefined;
}

/** Answers kept per question: the newest. */
export const ANSWERS_PER_QUESTION = 200;

interface AnswerRow {
  feedback_id: string;
  campaign_id: string;
  campaign_name: string;
  asked: string[] | null;
  question: string;
  answer: string;
  answer_index: number;
  useful: boolean;
  answered_with: Verdict;
  verdict: Verdict;
  region: string | null;
  member_id: string;
  member_name: string;
  crm: FeedbackItem['lead']['crm'];
  object_type: FeedbackItem['lead']['objectType'];
  record_id: string;
  url: string | null;
  created_at: Date;
}

/**
 * Campaigns by name, their questions in the brief's order (then those it no longer asks, as first
 * answered), answers newest first (on equal instants the greater feedback id first).
 */
export async function questionAnswers(sql: Sql, filter: AnswerFilter): Promise<QuestionAnswers> {
  const conditions = new Conditions();
  conditions.clauses.push('f.answers IS NOT NULL');
  if (filter.campaign) conditions.add('f.campaign_id = ?::uuid', filter.campaign);
  addPeriodFilter(conditions, filter);
  const rows = await sql.query<AnswerRow>(
    `SELECT f.id::text AS feedback_id, f.campaign_id::text AS campaign_id, b.data->>'name' AS campaign_name,
            b.data->'questionsForSales' AS asked, a.value->>'question' AS question, a.value->>'answer' AS answer,
            (a.place - 1)::int AS answer_index,
            EXISTS (SELECT 1 FROM useful_answers u WHERE u.feedback_id = f.id AND u.answer_index = a.place - 1) AS useful,
            f.verdict AS answered_with, latest.verdict, f.region, f.member_id::text AS member_id,
            m.name AS member_name, f.crm, f.object_type, f.record_id, f.url, f.created_at
       FROM feedback f
       JOIN briefs b ON b.id = f.campaign_id
       JOIN members m ON m.id = f.member_id
       CROSS JOIN LATERAL jsonb_array_elements(f.answers) WITH ORDINALITY AS a(value, place)
       CROSS JOIN LATERAL (SELECT l.verdict FROM feedback l WHERE l.lead_key = f.lead_key
                            ORDER BY l.created_at DESC, l.received_at DESC, l.id DESC LIMIT 1) latest
      ${conditions.where()}
      ORDER BY f.created_at DESC, f.id DESC`,
    conditions.params,
  );

  const campaigns = new Map<
    string,
    {
      name: string;
      asked: string[];
      questions: Map<string, QuestionAnswers['campaigns'][number]['questions'][number]>;
    }
  >();
  for (const row of rows) {
    let campaign = campaigns.get(row.campaign_id);
    if (!campaign) {
      const asked = Array.isArray(row.asked) ? row.asked : [];
      campaign = { name: row.campaign_name, asked, questions: new Map() };
      for (const question of asked) {
        campaign.questions.set(question, { question, asked: true, total: 0, answers: [] });
      }
      campaigns.set(row.campaign_id, campaign);
    }
    let group = campaign.questions.get(row.question);
    if (!group) {
      group = { question: row.question, asked: false, total: 0, answers: [] };
      campaign.questions.set(row.question, group);
    }
    group.total += 1;
    if (group.answers.length >= ANSWERS_PER_QUESTION) continue;
    group.answers.push({
      feedbackId: row.feedback_id,
      index: Number(row.answer_index),
      answer: row.answer,
      useful: row.useful === true,
      verdict: row.verdict,
      answeredWith: row.answered_with,
      region: row.region,
      rep: { id: row.member_id, name: row.member_name },
      lead: {
        crm: row.crm,
        objectType: row.object_type,
        recordId: row.record_id,
        ...(row.url ? { url: row.url } : {}),
      },
      createdAt: new Date(row.created_at).toISOString(),
    });
  }

  const { campaign, from, to, region, channel, rep } = filter;
  const defined = Object.entries({ campaign, from, to, region, channel, rep }).filter(([, v]) => v);
  return {
    filter: Object.fromEntries(defined),
    perQuestion: ANSWERS_PER_QUESTION,
    campaigns: [...campaigns.entries()]
      .map(([campaignId, c]) => ({
        campaignId,
        name: c.name,
        // Questions the brief asks but nobody answered in the filters are left out.
        questions: [...c.questions.values()].filter((q) => q.total > 0),
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || (a.campaignId < b.campaignId ? -1 : 1)),
  };
}
