import type { LinkedBrowser, Me, Member, Role } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { me } from '../domain/workspace';
import { notFound } from '../errors';
import { refuseOver } from '../rate-limit';
import { useCode } from './codes';
import { hashSecret, newSecret } from './secrets';

export const DEFAULT_TOKEN_IDLE_DAYS = 90;
/** last_used_at is written at most this often per token: not a write per request. */
export const TOKEN_TOUCH_SECONDS = 60;
/** An interval no recorded use is older than (int4's largest: 68 years). */
const NEVER_SECONDS = 2_147_483_647;

/** "Firefox 128 on Linux": enough for an admin to tell a member's browsers apart, nothing more. */
export function browserSummary(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const browser =
    [
      ['Edge', /Edg\/(\d+)/],
      ['Opera', /OPR\/(\d+)/],
      ['Firefox', /Firefox\/(\d+)/],
      ['Chrome', /Chrome\/(\d+)/],
      ['Safari', /Version\/(\d+)[.\d]* Safari\//],
    ]
      .map(([name, pattern]) => {
        const match = userAgent.match(pattern as RegExp);
        return match ? `${name as string} ${match[1]}` : null;
      })
      .find(Boolean) ?? null;
  const os =
    [
      ['Windows', /Windows/],
      ['Android', /Android/],
      ['ChromeOS', /CrOS/],
      ['iOS', /iPhone|iPad/],
      ['macOS', /Mac OS X|Macintosh/],
      ['Linux', /Linux/],
    ].find(([, pattern]) => (pattern as RegExp).test(userAgent))?.[0] ?? null;
  const summary = [browser, os && `on ${os}`].filter(Boolean).join(' ');
  return summary || 'Unknown browser';
}

/** A new bearer token for a member; the database keeps its hash and which browser asked for it. */
export async function issueToken(sql: Sql, memberId: string, browser: string | null): Promise<string> {
  const token = newSecret();
  await sql.query('INSERT INTO tokens (hash, member_id, browser, last_used_at) VALUES ($1, $2, $3, now())', [
    hashSecret(token),
    memberId,
    browser?.slice(0, 100) ?? null,
  ]);
  return token;
}

interface TokenMemberRow {
  token_id: string;
  id: string;
  name: string;
  role: Role;
  region: string | null;
  count: number | null;
  retry_after: number | null;
}

/** What a token may do per window (counted per token in rate_limits, shared by every process). */
export interface TokenRequests {
  limit: number;
  windowSeconds: number;
}

export const TOO_MANY_REQUESTS = 'Too many requests with this sign-in: wait a little and try again.';

/**
 * The member a bearer token belongs to and the token's id, or null for an unknown, revoked, idle-expired
 * or removed member's token. Records the use when the last one recorded is over a minute old. Given
 * `requests`, the same statement counts the request against the token's window (rate_limits key
 * `token:<id>`, as ../rate-limit.ts counts) and a request past the limit is refused 429 with Retry-After:
 * one round trip per request, and a token that is refused is not counted.
 */
export async function authenticate(
  sql: Sql,
  token: string,
  maxIdleDays: number = DEFAULT_TOKEN_IDLE_DAYS,
  requests?: TokenRequests,
  { touch = true }: { touch?: boolean } = {},
): Promise<{ member: Member; tokenId: string } | null> {
  // token_request (migration 012): one statement, planned once per connection. Without `touch` (the disk
  // nearly full) the use is not recorded: its last record is older than the longest interval there is.
  const [row] = await sql.query<TokenMemberRow>('SELECT * FROM token_request($1, $2, $3, $4)', [
    hashSecret(token),
    maxIdleDays,
    touch ? TOKEN_TOUCH_SECONDS : NEVER_SECONDS,
    requests?.windowSeconds ?? 0,
  ]);
  if (!row) return null;
  if (requests && row.count !== null) {
    refuseOver({ count: row.count, retry_after: row.retry_after ?? 1 }, requests.limit, TOO_MANY_REQUESTS);
  }
  return {
    member: { id: row.id, name: row.name, role: row.role, region: row.region },
    tokenId: row.token_id,
  };
}

/** Revokes one token by its id (Unlink: the token the caller used). */
export async function revokeToken(sql: Sql, tokenId: string): Promise<void> {
  await sql.query('UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [tokenId]);
}

/**
 * A member's linked browsers that still work: the extension's tokens, and the dashboard's sessions
 * (`kind`), never a hash, only each one's id. A session has no last use kept (it ends 30 days after it
 * started).
 */
export async function linkedBrowsers(
  sql: Sql,
  memberId: string,
  maxIdleDays: number = DEFAULT_TOKEN_IDLE_DAYS,
): Promise<LinkedBrowser[]> {
  const [member] = await sql.query('SELECT 1 FROM members WHERE id = $1 AND removed_at IS NULL', [memberId]);
  if (!member) throw notFound('That member');
  const rows = await sql.query<{
    id: string;
    kind: LinkedBrowser['kind'];
    browser: string | null;
    created_at: Date;
    last_used_at: Date | null;
  }>(
    `SELECT id, 'extension' AS kind, browser, created_at, last_used_at FROM tokens
      WHERE member_id = $1 AND revoked_at IS NULL
        AND coalesce(last_used_at, created_at) > now() - make_interval(days => $2::int)
     UNION ALL
     SELECT id, 'dashboard', browser, created_at, NULL FROM sessions
      WHERE member_id = $1 AND expires_at > now()
      ORDER BY 5 DESC NULLS LAST, 4 DESC`,
    [memberId, maxIdleDays],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    browser: row.browser,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  }));
}

/**
 * Revokes one of a member's linked browsers, a token or a dashboard session (ended: its cookie signs in
 * no more); 404 when that member has no such one.
 */
export async function revokeMemberToken(sql: Sql, memberId: string, tokenId: string): Promise<void> {
  const revoked = await sql.query(
    'UPDATE tokens SET revoked_at = now() WHERE id = $1 AND member_id = $2 AND revoked_at IS NULL RETURNING id',
    [tokenId, memberId],
  );
  if (revoked.length > 0) return;
  const ended = await sql.query('DELETE FROM sessions WHERE id = $1 AND member_id = $2 RETURNING id', [
    tokenId,
    memberId,
  ]);
  if (ended.length === 0) throw notFound('That linked browser');
}

/** Trades a one-time code for a bearer token. The code is used up whether or not the caller keeps the token. */
export async function redeemCode(
  sql: Sql,
  code: string,
  browser: string | null,
): Promise<{ token: string } & Me> {
  const memberId = await useCode(sql, code);
  const token = await issueToken(sql, memberId, browser);
  return { token, ...(await me(sql, memberId)) };
}
