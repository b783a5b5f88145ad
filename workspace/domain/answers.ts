/**
 * The reps' answers to the briefs' questionsForSales (issue 15), grouped per campaign and question for
 * marketing, each answer with the lead's latest verdict beside it.
 */
import type { FeedbackItem, QuestionAnswers, Verdict } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { addPeriodFilter, Conditions, type PeriodFilter } from './feedback-filter';
import { storedLead } from './ingest';

export interface AnswerFilter extends PeriodFilter {
  campaign?: string | undefined;
}

/** Answers kept per question: the newest. */
export const ANSWERS_PER_QUESTION = 200;

/**
 * Questions a campaign's brief does not ask (any more) kept per campaign: those answered most
 * recently. A rep's client may send any question text; every one was its own group, and a rep's 500
 * verdicts of made-up questions made the marketers' Answers page 7 MB.
 */
export const UNASKED_QUESTIONS = 20;

interface AnswerRow {
  feedback_id: string;
  campaign_id: string;
  campaign_name: string;
  asked: string[] | null;
  question: string;
  total: number;
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
  lead_key: string;
  created_at: Date;
}

/**
 * Campaigns by name, their questions in the brief's order (then those it no longer asks, as first
 * answered), answers newest first (on equal instants the greater feedback id first). The database keeps
 * ANSWERS_PER_QUESTION a question and UNASKED_QUESTIONS a campaign, and counts the rest: what is read
 * and sent does not grow with the answers stored.
 */
export async function questionAnswers(sql: Sql, filter: AnswerFilter): Promise<QuestionAnswers> {
  const conditions = new Conditions();
  conditions.clauses.push('f.answers IS NOT NULL');
  if (filter.campaign) conditions.add('f.campaign_id = ?::uuid', filter.campaign);
  addPeriodFilter(conditions, filter);
  const perQuestion = conditions.params.push(ANSWERS_PER_QUESTION);
  const unasked = conditions.params.push(UNASKED_QUESTIONS);
  const rows = await sql.query<AnswerRow>(
    `WITH answered AS (
       SELECT f.id, f.campaign_id, f.lead_key, f.verdict, f.region, f.member_id, f.crm, f.object_type,
              f.record_id, f.url, f.created_at, b.data->>'name' AS campaign_name,
              b.data->'questionsForSales' AS asked, a.value->>'question' AS question,
              a.value->>'answer' AS answer, a.place,
              coalesce(jsonb_exists(b.data->'questionsForSales', a.value->>'question'), false) AS is_asked
         FROM feedback f
         JOIN briefs b ON b.id = f.campaign_id
         CROSS JOIN LATERAL jsonb_array_elements(f.answers) WITH ORDINALITY AS a(value, place)
        ${conditions.where()}
     ),
     ranked AS (
       SELECT s.*,
              row_number() OVER (PARTITION BY s.campaign_id, s.question ORDER BY s.created_at DESC, s.id DESC) AS rank,
              count(*) OVER (PARTITION BY s.campaign_id, s.question) AS total,
              max(s.created_at) OVER (PARTITION BY s.campaign_id, s.question) AS newest
         FROM answered s
     ),
     kept AS (
       SELECT r.*,
              dense_rank() OVER (PARTITION BY r.campaign_id, r.is_asked ORDER BY r.newest DESC, r.question COLLATE "C") AS group_rank
         FROM ranked r WHERE r.rank <= $${perQuestion}
     )
     SELECT k.id::text AS feedback_id, k.campaign_id::text AS campaign_id, k.campaign_name, k.asked, k.question,
            k.answer, (k.place - 1)::int AS answer_index, k.total::int AS total,
            EXISTS (SELECT 1 FROM useful_answers u WHERE u.feedback_id = k.id AND u.answer_index = k.place - 1) AS useful,
            k.verdict AS answered_with, latest.verdict, k.region, k.member_id::text AS member_id,
            m.name AS member_name, k.crm, k.object_type, k.record_id, k.url, k.lead_key, k.created_at
       FROM kept k
       JOIN members m ON m.id = k.member_id
       CROSS JOIN LATERAL (SELECT l.verdict FROM feedback l WHERE l.lead_key = k.lead_key
                            ORDER BY l.created_at DESC, l.received_at DESC, l.id DESC LIMIT 1) latest
      WHERE k.is_asked OR k.group_rank <= $${unasked}
      ORDER BY k.created_at DESC, k.id DESC`,
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
    group.total = Number(row.total);
    group.answers.push({
      feedbackId: row.feedback_id,
      index: Number(row.answer_index),
      answer: row.answer,
      useful: row.useful === true,
      verdict: row.verdict,
      answeredWith: row.answered_with,
      region: row.region,
      rep: { id: row.member_id, name: row.member_name },
      lead: storedLead(row),
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
