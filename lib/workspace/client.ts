import { RepError } from '../errors';
import { t } from '../i18n';
import {
  type Brief,
  type FeedbackItem,
  type FeedbackRecord,
  type FeedbackResult,
  isRedirect,
  isWebPage,
  type LinkResponse,
  type Me,
  type Rejected,
  readCampaigns,
  readFeedbackPage,
  readJson,
  responses,
} from '../protocol';

/** What went wrong talking to the workspace, in words a rep can act on. */
export class WorkspaceError extends RepError {
  constructor(
    readonly kind:
      | 'offline'
      | 'notWorkspace'
      | 'unauthorized'
      | 'badCode'
      | 'refused'
      | 'busy'
      | 'server'
      /** 413, from the workspace or a proxy in front of it: a smaller request may pass. */
      | 'tooLarge',
    message: string,
    /** From `Retry-After` on 429 and 503: how long the workspace asked us to wait. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /** Worth trying again later: no answer, a timeout, 408, 429 or 5xx (and an unreadable answer). */
  get retryable(): boolean {
    return (
      this.kind === 'offline' ||
      this.kind === 'busy' ||
      this.kind === 'server' ||
      this.kind === 'notWorkspace'
    );
  }
}

/**
 * The longest `Retry-After` honoured: the workspace asks for an hour at most (its rate-limit windows); a
 * proxy asking for days would stall every verdict until the rep pressed "Sync now".
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** A wait as the rep reads it: seconds up to a minute and a half, else whole minutes (rounded up). */
function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds <= 90 ? t('waitSeconds', seconds) : t('waitMinutes', Math.ceil(seconds / 60));
}

/**
 * `Retry-After` as seconds or an HTTP date, in milliseconds from `now` (an hour at most); null when absent
 * or unreadable. A date is on the clock of whoever sent it: `now` is then the answer's own `Date`.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** Every request gives up before 25 seconds: a hanging server must not hold the panel or the worker. */
export const REQUEST_TIMEOUT_MS = 25_000;

export type CampaignsAnswer =
  | { notModified: true }
  | { notModified: false; etag: string | null; briefs: Brief[]; rejected: Rejected[] };

