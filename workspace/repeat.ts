/**
 * Runs `round` every `everyMs` while the process runs, never two rounds at once (a round still under
 * way when the next is due, that one is skipped), and without keeping the process alive. `round` says
 * its own failures; what it throws is dropped so the next round still comes. The returned function
 * stops the schedule and waits for the round under way.
 */
export function repeatEvery(round: () => Promise<unknown>, everyMs: number): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= round()
      .catch(() => undefined)
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
