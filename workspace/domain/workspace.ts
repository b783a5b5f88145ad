import { randomUUID } from 'node:crypto';
import type { Me, Member, Role, Workspace } from '../../lib/protocol';
import { hashSecret, newSecret } from '../auth/secrets';
import type { Sql } from '../db/database';
import { ApiError, notFound } from '../errors';

export const CODE_LIFETIME_DAYS = 7;

/** The link a new member opens (marketers) or pastes into Sameroom's options (reps). */
export function joinUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/$/, '')}/join#${code}`;
}

interface WorkspaceRow {
  id: string;
  name: string;
  regions: string[];
  show_sellers: boolean;
}
interface MemberRow {
  id: string;
  name: string;
  role: Role;
  region: string | null;
}

export function toMember(row: MemberRow): Member {
  return { id: row.id, name: row.name, role: row.role, region: row.region };
}

export async function loadWorkspace(sql: Sql): Promise<Workspace & { showSellers: boolean }> {
  const [row] = await sql.query<WorkspaceRow>(
    'SELECT id, name, regions, show_sellers FROM workspace LIMIT 1',
  );
  if (!row) throw new ApiError(503, 'not_ready', 'This workspace has not been set up yet.', undefined, 5);
  return { id: row.id, name: row.name, regions: row.regions, showSellers: row.show_sellers };
}

/**
 * On an empty database: creates the workspace and its first admin, and returns that admin's one-time
 * code. Null when the workspace already exists.
 */
export async function createWorkspaceIfEmpty(
  sql: Sql,
  options: { name: string; adminName: string; regions: string[] },
): Promise<{ code: string; member: Member } | null> {
  const inserted = await sql.query(
    `INSERT INTO workspace (id, name, regions)
     SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM workspace) RETURNING id`,
    [randomUUID(), options.name, JSON.stringify(options.regions)],
  );
  if (inserted.length === 0) return null;
  return createMember(sql, { name: options.adminName, role: 'admin' });
}

/** A new member and their first one-time code. */
export async function createMember(
  sql: Sql,
  input: { name: string; role: Role; region?: string | undefined },
): Promise<{ code: string; member: Member }> {
  const [row] = await sql.query<MemberRow>(
    'INSERT INTO members (id, name, role, region) VALUES ($1, $2, $3, $4) RETURNING id, name, role, region',
    [randomUUID(), input.name, input.role, input.region ?? null],
  );
  const member = toMember(row!);
  return { member, code: await issueCode(sql, member.id) };
}

/** A fresh one-time code for an existing member, valid for seven days. */
export async function issueCode(sql: Sql, memberId: string): Promise<string> {
  const [member] = await sql.query('SELECT 1 FROM members WHERE id = $1 AND removed_at IS NULL', [memberId]);
  if (!member) throw notFound('That member');
  const code = newSecret();
  await sql.query(
    `INSERT INTO codes (hash, member_id, expires_at) VALUES ($1, $2, now() + interval '${CODE_LIFETIME_DAYS} days')`,
    [hashSecret(code), memberId],
  );
  return code;
}

/** Uses up a one-time code, when `allow` accepts its member; returns the member's id. */
async function useCode(sql: Sql, code: string, allow: (role: Role) => boolean = () => true): Promise<string> {
  const [found] = await sql.query<{ member_id: string; role: Role; used: boolean; expired: boolean }>(
    `SELECT c.member_id, m.role, c.used_at IS NOT NULL AS used, c.expires_at < now() AS expired
       FROM codes c JOIN members m ON m.id = c.member_id
      WHERE c.hash = $1 AND m.removed_at IS NULL
      FOR UPDATE OF c`,
    [hashSecret(code)],
  );
  if (!found)
    throw new ApiError(401, 'bad_code', 'This code is not valid: ask your workspace admin for a new link.');
  if (found.used)
    throw new ApiError(
      401,
      'used_code',
      'This code was already used: ask your workspace admin for a new link.',
    );
  if (found.expired)
    throw new ApiError(
      401,
      'expired_code',
      'This code has expired: ask your workspace admin for a new link.',
    );
  if (!allow(found.role)) {
    throw new ApiError(
      403,
      'dashboard_role',
      "The dashboard is for marketers and admins: paste this link into Sameroom's options instead.",
    );
  }
  await sql.query('UPDATE codes SET used_at = now() WHERE hash = $1', [hashSecret(code)]);
  return found.member_id;
}