/** The workspace API as the background uses it: bearer token, no cookies, JSON checked on the way in. */
export class WorkspaceClient {
  /**
   * The workspace's clock less ours, from the Date of its latest answer (to the second, the time on the
   * way included); null before any answer carried one (a workspace before it exposed Date).
   */
  clockOffsetMs: number | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = null,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  private async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
  ) {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        credentials: 'omit',
        headers: {
          ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
        // Never followed: a sign-in page or a proxy in front of the workspace would get the token (as
        // Chromium before 119 sent it on), and its answer would be taken for the workspace's.
        redirect: 'manual',
      });
    } catch {
      throw new WorkspaceError('offline', t('errOffline', this.baseUrl));
    }
    if (isRedirect(response)) throw new WorkspaceError('notWorkspace', t('errRedirected', this.baseUrl));
    const serverTime = Date.parse(response.headers.get('Date') ?? '');
    if (!Number.isNaN(serverTime)) this.clockOffsetMs = serverTime - Date.now();
    return response;
  }

  /** The body as text; one cut off on its way (the connection dropped, the time ran out) is no answer. */
  private async text(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch {
      throw new WorkspaceError('offline', t('errOffline', this.baseUrl));
    }
  }

  private async json(response: Response): Promise<unknown> {
    const text = await this.text(response);
    const json = readJson(text);
    if (json !== undefined) return json;
    throw new WorkspaceError(
      'notWorkspace',
      isWebPage(response, text)
        ? t('errWebPage', this.baseUrl, response.status)
        : t('errNotWorkspace', this.baseUrl),
    );
  }

  private async fail(response: Response): Promise<never> {
    // A date is read on the sender's clock (the offset request() took from this answer's Date), not
    // ours: a rep's clock an hour behind the workspace's waited an hour longer than asked.
    const wait = retryAfterMs(response.headers.get('Retry-After'), Date.now() + (this.clockOffsetMs ?? 0));
    const text = await response.text().catch(() => '');
    const envelope = responses.ErrorEnvelope.safeParse(readJson(text));
    // In the rep's words, not the workspace's (English whatever the rep reads), with the wait asked.
    if (response.status === 408 || response.status === 429) {
      throw new WorkspaceError(
        'busy',
        wait ? t('errBusyWait', response.status, waitText(wait)) : t('errBusy', response.status),
        wait,
      );
    }
    // A proxy's limit answers with its own page: not "not the workspace", and not to be tried as it was.
    if (response.status === 413) throw new WorkspaceError('tooLarge', t('errTooLarge', response.status));
    if (!envelope.success) {
      throw new WorkspaceError(
        response.status >= 500 ? 'server' : 'notWorkspace',
        response.status >= 500
          ? t('errServer', response.status)
          : isWebPage(response, text)
            ? t('errWebPage', this.baseUrl, response.status)
            : t('errNotWorkspaceStatus', this.baseUrl, response.status),
        wait,
      );
    }
    const { code, message } = envelope.data.error;
    // The workspace words these in its own language; the rep reads them in theirs.
    if (code === 'used_code') throw new WorkspaceError('badCode', t('errUsedCode'));
    if (code === 'expired_code') throw new WorkspaceError('badCode', t('errExpiredCode'));
    if (code.endsWith('_code')) throw new WorkspaceError('badCode', t('errBadCode'));
    if (response.status === 401 || response.status === 403)
      throw new WorkspaceError('unauthorized', t('errUnauthorized'));
    if (code === 'disk_full') throw new WorkspaceError('server', t('errWorkspaceDiskFull'), wait);
    if (code === 'not_ready') throw new WorkspaceError('server', t('errWorkspaceNotReady'), wait);
    if (code === 'wrong_host') throw new WorkspaceError('refused', t('errWrongHost', this.baseUrl));
    if (response.status >= 500) throw new WorkspaceError('server', message, wait);
    throw new WorkspaceError('refused', message);
  }

  async link(code: string): Promise<LinkResponse> {
    const response = await this.request('POST', '/api/v1/link', { body: { code } });
    if (!response.ok) return this.fail(response);
    const parsed = responses.LinkResponse.safeParse(await this.json(response));
    if (!parsed.success) throw new WorkspaceError('notWorkspace', t('errNotWorkspace', this.baseUrl));
    return parsed.data;
  }

  async me(): Promise<Me> {
    const response = await this.request('GET', '/api/v1/me');
    if (!response.ok) return this.fail(response);
    const parsed = responses.Me.safeParse(await this.json(response));
    if (!parsed.success) throw new WorkspaceError('notWorkspace', t('errUnreadable'));
    return parsed.data;
  }

  async campaigns(etag: string | null, timeoutMs?: number): Promise<CampaignsAnswer> {
    const response = await this.request('GET', '/api/v1/campaigns', {
      headers: etag ? { 'If-None-Match': etag } : {},
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    if (response.status === 304) return { notModified: true };
    if (!response.ok) return this.fail(response);
    const read = readCampaigns(await this.json(response));
    if (!read.ok) throw new WorkspaceError('notWorkspace', t('errUnreadableCampaigns', read.problem));
    return {
      notModified: false,
      etag: response.headers.get('ETag'),
      briefs: read.items,
      rejected: read.rejected,
    };
  }

  /**
   * DELETE /api/v1/tokens/current: the workspace stops accepting this token (Unlink). A 401 means it
   * already does not, which is what was asked.
   */
  async revokeToken(timeoutMs?: number): Promise<void> {
    const response = await this.request('DELETE', '/api/v1/tokens/current', timeoutMs ? { timeoutMs } : {});
    if (response.status === 204 || response.status === 401) return;
    return this.fail(response);
  }

  /** POST /api/v1/feedback: one answer per item, in order. */
  async postFeedback(items: FeedbackItem[]): Promise<FeedbackResult[]> {
    const response = await this.request('POST', '/api/v1/feedback', { body: { items } });
    if (!response.ok) return this.fail(response);
    const parsed = responses.FeedbackBatchResponse.safeParse(await this.json(response));
    if (!parsed.success || parsed.data.results.length !== items.length)
      throw new WorkspaceError('notWorkspace', t('errUnreadable'));
    return parsed.data.results;
  }

  /** GET /api/v1/feedback?mine=1: the rep's own items changed after the cursor, with their replies. */
  async myFeedbackSince(cursor: string): Promise<{ items: FeedbackRecord[]; cursor: string }> {
    const response = await this.request('GET', `/api/v1/feedback?mine=1&since=${encodeURIComponent(cursor)}`);
    if (!response.ok) return this.fail(response);
    const read = readFeedbackPage(await this.json(response));
    if (!read.ok) throw new WorkspaceError('notWorkspace', t('errUnreadableReplies', read.problem));
    return { items: read.items, cursor: read.cursor ?? cursor };
  }
}
