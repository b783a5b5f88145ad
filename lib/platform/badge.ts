import { browser } from 'wxt/browser';

export interface BadgeState {
  /** Verdicts not yet accepted by the workspace. */
  unsent: number;
  /** Something needs the rep: a dead-lettered verdict or a link the workspace refused. */
  warning: boolean;
}

const COLOURS = { normal: '#3b6ea5', warning: '#b3261e' } as const;

/** The toolbar badge: how many verdicts wait, in red when something needs the rep. */
export async function showBadge(state: BadgeState): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  const text = state.unsent > 0 ? String(Math.min(state.unsent, 999)) : state.warning ? '!' : '';
  await action.setBadgeText({ text });
  await action.setBadgeBackgroundColor({ color: state.warning ? COLOURS.warning : COLOURS.normal });
}