/** Trades a one-time code for a bearer token. The code is used up whether or not the caller keeps the token. */
export async function redeemCode(sql: Sql, code: string): Promise<{ token: string } & Me> {
  const memberId = await useCode(sql, code);
  const token = newSecret();
  await sql.query('INSERT INTO tokens (hash, member_id) VALUES ($1, $2)', [hashSecret(token), memberId]);
  return { token, ...(await me(sql, memberId)) };
}

export const SESSION_DAYS = 30;

/** Trades a marketer's or admin's one-time code for a dashboard session (the cookie's secret). */
export async function startSession(sql: Sql, code: string): Promise<{ session: string } & Me> {
  const memberId = await useCode(sql, code, (role) => role !== 'rep');
  const session = newSecret();
  await sql.query(
    `INSERT INTO sessions (hash, member_id, expires_at) VALUES ($1, $2, now() + interval '${SESSION_DAYS} days')`,
    [hashSecret(session), memberId],
  );
  return { session, ...(await me(sql, memberId)) };
}

export async function endSession(sql: Sql, session: string): Promise<void> {
  await sql.query('DELETE FROM sessions WHERE hash = $1', [hashSecret(session)]);
}

/** The member a dashboard session belongs to, or null when it is unknown, expired or its member removed. */
export async function sessionMember(sql: Sql, session: string): Promise<Member | null> {
  const [row] = await sql.query<MemberRow>(
    `SELECT m.id, m.name, m.role, m.region FROM sessions s JOIN members m ON m.id = s.member_id
      WHERE s.hash = $1 AND s.expires_at > now() AND m.removed_at IS NULL`,
    [hashSecret(session)],
  );
  return row ? toMember(row) : null;
}

export async function me(sql: Sql, memberId: string): Promise<Me> {
  const [row] = await sql.query<MemberRow>('SELECT id, name, role, region FROM members WHERE id = $1', [
    memberId,
  ]);
  if (!row) throw notFound('That member');
  const { showSellers: _, ...workspace } = await loadWorkspace(sql);
  return { member: toMember(row), workspace };
}

/** The member a bearer token belongs to, or null for an unknown, revoked or removed member's token. */
export async function authenticate(sql: Sql, token: string): Promise<Member | null> {
  const [row] = await sql.query<MemberRow>(
    `SELECT m.id, m.name, m.role, m.region FROM tokens t JOIN members m ON m.id = t.member_id
      WHERE t.hash = $1 AND t.revoked_at IS NULL AND m.removed_at IS NULL`,
    [hashSecret(token)],
  );
  return row ? toMember(row) : null;
}

/** Removes a member: their tokens, codes and sessions stop working at once; their feedback stays. */
export async function removeMember(sql: Sql, memberId: string): Promise<void> {
  const removed = await sql.query(
    'UPDATE members SET removed_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING id',
    [memberId],
  );
  if (removed.length === 0) throw notFound('That member');
  await sql.query('UPDATE tokens SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL', [
    memberId,
  ]);
  await sql.query('UPDATE codes SET used_at = now() WHERE member_id = $1 AND used_at IS NULL', [memberId]);
  await sql.query('DELETE FROM sessions WHERE member_id = $1', [memberId]);
}

/** Bumps the campaigns ETag and returns the next change-cursor value, under the workspace row's lock. */
export async function nextChange(sql: Sql): Promise<{ changeSeq: number }> {
  const [row] = await sql.query<{ change_seq: number }>(
    'UPDATE workspace SET stats_version = stats_version + 1, change_seq = change_seq + 1 RETURNING change_seq',
  );
  return { changeSeq: Number(row!.change_seq) };
}
