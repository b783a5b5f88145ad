/**
 * Load on one workspace: N concurrent clients, each a rep's extension, for a fixed time. Each turn a
 * client posts a batch of verdicts (sometimes one it already sent, as a retry would), reads the
 * campaigns with its ETag, and pulls its feed by cursor. Counts every answer by status and checks that
 * every item acknowledged as created is stored, exactly once.
 */
import { randomUUID } from 'node:crypto';
import { briefInput, feedbackItem } from '../test/support/examples';
import { linkWithCode } from '../test/support/link';
import type { RunningWorkspace } from '../workspace/server';

export interface LoadFigures {
  clients: number;
  seconds: number;
  requests: number;
  serverErrors: number;
  /** Answers other than 200, 201, 304 and 429 (a client error here is a defect of ours). */
  unexpected: number;
  rateLimited: number;
  itemsAcknowledged: number;
  itemsStored: number;
  lost: number;
  duplicated: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers by status (0: no answer). */
  statuses: Record<string, number>;
}

export async function runLoad(
  ws: RunningWorkspace,
  options: { clients: number; seconds: number; batch?: number; adminToken?: string },
): Promise<LoadFigures> {
  const batchSize = options.batch ?? 20;
  const link = (code: string) => linkWithCode(ws.url, code);
  const admin = options.adminToken ?? (await link(ws.adminJoinUrl!.split('#')[1]!));
  const adminHeaders = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const brief = await fetch(`${ws.url}/api/v1/campaigns`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify(briefInput()),
  });
  const { id: campaignId } = (await brief.json()) as { id: string };
  const tokens: string[] = [];
  for (let n = 0; n < options.clients; n++) {
    const invite = await fetch(`${ws.url}/api/v1/invites`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify({ name: `Load rep ${n}`, role: 'rep', region: 'DACH' }),
    });
    tokens.push(await link(((await invite.json()) as { code: string }).code));
  }

  const timings: number[] = [];
  const statuses = new Map<number, number>();
  const acknowledged = new Set<string>();
  let requests = 0;
  const timed = async (path: string, init: RequestInit): Promise<Response> => {
    const started = performance.now();
    let answer: Response;
    try {
      answer = await fetch(`${ws.url}${path}`, init);
    } catch {
      statuses.set(0, (statuses.get(0) ?? 0) + 1);
      requests++;
      return new Response(null, { status: 599 });
    }
    const body = await answer.arrayBuffer();
    timings.push(performance.now() - started);
    requests++;
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    return new Response(answer.status === 304 ? null : body, {
      status: answer.status,
      headers: answer.headers,
    });
  };
  const deadline = Date.now() + options.seconds * 1000;
  await Promise.all(
    tokens.map(async (token, client) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      let etag = '';
      let cursor = '0';
      let previous: unknown[] = [];
      for (let turn = 0; Date.now() < deadline; turn++) {
        const items = Array.from({ length: batchSize }, (_, n) =>
          feedbackItem({
            id: randomUUID(),
            campaignId,
            lead: { crm: 'hubspot', objectType: 'contact', recordId: `${client}-${turn}-${n % 7}` },
            createdAt: new Date(Date.now() - 60_000 + n).toISOString(),
          }),
        );
        // Every fourth turn resends the last batch too, as an extension that never heard the answer.
        const body = turn % 4 === 3 ? [...previous, ...items] : items;
        const posted = await timed('/api/v1/feedback', {
          method: 'POST',
          headers,
          body: JSON.stringify({ items: body }),
        });
        if (posted.status === 200) {
          const { results } = (await posted.json()) as { results: Array<{ id: string; status: string }> };
          for (const result of results) if (result.status === 'created') acknowledged.add(result.id);
          previous = items;
        }
        const campaigns = await timed('/api/v1/campaigns', {
          headers: { ...headers, ...(etag ? { 'if-none-match': etag } : {}) },
        });
        etag = campaigns.headers.get('etag') ?? etag;
        const feed = await timed(`/api/v1/feedback?mine=1&since=${encodeURIComponent(cursor)}`, { headers });
        if (feed.status === 200)
          cursor = ((await feed.json()) as { next?: string; cursor?: string }).cursor ?? cursor;
      }
    }),
  );
  const stored = await ws.db.query<{ id: string; n: number }>(
    'SELECT id::text, count(*)::int AS n FROM feedback WHERE id = ANY($1::uuid[]) GROUP BY id',
    [[...acknowledged]],
  );
  timings.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((timings[Math.min(timings.length - 1, Math.floor(q * timings.length))] ?? 0) * 10) / 10;
  const count = (test: (status: number) => boolean) =>
    [...statuses.entries()].filter(([status]) => test(status)).reduce((sum, [, n]) => sum + n, 0);
  return {
    clients: options.clients,
    seconds: options.seconds,
    requests,
    serverErrors: count((status) => status >= 500 || status === 0),
    unexpected: count((status) => ![200, 201, 304, 429].includes(status)),
    rateLimited: count((status) => status === 429),
    itemsAcknowledged: acknowledged.size,
    itemsStored: stored.length,
    lost: acknowledged.size - stored.length,
    duplicated: stored.filter((row) => row.n > 1).length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    statuses: Object.fromEntries(statuses),
  };
}
