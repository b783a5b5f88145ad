/**
 * A rep's clock can run hours off (a dual-boot laptop whose hardware clock keeps local time), and a
 * verdict's createdAt is what says which of a lead's verdicts is the latest. The workspace's answers
 * carry its time (`Date`); when ours differs by more than this, verdicts are dated by the workspace's
 * time instead. Below it the difference is the header's second and the way there, not a wrong clock.
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** How much a known correction must move before it is stored again. */
export const CLOCK_CHANGE_MS = 10_000;

/** The correction to date verdicts by, from an offset seen (workspace less ours): none within the tolerance. */
function clockCorrection(offsetMs: number): number {
  return Math.abs(offsetMs) > CLOCK_TOLERANCE_MS ? Math.round(offsetMs) : 0;
}

/**
 * The correction to store on the link after an answer showed `offsetMs` (null: none carried a Date),
 * or null when the one known (none: 0) stays as it is.
 */
export function clockToKeep(known: number | undefined, offsetMs: number | null): number | null {
  if (offsetMs === null) return null;
  const next = clockCorrection(offsetMs);
  return Math.abs(next - (known ?? 0)) >= CLOCK_CHANGE_MS ? next : null;
}

/** When a verdict given at `now` (this browser's clock) was given by the workspace's time, as an ISO date. */
export function workspaceTime(now: Date, link: { clockOffsetMs?: number } | undefined): string {
  return new Date(now.getTime() + (link?.clockOffsetMs ?? 0)).toISOString();
}
