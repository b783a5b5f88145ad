import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Wakers, wakeAll, wokenWithin } from '../../lib/wakers';

afterEach(() => {
  vi.useRealTimers();
});

describe('wokenWithin', () => {
  it('is true once woken, and leaves the set', async () => {
    const wakers: Wakers = new Set();
    const woken = wokenWithin(wakers, 1_000);
    expect(wakers.size).toBe(1);
    wakeAll(wakers);
    expect(await woken).toBe(true);
    expect(wakers.size).toBe(0);
  });

  it('is false after its time, and leaves the set', async () => {
    vi.useFakeTimers();
    const wakers: Wakers = new Set();
    const woken = wokenWithin(wakers, 500);
    vi.advanceTimersByTime(499);
    expect(wakers.size).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await woken).toBe(false);
    expect(wakers.size).toBe(0);
  });

  it('wakes every waiter at once, and a late wake changes nothing', async () => {
    vi.useFakeTimers();
    const wakers: Wakers = new Set();
    const first = wokenWithin(wakers, 100);
    const second = wokenWithin(wakers, 100);
    wakeAll(wakers);
    vi.advanceTimersByTime(200);
    wakeAll(wakers);
    expect(await Promise.all([first, second])).toEqual([true, true]);
  });

  it('is false at once for a time already past', async () => {
    vi.useFakeTimers();
    const woken = wokenWithin(new Set(), -5);
    vi.advanceTimersByTime(0);
    expect(await woken).toBe(false);
  });
});
