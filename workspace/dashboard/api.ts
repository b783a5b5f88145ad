import type { Signal } from '@preact/signals';
import type { z } from 'zod';
import { td } from '../../lib/i18n/dashboard';
import {
  describeIssues,
  isRedirect,
  isWebPage,
  type ListRead,
  readJson,
  responses,
} from '../../lib/protocol';
import { fieldProblemWords, refusalWords } from './refusal-words';

/** An answer the dashboard can show: on failure the workspace's words, or the dashboard's in its reader's language. */
export type Answer<T> =
  | { ok: true; data: T; status: number }
  | { ok: false; message: string; status: number; issues: Issue[] };
export interface Issue {
  path: string;
  message: string;
}

/**
 * Calls the workspace API with the session cookie (same origin only) and parses what comes back with
 * `schema`: an answer that does not fit is a failure with a clear message, never data cast to a type.
 */
export async function api<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<z.output<S>>> {
  const answer = await request(method, path, body, headers);
  if (!answer.ok) return answer;
  const read = schema.safeParse(answer.data);
  if (read.success) return { ok: true, data: read.data, status: answer.status };
  return unreadable(answer.status, describeIssues(read.error));
}

/**
 * GETs a list with the protocol's list reader: entries that do not fit are skipped and counted, the
 * rest kept; an answer that is not such a list at all is a failure.
 */
export async function apiList<T>(
  path: string,
  reader: (json: unknown) => ListRead<T>,
): Promise<Answer<{ items: T[]; skipped: number; cursor: string | null }>> {
  const answer = await request('GET', path);
  if (!answer.ok) return answer;
  const read = reader(answer.data);
  if (!read.ok) return unreadable(answer.status, [read.problem]);
  return {
    ok: true,
    data: { items: read.items, skipped: read.rejected.length, cursor: read.cursor },
    status: answer.status,
  };
}

/**
 * A loader whose answers are applied newest-asked only: a slow answer for filters the form has moved
 * on from (a region and rep that hit the slow table, then "all reps" that did not) arrives after the
 * quick one and would otherwise overwrite it. `apply` runs only for the latest call.
 */
export function newestOnly<T>(load: () => Promise<T>, apply: (answer: T) => void): () => Promise<void> {
  let asked = 0;
  return async () => {
    const mine = ++asked;
    const answer = await load();
    if (mine === asked) apply(answer);
  };
}

/**
 * A page's figures for its filters (`query`, the filters as asked), the newest answer only, into `shown`
 * and `problem`. The figures on screen are for one set of filters: another set's are not shown while
 * these load, nor after they failed (they stayed under the new filters, and a click on a count opened a
 * list that did not hold its number); an answer that lands after the filters changed is kept as the
 * figures of the filters it was asked with.
 */
export function figuresFor<T>(
  query: () => string,
  load: (query: string) => Promise<Answer<T>>,
  shown: Signal<T | null>,
  problem: Signal<string | null>,
): () => Promise<void> {
  let shownFor: string | null = null;
  let asked: string | null = null;
  return newestOnly(
    () => {
      asked = query();
      if (asked !== shownFor) shown.value = null;
      return load(asked);
    },
    (answer) => {
      if (answer.ok) {
        shown.value = answer.data;
        shownFor = asked;
        problem.value = null;
      } else {
        problem.value = answer.message;
        shown.value = null;
        shownFor = null;
      }
    },
  );
}

/**
 * The workspace's answer with the session cookie (same origin only), or why none came: unreachable, or
 * sent on to another page.
 */
async function reach(path: string, init: RequestInit = {}): Promise<Response | Answer<never>> {
  let response: Response;
  try {
    // A sign-in proxy in front of the workspace sends an ended sign-in to its login page: followed,
    // that page (another origin, no CORS) failed as "cannot be reached".
    response = await fetch(path, { ...init, credentials: 'same-origin', redirect: 'manual' });
  } catch {
    return { ok: false, status: 0, message: td('errUnreachable'), issues: [] };
  }
  if (isRedirect(response))
    return { ok: false, status: response.status, message: td('errRedirected'), issues: [] };
  return response;
}

