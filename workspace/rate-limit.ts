import type { Sql } from './db/database';
import { ApiError } from './errors';

const TOO_MANY_ATTEMPTS = 'Too many attempts: wait a little and try again.';

/**
 * Fixed-window counters in the database, so every instance behind a load balancer counts the same.
 * Throws 429 with Retry-After once `key` has been hit `limit` times in the current window. Answers the
 * window it counted in (seconds since the epoch at its start), for `giveBack`.
 */
export async function hit(
  sql: Sql,
  key: string,
  limit: number,
  windowSeconds: number,
  message = TOO_MANY_ATTEMPTS,
): Promise<number> {
  const [row] = await sql.query<{ count: number; retry_after: number; window: number }>(
    `INSERT INTO rate_limits (key, window_start, count)
     VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
     RETURNING count, ceil(extract(epoch FROM window_start) + $2 - extract(epoch FROM now()))::int AS retry_after,
               extract(epoch FROM window_start)::float8 AS window`,
    [key, windowSeconds],
  );
  if (row) refuseOver(row, limit, message);
  return Number(row?.window ?? 0);
}

/** Takes back one hit of `key` in the window `hit` answered: an attempt that should not count. */
export async function giveBack(sql: Sql, key: string, window: number): Promise<void> {
  await sql.query(
    'UPDATE rate_limits SET count = count - 1 WHERE key = $1 AND window_start = to_timestamp($2) AND count > 0',
    [key, window],
  );
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

/** Past this many keys, windows that ended are dropped as the next is counted. */
const MEMORY_KEYS = 10_000;

/**
 * Fixed windows counted in this process's memory, for while the disk is nearly full: counted in the
 * database, every signed-in read wrote a row (and its log record) into the reserve kept for the verdicts
 * that come once space is freed. Each process counts its own meanwhile, so a limit holds per process.
 */
export class MemoryWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** As `hit`: 429 with Retry-After once `key` has been hit `limit` times in the current window. */
  hit(
    key: string,
    limit: number,
    windowSeconds: number,
    message = TOO_MANY_ATTEMPTS,
    now = Date.now(),
  ): void {
    const next = this.next(key, windowSeconds, now);
    if (!this.windows.has(key) && this.windows.size >= MEMORY_KEYS) {
      for (const [other, { start: began }] of this.windows)
        if (began + windowSeconds * 1000 <= now) this.windows.delete(other);
    }
    this.windows.set(key, { start: next.start, count: next.count });
    refuseOver(next, limit, message);
  }

  /** 429 with Retry-After if `key` has already been hit `limit` times in the current window; counts nothing. */
  refuseIfFull(key: string, limit: number, windowSeconds: number, message: string, now = Date.now()): void {
    const next = this.next(key, windowSeconds, now);
    // Not hit yet in this window: nothing to refuse.
    if (next.count > 1) refuseOver(next, limit, message);
  }

  /** The count `key`'s next hit would make in the window `now` is in, and when that window ends. */
  private next(key: string, windowSeconds: number, now: number) {
    const length = windowSeconds * 1000;
    const start = Math.floor(now / length) * length;
    const window = this.windows.get(key);
    const count = window?.start === start ? window.count + 1 : 1;
    return { start, count, retry_after: Math.ceil((start + length - now) / 1000) };
  }
}
