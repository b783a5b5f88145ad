import type { PanelState } from '../components/Panel';
import type { LeadContext } from './crm';
import type { Envelope, HistoryEntry } from './messages';
import type { PanelCommand } from './platform/commands';
import type { Answer, Verdict } from './protocol';
import type { Draft } from './store/drafts';

/**
 * The panel view (entrypoints/panel, an extension page framed into the CRM page) and the background
 * talk over one port per frame, named PANEL_PORT. The background binds the port to the frame's tab and
 * pushes what the view shows; the view asks for the rep's actions. The CRM page is in neither.
 */
export const PANEL_PORT = 'sameroom-panel';

/** What the background pushes to the view. */
export type PanelPush =
  /** The lead on the tab's page (null: none, the frame is about to go), and what to show for it. */
  | {
      kind: 'show';
      lead: LeadContext | null;
      url: string;
      crmLabel: string;
      state: PanelState;
      /** The tab is in a private window: its drafts are kept in the browser's memory alone. */
      privateWindow?: true;
    }
  /** This lead's verdicts changed (saved, sent, undone, a reply arrived). */
  | { kind: 'history'; leadKey: string; entries: HistoryEntry[] }
  /**
   * What another view kept for a lead as the rep typed (the same record open in another tab): newer
   * than what this view shows for it.
   */
  | { kind: 'draft'; leadKey: string; draft: Draft }
  /** A keyboard command the browser gave while the tab was in front. */
  | { kind: 'command'; command: PanelCommand }
  /** The answer to one of the view's requests. */
  | { kind: 'reply'; id: number; envelope: Envelope<unknown> }
  /**
   * The runtime port's last push: the view's own channel takes over from here (Chromium,
   * lib/platform/view-channel.ts). What the channel brought before this arrived waits for it.
   */
  | { kind: 'channel' };

/**
 * What the view asks of the background, for the lead it is showing. A verdict or a pick names that
 * lead (its key): the tab may have moved to another record before the background reads the request,
 * and a verdict for one record must never be stored for the next.
 */
export type PanelRequest =
  | {
      kind: 'verdict';
      leadKey: string;
      verdictId: string;
      verdict: Verdict;
      note: string;
      region: string;
      /** The rep's answers to the brief's questions, blank ones included (the outbox leaves them out). */
      answers?: Answer[];
      /**
       * The campaign the view showed at the click (null: none): the background saves the verdict with
       * the view it holds, which a record's late signals may have moved to another campaign meanwhile.
       */
      campaignId?: string | null;
    }
  | { kind: 'undo'; verdictId: string }
  | { kind: 'pick'; leadKey: string; campaignId: string | null }
  | { kind: 'report' }
  | { kind: 'openOptions' }
  /** The note and answers kept for a lead (null: none), and keeping them as the rep types. */
  | { kind: 'draft'; leadKey: string }
  | { kind: 'keepDraft'; leadKey: string; draft: Draft }
  /**
   * A saved verdict's note and answers out of the lead's draft, unless more was written since: the view
   * had left the record before the verdict was saved.
   */
  | { kind: 'forgetSent'; leadKey: string; note: string; answers: Answer[] }
  /** The lead's replies were on screen in its panel: seen (the toolbar badge and the popup stop counting them). */
  | { kind: 'repliesSeen'; leadKey: string };

export type PanelAsk = PanelRequest & { id: number };

/** What the content script answers when the background asks it about its page. */
export type PageQuestion = { sameroom: 'lead' } | { sameroom: 'report' } | { sameroom: 'here' };
