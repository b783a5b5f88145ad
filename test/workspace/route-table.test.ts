import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../workspace/routes';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

describe('the route table', () => {
  it('gives every route that answers JSON a response schema (the API description and generated clients rest on it)', () => {
    const missing = ROUTES.filter(
      (route) => !route.response && route.status !== 204 && !route.path.endsWith('.csv'),
    ).map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(missing).toEqual([]);
  });

  describe('answers as its schemas say', () => {
    let ws: TestWorkspace;
    afterAll(async () => {
      await ws?.destroy();
    });

    it.each([
      ['get', '/api/v1/campaigns'],
      ['get', '/api/v1/feedback'],
      ['get', '/api/v1/feedback/matrix'],
      ['post', '/api/v1/feedback/:id/replies'],
      ['get', '/api/v1/workspace'],
      ['get', '/api/v1/members'],
      ['get', '/api/v1/insights'],
      ['get', '/api/v1/answers'],
    ])('%s %s', async (method, path) => {
      ws ??= await startTestWorkspace('pglite');
      const route = ROUTES.find((r) => r.method === method && r.path === path)!;
      const created = await ws.call('POST', '/api/v1/campaigns', {
        token: ws.adminToken,
        body: briefInput(),
      });
      const campaignId = ((await created.json()) as { id: string }).id;
      const item = feedbackItem({
        id: randomUUID(),
        campaignId,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: randomUUID() },
      });
      await ws.call('POST', '/api/v1/feedback', { token: ws.adminToken, body: { items: [item] } });
      const answer =
        method === 'post'
          ? await ws.call('POST', `/api/v1/feedback/${item.id}/replies`, {
              token: ws.adminToken,
              body: { text: 'Thanks' },
            })
          : await ws.call('GET', path, { token: ws.adminToken });
      expect(answer.status).toBeLessThan(300);
      const parsed = route.response!.safeParse(await answer.json());
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    });
  });
});
