import type { Me, Member, Role } from '../../lib/protocol';
import type { Sql } from '../db/database';
import { me } from '../domain/workspace';
import { useCode } from './codes';
import { hashSecret, newSecret } from './secrets';

export const SESSION_DAYS = 30;

/**
 * Trades a marketer's or admin's one-time code for a dashboard session (the cookie's secret), noting the
 * browser it was started in ("Firefox 128 on Linux"): an admin sees it among the member's linked browsers
 * and can end it there (auth/tokens.ts).
 */
export async function startSession(
  sql: Sql,
  code: string,
  browser: string | null = null,
): Promise<{ session: string } & Me> {
  const memberId = await useCode(sql, code, ['marketer', 'admin']);
  const session = newSecret();
  await sql.query(
    `INSERT INTO sessions (hash, member_id, expires_at, browser) VALUES ($1, $2, now() + interval '${SESSION_DAYS} days', $3)`,
    [hashSecret(session), memberId, browser],
  );
  return { session, ...(await me(sql, memberId)) };
}

export async function endSession(sql: Sql, session: string): Promise<void> {
  await sql.query('DELETE FROM sessions WHERE hash = $1', [hashSecret(session)]);
}

/** The member a dashboard session belongs to, or null when it is unknown, expired or its member removed. */
export async function sessionMember(sql: Sql, session: string): Promise<Member | null> {
  const [row] = await sql.query<{ id: string; name: string; role: Role; region: string | null }>(
    `SELECT m.id, m.name, m.role, m.region FROM sessions s JOIN members m ON m.id = s.member_id
      WHERE s.hash = $1 AND s.expires_at > now() AND m.removed_at IS NULL`,
    [hashSecret(session)],
  );
  return row ? { id: row.id, name: row.name, role: row.role, region: row.region } : null;
}
