import type { Sql } from './db/database';
import { ApiError } from './errors';

const TOO_MANY_ATTEMPTS = 'Too many attempts: wait a little and try again.';

/**
 * Fixed-window counters in the database, so every instance behind a load balancer counts the same.
 * Throws 429 with Retry-After once `key` has been hit `limit` times in the current window.
 */
export async function hit(
  sql: Sql,
  key: string,
  limit: number,
  windowSeconds: number,
  message = TOO_MANY_ATTEMPTS,
): Promise<void> {
  const [row] = await sql.query<{ count: number; retry_after: number }>(
    `INSERT INTO rate_limits (key, window_start, count)
     VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
     RETURNING count, ceil(extract(epoch FROM window_start) + $2 - extract(epoch FROM now()))::int AS retry_after`,
    [key, windowSeconds],
  );
  if (row) refuseOver(row, limit, message);
}

/** 429 with Retry-After when a window's count (this hit included) is past the limit. */
export function refuseOver(
  row: { count: number; retry_after: number },
  limit: number,
  message: string,
): void {
  if (row.count > limit) {
    throw new ApiError(429, 'rate_limited', message, undefined, Math.max(1, row.retry_after));
  }
}

/** Drops windows that ended long ago; run now and then. */
export async function forgetOldWindows(sql: Sql): Promise<void> {
  await sql.query("DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'");
}
