import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../workspace/errors';
import { MemoryWindows } from '../../workspace/rate-limit';

/** The counts a process keeps while the disk is nearly full (workspace/rate-limit.ts). */
describe('windows counted in memory', () => {
  const refusal = (run: () => void): ApiError | undefined => {
    try {
      run();
      return undefined;
    } catch (error) {
      return error as ApiError;
    }
  };

  it('refuses past the limit until the window ends, with the seconds left, per key', () => {
    const windows = new MemoryWindows();
    const start = Date.UTC(2026, 11, 5, 12, 0, 0);
    for (let n = 0; n < 3; n++) windows.hit('token:a', 3, 60, 'slow down', start + n);
    const refused = refusal(() => windows.hit('token:a', 3, 60, 'slow down', start + 15_500));
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 45 });
    expect(refused?.message).toBe('slow down');
    // Another key counts apart; the next window starts from nothing.
    expect(refusal(() => windows.hit('token:b', 3, 60, 'slow down', start + 15_500))).toBeUndefined();
    expect(refusal(() => windows.hit('token:a', 3, 60, 'slow down', start + 60_000))).toBeUndefined();
  });

  it('drops windows that ended once it holds many keys', () => {
    const windows = new MemoryWindows();
    const start = Date.UTC(2026, 11, 5, 12, 0, 0);
    for (let n = 0; n < 10_000; n++) windows.hit(`token:${n}`, 1, 60, 'x', start);
    windows.hit('token:new', 1, 60, 'x', start + 60_000);
    const held = (windows as unknown as { windows: Map<string, unknown> }).windows;
    expect([...held.keys()]).toEqual(['token:new']);
    // A key still in its window is kept: its count goes on.
    expect(refusal(() => windows.hit('token:new', 1, 60, 'x', start + 60_001))?.status).toBe(429);
  });
});
