import { responses } from '../../lib/protocol';

/** An answer the dashboard can show: the workspace's own words on failure. */
export type Answer<T> =
  | { ok: true; data: T; status: number }
  | { ok: false; message: string; status: number; issues: Issue[] };
export interface Issue {
  path: string;
  message: string;
}

/** Calls the workspace API with the session cookie (same origin only). */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      message: 'The workspace cannot be reached. Check your connection and try again.',
      issues: [],
    };
  }
  if (response.status === 204) return { ok: true, data: undefined as T, status: 204 };
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: json as T, status: response.status };
  const envelope = responses.ErrorEnvelope.safeParse(json);
  return {
    ok: false,
    status: response.status,
    message: envelope.success ? envelope.data.error.message : `The workspace answered ${response.status}.`,
    issues: envelope.success ? (envelope.data.error.issues ?? []) : [],
  };
}
