/**
 * Waiting for something another part of the same context will say happened, with a bound: the waiter
 * adds a wake function to a set, and whoever makes the change calls every function in it.
 */
export type Wakers = Set<() => void>;

/** True once woken (a function in `wakers` called), false after `ms`; either way it leaves `wakers`. */
export function wokenWithin(wakers: Wakers, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (woken: boolean) => {
      clearTimeout(timer);
      wakers.delete(wake);
      resolve(woken);
    };
    const wake = () => settle(true);
    const timer = setTimeout(() => settle(false), Math.max(0, ms));
    wakers.add(wake);
  });
}

/** Wakes every waiter in `wakers` (each leaves the set as it wakes). */
export function wakeAll(wakers: Wakers): void {
  for (const wake of [...wakers]) wake();
}
