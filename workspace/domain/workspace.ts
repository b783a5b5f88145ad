import { randomUUID } from 'node:crypto';
import type { Me, Member, Role, Workspace } from '../../lib/protocol';
import { issueCode } from '../auth/codes';
import { ADVISORY_LOCK, type Database, type Sql } from '../db/database';
import { ApiError, notFound, unauthorized } from '../errors';

export { CODE_LIFETIME_DAYS, issueCode, joinUrl } from '../auth/codes';

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
 * code. Null when the workspace already exists. Processes starting together on one database take turns
 * through an advisory lock (as migrations do), so one makes the workspace and the others find it: a
 * check and an insert alone let two of them both see none and both make one.
 */
export async function createWorkspaceIfEmpty(
  db: Database,
  options: { name: string; adminName: string; regions: string[] },
): Promise<{ code: string; member: Member } | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.firstStart]);
    const inserted = await tx.query(
      `INSERT INTO workspace (id, name, regions)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM workspace) RETURNING id`,
      [randomUUID(), options.name, JSON.stringify(options.regions)],
    );
    if (inserted.length === 0) return null;
    return createMember(tx, { name: options.adminName, role: 'admin' });
  });
}

/** The current member with this name, in any case (names are unique among them: createMember). */
export async function memberNamed(sql: Sql, name: string): Promise<Member | null> {
  const [row] = await sql.query<MemberRow>(
    'SELECT id, name, role, region FROM members WHERE lower(name) = lower($1) AND removed_at IS NULL LIMIT 1',
    [name],
  );
  return row ? toMember(row) : null;
}

/**
 * A new member and their first one-time code. Names are how the dashboard tells members apart (the
 * rep filter, feedback, replies, the team list), so a name a current member has, in any case, is
 * refused; a removed member's name is free again. Run in a transaction: the check and the insert hold
 * an advisory lock, so two added at once cannot both take one name.
 */
export async function createMember(
  sql: Sql,
  input: { name: string; role: Role; region?: string | undefined },
): Promise<{ code: string; member: Member }> {
  await sql.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.memberNames]);
  const taken = await memberNamed(sql, input.name);
  if (taken) {
    throw new ApiError(
      409,
      'name_taken',
      `${taken.name} is already a member. Add a surname or an initial, so feedback and filters tell the two apart; for the same person in a new browser, give them a new join link instead.`,
      [{ path: 'name', message: 'is already a member’s name' }],
    );
  }
  const [row] = await sql.query<MemberRow>(
    'INSERT INTO members (id, name, role, region) VALUES ($1, $2, $3, $4) RETURNING id, name, role, region',
    [randomUUID(), input.name, input.role, input.region ?? null],
  );
  const member = toMember(row!);
  return { member, code: await issueCode(sql, member.id) };
}

export async function me(sql: Sql, memberId: string): Promise<Me> {
  const [row] = await sql.query<MemberRow>('SELECT id, name, role, region FROM members WHERE id = $1', [
    memberId,
  ]);
  if (!row) throw notFound('That member');
  const { showSellers: _, ...workspace } = await loadWorkspace(sql);
  return { member: toMember(row), workspace };
}

/**
 * Removes a member: their tokens, codes and sessions stop working at once; their feedback stays. `by`,
 * the admin removing them, must still be a member as it is written: two admins removing each other at
 * the same moment both passed their sign-in and left the workspace without an admin. Both rows are
 * locked in one order, so the second waits for the first and finds itself removed.
 */
export async function removeMember(sql: Sql, memberId: string, by?: string): Promise<void> {
  if (by) {
    const rows = await sql.query<{ id: string; removed: boolean }>(
      'SELECT id, removed_at IS NOT NULL AS removed FROM members WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
      [[memberId, by]],
    );
    if (rows.find((row) => row.id === by)?.removed !== false) throw unauthorized();
  }
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
export async function nextChange(sql: Sql): Promise<{ changeSeq: number; webhook: boolean }> {
  const [row] = await sql.query<{ change_seq: number; webhook: boolean }>(
    'UPDATE workspace SET stats_version = stats_version + 1, change_seq = change_seq + 1 RETURNING change_seq, webhook_url IS NOT NULL AS webhook',
  );
  return { changeSeq: Number(row!.change_seq), webhook: row!.webhook };
}
