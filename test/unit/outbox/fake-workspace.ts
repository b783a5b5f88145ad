import type { VerdictInput } from '../../../lib/messages';
import type { FeedbackItem, FeedbackRecord } from '../../../lib/protocol';
import type { LinkRecord } from '../../../lib/store/db';

export const WORKSPACE = 'https://sameroom.example.com';

export const LINK: LinkRecord = {
  token: 'tok_aaaaaaaaaaaaaaaaaaaaaaaa',
  member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana Ruiz', role: 'rep', region: 'Iberia' },
  workspace: {
    id: '1c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f',
    name: 'Acme',
    regions: ['Iberia', 'DACH', 'Nordics'],
  },
  workspaceUrl: WORKSPACE,
  linkedAt: '2026-11-22T08:00:00.000Z',
};

let counter = 0;
/** A fresh, valid verdict as the panel sends it. */
export function verdictInput(overrides: Partial<VerdictInput> = {}): VerdictInput {
  counter++;
  return {
    id: `7d8e2f4a-1b3c-4d5e-8f90-${String(counter).padStart(12, '0')}`,
    lead: {
      crm: 'salesforce',
      objectType: 'lead',
      recordId: '00Q5g00000A1b2cEAB',
      signals: { utmCampaign: 'hm26', region: 'DACH' },
    },
    url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view?q=ana@example.com',
    campaignId: null,
    verdict: 'good_fit',
    note: 'Wants a demo.',
    ...overrides,
  };
}

/** An answer; a function may take its time, and `undefined` from it means the usual answer. */
type Answer =
  | Response
  | Error
  | ((items: FeedbackItem[]) => Response | Error | undefined | Promise<Response | Error | undefined>);

/**
 * A workspace that answers `POST /api/v1/feedback` from a script of answers (then "created" for
 * everything) and `GET /api/v1/feedback?mine=1` from a list of records, recording what it received,
 * and when: `events` lists each POST's arrival and answer in order, `maxInFlight` the most at once.
 */
export function fakeWorkspace() {
  const posts: FeedbackItem[][] = [];
  const pulls: string[] = [];
  const script: Answer[] = [];
  const events: Array<{ post: number; kind: 'received' | 'answered' }> = [];
  let inFlight = 0;
  let records: FeedbackRecord[] = [];
  const stored = new Map<string, string>();
  /** Stores the items as the workspace does (each id once) and answers for each. */
  const respond = (items: FeedbackItem[]): Response => {
    const results = items.map((item) => {
      const body = JSON.stringify(item);
      const status = !stored.has(item.id)
        ? 'created'
        : stored.get(item.id) === body
          ? 'duplicate'
          : 'conflict';
      if (status === 'created') stored.set(item.id, body);
      return { id: item.id, status };
    });
    return Response.json({ results });
  };
  const workspace = {
    fetchFn: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      if (init?.method === 'POST' && url.pathname === '/api/v1/feedback') {
        const items = (JSON.parse(String(init.body)) as { items: FeedbackItem[] }).items;
        const post = posts.push(items) - 1;
        events.push({ post, kind: 'received' });
        inFlight++;
        workspace.maxInFlight = Math.max(workspace.maxInFlight, inFlight);
        try {
          let answer = script.shift();
          if (typeof answer === 'function') answer = await answer(items);
          if (answer instanceof Error) throw answer;
          return answer ?? respond(items);
        } finally {
          inFlight--;
          events.push({ post, kind: 'answered' });
        }
      }
      if (url.pathname === '/api/v1/feedback' && url.searchParams.get('mine') === '1') {
        const since = url.searchParams.get('since') ?? '0';
        pulls.push(since);
        const next = records.filter((_, index) => index >= Number(since));
        return Response.json({ items: next, cursor: String(records.length) });
      }
      return Response.json({ error: { code: 'not_found', message: 'No such route.' } }, { status: 404 });
    }) as typeof fetch,
    posts,
    pulls,
    events,
    maxInFlight: 0,
    /** The next answers to POST /feedback, in the order the POSTs arrive. */
    answer(...answers: Answer[]) {
      script.push(...answers);
    },
    respond,
    setRecords(next: FeedbackRecord[]) {
      records = next;
    },
    stored,
  };
  return workspace;
}

export function errorResponse(status: number, code: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message: `The workspace says ${code}.` } }, { status, headers });
}
