/** Where no Web Locks are (Node in unit tests): one context's turns, by name. */
const turns = new Map<string, Promise<unknown>>();

/**
 * Runs `work` when no other work under `name` is running: a Web Lock, which every page and worker of
 * the extension's origin share and which is let go when a page holding it closes; where there is none,
 * in turn within this context.
 */
export function inTurn<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (locks) return locks.request(name, work) as Promise<T>;
  const next = (turns.get(name) ?? Promise.resolve()).then(work, work);
  turns.set(name, next);
  next
    .finally(() => {
      if (turns.get(name) === next) turns.delete(name);
    })
    .catch(() => undefined); // the caller hears of a failure through `next`
  return next;
}
