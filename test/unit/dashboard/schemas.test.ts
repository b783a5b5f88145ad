import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as dashboard from '../../../workspace/dashboard/schemas';
import { ROUTES } from '../../../workspace/routes';
import { INSIGHT_ROUTES } from '../../../workspace/routes-insights';

/** Each route the dashboard reads, and the schema it parses the answer with. */
const READS: Array<[method: string, path: string, schema: z.ZodType]> = [
  ['get', '/api/v1/me', dashboard.MeAnswer],
  ['post', '/api/v1/session', dashboard.MeAnswer],
  ['get', '/api/v1/feedback/matrix', dashboard.MatrixAnswer],
  ['post', '/api/v1/feedback/:id/replies', dashboard.ReplyCreated],
  ['get', '/api/v1/workspace', dashboard.WorkspaceAnswer],
  ['patch', '/api/v1/workspace', dashboard.WorkspacePatched],
  ['get', '/api/v1/members', dashboard.MembersAnswer],
  ['patch', '/api/v1/members/:id', dashboard.MemberPatched],
  ['post', '/api/v1/invites', dashboard.JoinAnswer],
  ['post', '/api/v1/members/:id/codes', dashboard.JoinAnswer],
  ['post', '/api/v1/campaigns', dashboard.BriefSaved],
  ['patch', '/api/v1/campaigns/:id', dashboard.BriefSaved],
  ['get', '/api/v1/insights', dashboard.InsightsAnswer],
  ['get', '/api/v1/answers', dashboard.AnswersAnswer],
  ['post', '/api/v1/feedback/:id/answers/:index/useful', dashboard.UsefulMarkAnswer],
];

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });

describe("the dashboard's answer schemas", () => {
  it.each(READS)("%s %s is parsed with exactly the route table's response schema", (method, path, schema) => {
    const route = [...ROUTES, ...INSIGHT_ROUTES].find((r) => r.method === method && r.path === path);
    expect(route?.response, `${method} ${path} has a response schema`).toBeDefined();
    expect(json(schema)).toEqual(json(route!.response!));
  });

  it('reads no-content answers only as no content', () => {
    for (const path of [
      '/api/v1/session',
      '/api/v1/members/:id',
      '/api/v1/feedback/:id/answers/:index/useful',
    ]) {
      expect([...ROUTES].find((r) => r.method === 'delete' && r.path === path)?.status).toBe(204);
    }
    expect(dashboard.NoContent.safeParse(undefined).success).toBe(true);
    expect(dashboard.NoContent.safeParse({}).success).toBe(false);
  });
});
