import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackItem, Member } from '../../lib/protocol';
import { questionAnswers } from '../../workspace/domain/answers';
import { ingest, prepareBatch } from '../../workspace/domain/ingest';
import { feedbackMatrix } from '../../workspace/domain/matrix';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * A lead's latest verdict is one thing everywhere: the newest by the rep's clock, then the later to
 * arrive, then the greater id (the rollups' order, which `verify` rebuilds). The matrix left out the id
 * (two verdicts made at one instant in one batch were picked at random) and the answers left out the
 * arrival, so each could name another verdict than the dashboard's counts.
 */
describe("a lead's latest verdict when two share their instant", () => {
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.destroy();
  });

  it('is the same in the matrix, beside the answers, and in the rollups', async () => {
    ws = await startTestWorkspace('pglite');
    const marketer = await ws.join('marketer');
    const created = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ questionsForSales: ['Budget?'] }),
    });
    const campaignId = ((await created.json()) as { id: string }).id;
    const { id } = await ws.join('rep', 'Ana', 'DACH');
    const ana: Member = { id, name: 'Ana', role: 'rep', region: 'DACH' };
    const at = '2026-11-02T09:00:00.000Z';
    const item = (id: string, recordId: string, verdict: FeedbackItem['verdict']) =>
      feedbackItem({
        id,
        campaignId,
        lead: { crm: 'hubspot', objectType: 'contact', recordId },
        verdict,
        answers: [{ question: 'Budget?', answer: `${verdict} budget` }],
        createdAt: at,
      });
    // One lead: both in one batch, the greater id last to be latest.
    await ingest(
      ws.db,
      ana,
      prepareBatch([
        item('ffffffff-0000-4000-8000-000000000001', '1', 'good_fit'),
        item('00000000-0000-4000-8000-000000000001', '1', 'spam'),
      ]),
    );
    // Another: the smaller id arrives later, so it is the latest.
    await ingest(ws.db, ana, prepareBatch([item('ffffffff-0000-4000-8000-000000000002', '2', 'good_fit')]));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await ingest(
      ws.db,
      ana,
      prepareBatch([item('00000000-0000-4000-8000-000000000002', '2', 'wrong_audience')]),
    );

    const latest = await ws.db.query<{ lead_key: string; verdict: string }>(
      'SELECT lead_key, verdict FROM lead_latest ORDER BY lead_key',
    );
    expect(latest.map((row) => row.verdict)).toEqual(['good_fit', 'wrong_audience']);
    const matrix = await feedbackMatrix(ws.db, {});
    expect(
      matrix
        .filter((cell) => cell.leads > 0)
        .map((cell) => [cell.verdict, cell.leads])
        .sort(),
    ).toEqual([
      ['good_fit', 1],
      ['wrong_audience', 1],
    ]);
    const answers = await questionAnswers(ws.db, {});
    const shown = answers.campaigns.flatMap((campaign) =>
      campaign.questions.flatMap((question) =>
        question.answers.map((answer) => [answer.lead.recordId, answer.verdict]),
      ),
    );
    expect(new Set(shown.map((pair) => pair.join()))).toEqual(new Set(['1,good_fit', '2,wrong_audience']));
  });

  it("lists a matrix cell's leads, each by its latest verdict, so the list holds what the cell counts", async () => {
    const marketer = await ws.join('marketer', 'Mara');
    const created = await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ name: 'Cell campaign' }),
    });
    const campaignId = ((await created.json()) as { id: string }).id;
    const { id } = await ws.join('rep', 'Bo', 'DACH');
    const bo: Member = { id, name: 'Bo', role: 'rep', region: 'DACH' };
    const verdict = (recordId: string, verdict: FeedbackItem['verdict'], minute: number) =>
      feedbackItem({
        id: randomUUID(),
        campaignId,
        lead: { crm: 'pipedrive', objectType: 'person', recordId },
        verdict,
        createdAt: new Date(Date.UTC(2026, 10, 3, 9, minute)).toISOString(),
      });
    // Lead 10: good fit, then won. Lead 11: good fit only.
    await ingest(
      ws.db,
      bo,
      prepareBatch([verdict('10', 'good_fit', 0), verdict('10', 'won', 5), verdict('11', 'good_fit', 1)]),
    );
    const cell = (await feedbackMatrix(ws.db, {})).find(
      (c) => c.campaignId === campaignId && c.verdict === 'good_fit',
    );
    expect(cell?.leads).toBe(1);
    const list = async (extra: string) =>
      (
        (await (
          await ws.call('GET', `/api/v1/feedback?campaign=${campaignId}&verdict=good_fit${extra}`, {
            token: marketer.token,
          })
        ).json()) as { items: Array<{ lead: { recordId: string } }> }
      ).items.map((item) => item.lead.recordId);
    expect((await list('')).sort()).toEqual(['10', '11']);
    expect(await list('&latest=1')).toEqual(['11']);
    // The cell's CSV holds the same leads: latest=1 counts there too.
    const csvRecords = async (extra: string) => {
      const csv = await ws.call(
        'GET',
        `/api/v1/feedback?campaign=${campaignId}&verdict=good_fit&format=csv${extra}`,
        {
          token: marketer.token,
        },
      );
      const [header, ...rows] = (await csv.text()).split('\r\n').filter(Boolean);
      const column = header!.split(',').indexOf('record_id');
      return rows.map((row) => row.split(',')[column]).sort();
    };
    expect(await csvRecords('')).toEqual(['10', '11']);
    expect(await csvRecords('&latest=1')).toEqual(['11']);
  });
});
