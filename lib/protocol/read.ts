import { z } from 'zod';
import { LIMITS } from './limits';
import { type Brief, type FeedbackRecord, responses } from './schemas';

/** An entry of a server list that was skipped, said in words a person can pass on to the workspace's admin. */
export interface Rejected {
  index: number;
  id: string | null;
  problems: string[];
}

export type ListRead<T> =
  | { ok: true; items: T[]; rejected: Rejected[]; cursor: string | null }
  | { ok: false; problem: string };

/**
 * A redirect, as fetch hands it back when told not to follow (`redirect: 'manual'`): opaque in a browser,
 * as it came in Node. 304 (Not Modified) is not one.
 */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || [301, 302, 303, 307, 308].includes(response.status);
}

/**
 * An answer that is not JSON but a web page: whatever stands in front of the workspace (a proxy's block
 * page, a sign-in page, an index page served for every path), labelled HTML or not.
 */
export function isWebPage(response: Response, text: string): boolean {
  return /html/i.test(response.headers.get('Content-Type') ?? '') || text.trimStart().startsWith('<');
}

/** `text` as JSON; undefined (which JSON cannot be) when it is not JSON, an empty body included. */
export function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** "talkingPoints.2: Too big: …" lines, at most ten. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/** The `id` of an entry that failed validation, if it has a readable one, for reporting. */
export function idOf(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || !Object.hasOwn(entry, 'id')) return null;
  const value = (entry as { id: unknown }).id;
  return typeof value === 'string' ? value.slice(0, LIMITS.recordId) : null;
}

/**
 * Reads `{ [key]: [...], cursor? }` from the workspace, each entry on its own: a bad entry is reported in
 * `rejected` and the good ones are kept. Only an envelope that is not such a list is a failure.
 */
function readList<T>(json: unknown, key: string, entry: z.ZodType<T>, max: number): ListRead<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problem: 'the answer is not a JSON object' };
  }
  const entries: unknown = Object.hasOwn(json, key) ? (json as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(entries)) return { ok: false, problem: `the answer has no "${key}" list` };
  if (entries.length > max) return { ok: false, problem: `the "${key}" list is longer than ${max}` };

  const rawCursor: unknown = Object.hasOwn(json, 'cursor') ? (json as { cursor: unknown }).cursor : null;
  const cursor = z
    .string()
    .max(LIMITS.short)
    .nullable()
    .safeParse(rawCursor ?? null);
  if (!cursor.success) return { ok: false, problem: 'the answer has a malformed cursor' };

  const items: T[] = [];
  const rejected: Rejected[] = [];
  entries.forEach((candidate, index) => {
    const result = entry.safeParse(candidate);
    if (result.success) items.push(result.data);
    else rejected.push({ index, id: idOf(candidate), problems: describeIssues(result.error) });
  });
  return { ok: true, items, rejected, cursor: cursor.data };
}

/** GET /api/v1/campaigns: one malformed brief is skipped and reported, the rest are shown. */
export function readCampaigns(json: unknown): ListRead<Brief> {
  return readList(json, 'campaigns', responses.Brief, LIMITS.briefs);
}

/** GET /api/v1/feedback: a page of items and the cursor to ask from next time. */
export function readFeedbackPage(json: unknown): ListRead<FeedbackRecord> {
  return readList(json, 'items', responses.FeedbackRecord, LIMITS.page);
}
