import { browser } from 'wxt/browser';
import { t } from '../i18n';

export interface BadgeState {
  /** Verdicts not yet accepted by the workspace. */
  unsent: number;
  /** Something needs the rep: a dead-lettered verdict or a link the workspace refused. */
  warning: boolean;
  /** Marketing's replies the rep has not seen (in the popup, or on the lead's panel). */
  replies: number;
}

const COLOURS = { normal: '#3b6ea5', warning: '#b3261e', replies: '#2e7d32' } as const;

/** What the badge shows: the text, its colour, and the toolbar button's tooltip. */
export function badgeLook(state: BadgeState): { text: string; color: string; title: string } {
  const count = (n: number) => String(Math.min(n, 999));
  // Unsent verdicts first (a number, red when something needs the rep), then a warning alone; with
  // neither, new replies in green, so a reply from marketing is seen without opening anything.
  if (state.unsent > 0 || state.warning)
    return {
      text: state.unsent > 0 ? count(state.unsent) : '!',
      color: state.warning ? COLOURS.warning : COLOURS.normal,
      title: state.replies > 0 ? t('badgeTitleReplies', state.replies) : t('appName'),
    };
  if (state.replies > 0)
    return {
      text: count(state.replies),
      color: COLOURS.replies,
      title: t('badgeTitleReplies', state.replies),
    };
  return { text: '', color: COLOURS.normal, title: t('appName') };
}

/** The toolbar badge: how many verdicts wait, in red when something needs the rep; else new replies. */
export async function showBadge(state: BadgeState): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  const look = badgeLook(state);
  await action.setBadgeText({ text: look.text });
  await action.setBadgeBackgroundColor({ color: look.color });
  await action.setTitle({ title: look.title });
}