/** An answer `reach` could not get. */
const unreached = (reached: Response | Answer<never>): reached is Answer<never> =>
  'issues' in reached && reached.ok === false;

/** The call itself: JSON (or nothing, for 204) on success, the workspace's own words on failure. */
async function request(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<unknown>> {
  const response = await reach(path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (unreached(response)) return response;
  if (response.status === 204) return { ok: true, data: undefined, status: 204 };
  let text: string;
  try {
    text = await response.text();
  } catch {
    // The connection dropped while the answer came.
    return { ok: false, status: response.status, message: td('errUnreachable'), issues: [] };
  }
  const json = readJson(text);
  // HTML where JSON belongs: a proxy's block page, a sign-in page, an index page served for every path.
  if (json === undefined && isWebPage(response, text) && response.status < 500)
    return { ok: false, status: response.status, message: td('errWebPage', response.status), issues: [] };
  if (response.ok)
    return json === undefined
      ? unreadable(response.status, [])
      : { ok: true, data: json, status: response.status };
  return failure(response, json);
}

/** The wait a refusal asks for (Retry-After in seconds; a date is not what the workspace sends). */
function retryAfterSeconds(response: Response): number | null {
  const seconds = Number(response.headers.get('Retry-After') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** A failed answer in words: the workspace's own, or what the status says. */
function failure(response: Response, json: unknown): Answer<never> {
  const envelope = responses.ErrorEnvelope.safeParse(json);
  return {
    ok: false,
    status: response.status,
    // The workspace's words for an unknown sign-in are the extension's ("link the extension again"):
    // here the session cookie has ended, and the page (and what was typed on it) stays while the user
    // signs in. A join link's refused code says why in its own words (used, expired, replaced), which
    // the join page showed as "your session has ended".
    message:
      response.status === 401 && (!envelope.success || envelope.data.error.code === 'unauthorized')
        ? td('errSessionEnded')
        : envelope.success
          ? refusalWords({
              ...envelope.data.error,
              issues: envelope.data.error.issues ?? [],
              status: response.status,
              retryAfter: retryAfterSeconds(response),
            })
          : // Not the workspace's own words: a proxy's 502 or 504 while it restarts, a balancer's 503.
            response.status >= 500
            ? td('errServerDown', response.status)
            : td('errStatus', response.status),
    issues: envelope.success
      ? (envelope.data.error.issues ?? []).map((issue) => ({
          ...issue,
          message: fieldProblemWords(issue.message),
        }))
      : [],
  };
}

/**
 * GETs a file (a CSV export) whole, to be saved by `saveFile`. Followed as a plain link, a failure was
 * the browser's alone: an ended session, a workspace restarting, or an export broken off midway gave
 * a failed entry in the downloads list (or a file of the error's JSON) and nothing on the page.
 */
export async function download(path: string): Promise<Answer<{ blob: Blob; name: string | null }>> {
  const response = await reach(path);
  if (unreached(response)) return response;
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    if (isWebPage(response, text) && response.status < 500)
      return { ok: false, status: response.status, message: td('errWebPage', response.status), issues: [] };
    return failure(response, readJson(text));
  }
  if (isWebPage(response, ''))
    return { ok: false, status: response.status, message: td('errWebPage', response.status), issues: [] };
  try {
    const blob = await response.blob();
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? null;
    return { ok: true, status: response.status, data: { blob, name } };
  } catch {
    // The export broke off midway (the workspace stopped, the connection dropped): no half file.
    return { ok: false, status: response.status, message: td('errDownloadBroken'), issues: [] };
  }
}

/** A successful status with a body the dashboard cannot read: said plainly, with what did not fit. */
export function unreadable(status: number, problems: string[]): Answer<never> {
  return {
    ok: false,
    status,
    message: td('errUnreadable', problems.slice(0, 3).join('; ') || td('errUnreadableUnknown')),
    issues: [],
  };
}
