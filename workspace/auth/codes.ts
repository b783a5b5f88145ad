import type { Role } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { ApiError, notFound } from '../errors';
import { hashSecret, newSecret } from './secrets';

export const CODE_LIFETIME_DAYS = 7;

/** The link a new member opens (marketers) or pastes into Sameroom's options (reps). */
export function joinUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/$/, '')}/join#${code}`;
}

/** What a first start (the server's or a CLI command's) says about the workspace it has just made. */
export function firstAdminLines(publicUrl: string, code: string): string[] {
  return [
    `A new workspace was created. Open this link to sign in as its first admin (valid for ${CODE_LIFETIME_DAYS} days, once):`,
    `  ${joinUrl(publicUrl, code)}`,
  ];
}

/**
 * A fresh one-time code for an existing member, valid for seven days. Their older unused codes stop
 * working: a link sent again (a new browser, a lost link) leaves only the newest one to leak.
 */
export async function issueCode(sql: Sql, memberId: string): Promise<string> {
  // The member's row held to the end of the transaction: two codes issued at once (a double click, two
  // admins, the CLI beside the dashboard) take turns, and the second replaces the first. On a PostgreSQL
  // server neither saw the other's new code, and both stayed valid. NO KEY: a code being redeemed meanwhile
  // checks its token's member by a key-share lock, which FOR UPDATE blocked (a deadlock with this update).
  const [member] = await sql.query(
    'SELECT 1 FROM members WHERE id = $1 AND removed_at IS NULL FOR NO KEY UPDATE',
    [memberId],
  );
  if (!member) throw notFound('That member');
  await sql.query(
    'UPDATE codes SET replaced_at = now() WHERE member_id = $1 AND used_at IS NULL AND replaced_at IS NULL',
    [memberId],
  );
  const code = newSecret();
  await sql.query(
    `INSERT INTO codes (hash, member_id, expires_at) VALUES ($1, $2, now() + interval '${CODE_LIFETIME_DAYS} days')`,
    [hashSecret(code), memberId],
  );
  return code;
}

/** Why a code could not be used, in words the person holding it can act on. */
async function refusal(sql: Sql, hash: Buffer, roles: readonly Role[]): Promise<ApiError> {
  const [found] = await sql.query<{
    role: Role;
    used: boolean;
    replaced: boolean;
    expired: boolean;
  }>(
    `SELECT m.role, c.used_at IS NOT NULL AS used, c.replaced_at IS NOT NULL AS replaced, c.expires_at <= now() AS expired
       FROM codes c JOIN members m ON m.id = c.member_id
      WHERE c.hash = $1 AND m.removed_at IS NULL`,
    [hash],
  );
  if (!found)
    return new ApiError(401, 'bad_code', 'This code is not valid: ask your workspace admin for a new link.');
  if (found.used)
    return new ApiError(
      401,
      'used_code',
      'This code was already used: ask your workspace admin for a new link.',
    );
  if (found.replaced)
    return new ApiError(
      401,
      'replaced_code',
      'A newer link was made for you since this one: use the newest, or ask your workspace admin for one.',
    );
  if (found.expired)
    return new ApiError(
      401,
      'expired_code',
      'This code has expired: ask your workspace admin for a new link.',
    );
  if (!roles.includes(found.role))
    return new ApiError(
      403,
      'dashboard_role',
      "The dashboard is for marketers and admins: paste this link into Sameroom's options instead.",
    );
  return new ApiError(
    401,
    'used_code',
    'This code was already used: ask your workspace admin for a new link.',
  );
}

/**
 * Uses up a one-time code of a member whose role is in `roles`; returns the member's id. One UPDATE both
 * checks and takes the code, so of two redemptions at once exactly one wins, on any number of
 * connections or instances; a code for another role is left unused.
 */
export async function useCode(
  sql: Sql,
  code: string,
  roles: readonly Role[] = ['rep', 'marketer', 'admin'],
): Promise<string> {
  const hash = hashSecret(code);
  const [taken] = await sql.query<{ member_id: string }>(
    `UPDATE codes c SET used_at = now()
       FROM members m
      WHERE c.hash = $1 AND m.id = c.member_id AND m.removed_at IS NULL AND m.role = ANY($2::text[])
        AND c.used_at IS NULL AND c.replaced_at IS NULL AND c.expires_at > now()
      RETURNING c.member_id`,
    [hash, roles],
  );
  if (!taken) throw await refusal(sql, hash, roles);
  return taken.member_id;
}
