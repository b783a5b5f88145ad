import { type Signal, useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { LeadContext } from '../lib/crm';
import { objectTypeLabel, t, tn } from '../lib/i18n';
import { formatAsOf, isToday } from '../lib/i18n/formats';
import type { CacheInfo, HistoryEntry, LeadView, VerdictSetup } from '../lib/messages';
import type { Answer, Verdict } from '../lib/protocol';
import { BriefView } from './BriefView';
import { FoldContext, type Folds, type SectionId } from './FoldSection';
import { NoMatch } from './NoMatch';
import { StatusLine } from './StatusLine';
import type { Answers } from './VerdictFields';
import { type SendState, VerdictForm } from './VerdictForm';
import { VerdictHistory } from './VerdictHistory';

export type PanelState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'view'; view: LeadView };

/** Remembered per CRM: how wide the panel is and whether it is folded to its strip. */
export interface PanelPrefs {
  width: number;
  collapsed: boolean;
}
export const PANEL_WIDTH = { min: 260, max: 640, default: 340, step: 16 } as const;

/** Remembered for every CRM: the sections the rep folded, and whether the note and region are open. */
export interface PanelLayout {
  closed: SectionId[];
  noteOpen: boolean;
}
export const DEFAULT_LAYOUT: PanelLayout = { closed: [], noteOpen: false };

export interface PanelProps {
  lead: Signal<LeadContext | null>;
  crmLabel: Signal<string>;
  state: Signal<PanelState>;
  prefs: Signal<PanelPrefs>;
  onPrefs: (prefs: PanelPrefs) => void;
  /** Folded sections and the note's box; without them the panel keeps its own until it is closed. */
  layout?: Signal<PanelLayout>;
  onLayout?: (layout: PanelLayout) => void;
  onOpenOptions: () => void;
  onPick: (campaignId: string | null) => void;
  /** Why the last pick (or "forget pick") was not taken, until the next. */
  pickProblem?: Signal<string | null>;
  /** The lead's replies were shown (its History open): the view tells the background they were seen. */
  onRepliesShown?: () => void;
  /** This lead's verdicts, kept fresh by the content script. */
  history: Signal<HistoryEntry[]>;
  sending: Signal<SendState>;
  /** The unsent note for this lead. */
  note: Signal<string>;
  /** Why the note could not be kept in the browser (its storage full), while it cannot. */
  notKept?: Signal<string | null>;
  /** The tab is in a private window: the note is kept in the browser's memory alone. */
  privateWindow?: Signal<boolean>;
  /** The unsent answers to the brief's questions for this lead, by question. */
  answers?: Signal<Answers>;
  /** The region the rep chose for this lead; null: none chosen, the lead's preset applies. */
  region?: Signal<string | null>;
  onVerdict: (verdict: Verdict, note: string, region: string, answers: Answer[]) => Promise<boolean>;
  onUndo: (id: string) => void;
  /** The redacted report of the page to copy ("Report this page"), as the page's content script makes it. */
  reportPage?: () => string | null | Promise<string | null>;
}

/**
 * Without a way to ask the page (a preview, a test), there is no report to copy. The view asks the
 * page's content script through the background; the panel does not read pages itself, so it loads no
 * CRM adapters (they were a third of its first module graph, on every cold start of a lead page).
 */
const noReport = () => null;

/**
 * "Report this page": copies a redacted outline of the CRM page (lib/crm/outline.ts) for the team to
 * send in, and shows it too, so the rep can copy it by hand where the browser refuses.
 */
function ReportPage(props: { intro: string; reportPage: () => string | null | Promise<string | null> }) {
  const report = useSignal<string | null>(null);
  const copied = useSignal<boolean | null>(null);
  const copy = async () => {
    const text = (await props.reportPage()) ?? t('reportUnavailable');
    report.value = text;
    try {
      await navigator.clipboard.writeText(text);
      copied.value = true;
    } catch {
      copied.value = false;
    }
  };
  return (
    <section class="sr-section sr-report" aria-labelledby="sr-report-title">
      <h3 id="sr-report-title" class="sr-section__title">
        {t('reportTitle')}
      </h3>
      <p>{props.intro}</p>
      <button type="button" class="sr-button" onClick={() => void copy()}>
        {t('reportAction')}
      </button>
      {copied.value !== null && (
        <p role="status" class={copied.value ? 'sr-muted' : 'sr-warning'}>
          {copied.value ? t('reportCopied') : t('reportCopyFailed')}
        </p>
      )}
      {report.value && (
        <div class="sr-field">
          <textarea readOnly rows={6} aria-label={t('reportOutline')} value={report.value} />
        </div>
      )}
    </section>
  );
}

const clampWidth = (width: number) => Math.round(Math.min(PANEL_WIDTH.max, Math.max(PANEL_WIDTH.min, width)));

/** What the folded panel's badge says: something needs the rep, or how many verdicts here are unsent. */
function badgeOf(state: PanelState, history: HistoryEntry[]): { text: string; description: string } | null {
  const attention = (text: string) => ({ text, description: t('panelNeedsAttention') });
  if (state.kind === 'error') return attention('!');
  if (state.kind !== 'view') return null;
  if (state.view.state === 'noMatch') return attention('?');
  if (state.view.state === 'notLinked' || state.view.state === 'unavailable') return attention('!');
  if (state.view.cache.offlineSince || history.some((entry) => entry.status === 'dead'))
    return attention('!');
  const unsent = history.filter((entry) => entry.status === 'held' || entry.status === 'pending').length;
  return unsent > 0 ? { text: String(unsent), description: tn('panelUnsent', unsent) } : null;
}

/** Sameroom's mark, two rooms that overlap, drawn in CSS (page text may hold markup; the panel holds none). */
const Mark = () => <span class="sr-mark" aria-hidden="true" />;

function CacheLine(props: { cache: CacheInfo }) {
  // Read today: its time ("a las 08:12"); before: its day with it ("del 4 dic, 08:12").
  const today = isToday(props.cache.fetchedAt);
  const asOf = formatAsOf(props.cache.fetchedAt);
  return (
    <footer class="sr-panel__footer">
      {/* The region stays on the page, so that going offline is read (one made with its words is not);
          the age of a cache that is fine is not announced at every refresh. */}
      <div role="status">
        {props.cache.offlineSince && (
          <p class="sr-warning">
            {t(today ? 'cacheOffline' : 'cacheOfflineDay', asOf, props.cache.problem ?? '')}
          </p>
        )}
      </div>
      {!props.cache.offlineSince && <p class="sr-muted">{t(today ? 'cacheAsOf' : 'cacheAsOfDay', asOf)}</p>}
      {props.cache.skipped > 0 && <p class="sr-warning">{tn('cacheSkipped', props.cache.skipped)}</p>}
    </footer>
  );
}

type BodyProps = PanelProps & { layout: Signal<PanelLayout>; onLayout: (layout: PanelLayout) => void };

/** The verdict bar, outside the scrolling body so the one click is always on screen. */
function VerdictBar(props: BodyProps & { setup: VerdictSetup; questions?: readonly string[] }) {
  return (
    <VerdictForm
      setup={props.setup}
      history={props.history.value}
      sending={props.sending.value}
      onSend={props.onVerdict}
      onUndo={props.onUndo}
      note={props.note}
      notKept={props.notKept?.value ?? null}
      inMemoryOnly={props.privateWindow?.value ?? false}
      {...(props.answers ? { answers: props.answers } : {})}
      {...(props.region ? { region: props.region } : {})}
      questions={props.questions ?? []}
      moreOpen={props.layout.value.noteOpen}
      onMoreOpen={(noteOpen) => props.onLayout({ ...props.layout.value, noteOpen })}
    />
  );
}

/**
 * The history, read here and not in the body: a click changes it twice ("Saved", then the pushed
 * history), and only this list and the verdict bar should render again, not the whole brief.
 */
function HistoryOf(props: {
  history: Signal<HistoryEntry[]>;
  onRepliesShown?: (() => void) | undefined;
  onUndo: (id: string) => void;
  sending: Signal<SendState>;
}) {
  const sending = props.sending.value;
  return (
    <VerdictHistory
      entries={props.history.value}
      onRepliesShown={props.onRepliesShown}
      onUndo={props.onUndo}
      undoShownFor={sending.kind === 'saved' ? sending.id : null}
    />
  );
}

/** The panel's one scroll container. */
function Scroll(props: { children: ComponentChildren }) {
  return <div class="sr-panel__body">{props.children}</div>;
}

/**
 * Digits 1–8 click the verdict buttons while focus is in the panel, but not while typing a note. A key
 * held down gives one verdict: its repeats (about 30 a second) are not clicks, neither of a digit nor of
 * Enter or Space on a focused button, or each repeat after "Saved" sent the verdict again (and the
 * fold button, which keeps the focus, folded and unfolded the panel 30 times a second).
 */
function onPanelKey(event: KeyboardEvent, panel = event.currentTarget as HTMLElement): void {
  const target = event.target as HTMLElement | null;
  if (event.repeat && target?.closest('button') && /^(Enter| )$/.test(event.key)) {
    event.preventDefault();
    return;
  }
  if (!/^[1-8]$/.test(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
  if (target && /^(TEXTAREA|INPUT|SELECT)$/.test(target.tagName)) return;
  if (event.repeat) {
    event.preventDefault();
    return;
  }
  const button = panel.querySelector<HTMLButtonElement>(`[data-verdict-key="${event.key}"]`);
  if (!button || button.disabled) return;
  event.preventDefault();
  button.focus();
  button.click();
}

function Body(props: BodyProps) {
  const wrongMatch = useSignal(false);
  const state = props.state.value;
  const reportPage = props.reportPage ?? noReport;
  if (state.kind === 'loading')
    return (
      <Scroll>
        <StatusLine />
      </Scroll>
    );
  if (state.kind === 'error')
    return (
      <Scroll>
        <StatusLine error={state.message} />
      </Scroll>
    );
  const view = state.view;
  switch (view.state) {
    case 'notLinked':
      return (
        <Scroll>
          <div class="sr-status" role="status">
            <p class="sr-status__title">{t('stateNotLinked')}</p>
            <p>{t('stateNotLinkedHelp')}</p>
            <button type="button" class="sr-button" onClick={props.onOpenOptions}>
              {t('actionOpenOptions')}
            </button>
          </div>
        </Scroll>
      );
    case 'unavailable':
      return (
        <Scroll>
          <div class="sr-status" role="alert">
            <p class="sr-status__title">{t('stateUnavailable')}</p>
            <p>{view.message}</p>
          </div>
        </Scroll>
      );
    case 'matched':
      return (
        <>
          <Scroll>
            <BriefView
              brief={view.brief}
              reason={view.reason}
              region={view.me.member.region ?? view.setup.region}
              onForgetPick={() => props.onPick(null)}
              onWrongMatch={() => {
                wrongMatch.value = true;
              }}
            />
            {props.pickProblem?.value && (
              <p class="sr-warning" role="alert">
                {props.pickProblem.value}
              </p>
            )}
            {wrongMatch.value && <ReportPage intro={t('reportWrongMatchHelp')} reportPage={reportPage} />}
            <HistoryOf
              history={props.history}
              onRepliesShown={props.onRepliesShown}
              onUndo={props.onUndo}
              sending={props.sending}
            />
            <CacheLine cache={view.cache} />
          </Scroll>
          <VerdictBar {...props} setup={view.setup} questions={view.brief.questionsForSales} />
        </>
      );
    case 'noMatch':
      return (
        <>
          <Scroll>
            <NoMatch
              lead={props.lead.value!}
              choices={view.choices}
              onPick={props.onPick}
              problem={props.pickProblem?.value ?? null}
            />
            {Object.keys(props.lead.value!.signals).length === 0 && (
              <ReportPage intro={t('reportNoSignals')} reportPage={reportPage} />
            )}
            <HistoryOf
              history={props.history}
              onRepliesShown={props.onRepliesShown}
              onUndo={props.onUndo}
              sending={props.sending}
            />
            <CacheLine cache={view.cache} />
          </Scroll>
          <VerdictBar {...props} setup={view.setup} />
        </>
      );
  }
}

/**
 * The panel docked at the right of a CRM record page, like VS Code's side bar: a header, one scrolling
 * body, and the verdict bar at the foot; folded, an activity bar with the mark and a badge.
 */
export function Panel(props: PanelProps) {
  const ownLayout = useSignal(DEFAULT_LAYOUT);
  const lead = props.lead.value;
  if (!lead) return null;
  const layout = props.layout ?? ownLayout;
  const onLayout = (next: PanelLayout) => {
    if (props.onLayout) props.onLayout(next);
    else ownLayout.value = next;
  };
  const folds: Folds = {
    closed: layout.value.closed,
    onFold: (id, open) =>
      onLayout({
        ...layout.value,
        closed: open ? layout.value.closed.filter((closed) => closed !== id) : [...layout.value.closed, id],
      }),
  };
  const prefs = props.prefs.value;
  const badge = prefs.collapsed ? badgeOf(props.state.value, props.history.value) : null;
  const setWidth = (width: number) => props.onPrefs({ ...prefs, width: clampWidth(width) });
  // The fold button is another element once folded or unfolded: the keyboard's focus goes to it.
  const aside = useRef<HTMLElement>(null);
  const refocus = useRef(false);
  const toggle = (event: Event) => {
    refocus.current = document.activeElement === event.currentTarget;
    props.onPrefs({ ...prefs, collapsed: !prefs.collapsed });
  };
  useLayoutEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    aside.current?.querySelector<HTMLElement>('.sr-panel__toggle')?.focus();
  }, [prefs.collapsed]);
  // The element with the keyboard's focus went with a change of what is shown (the picker once a
  // campaign is picked, Forget pick, Undo's button when its Undo failed): the focus fell to the frame's
  // body, where a screen reader starts again from the top and the rep's place was lost. It goes to what
  // took its place, never to a control that commits anything (Enter on a verdict button sends it): the
  // verdict bar's title for one that was in the bar; else the brief's name, or the picker.
  useLayoutEffect(() => {
    const panel = aside.current;
    if (!panel) return;
    let last: { element: HTMLElement; inBar: boolean } | null = null;
    const seen = (event: FocusEvent) => {
      const target = event.target as HTMLElement;
      last = { element: target, inBar: target.closest('.sr-verdict') !== null };
    };
    // The focus moved on while the element is still there (the rep clicked into the CRM page, or text):
    // nothing of it is to be put back later.
    const left = (event: FocusEvent) => {
      if (last?.element === event.target && (event.target as HTMLElement).isConnected) last = null;
    };
    const gone = new MutationObserver(() => {
      if (!last || last.element.isConnected || !document.hasFocus()) return;
      if (document.activeElement && document.activeElement !== document.body) return;
      const inBar = last.inBar;
      last = null;
      const titled = (selector: string) => {
        const found = panel.querySelector<HTMLElement>(selector);
        if (found && !found.hasAttribute('tabindex')) found.tabIndex = -1;
        return found;
      };
      const next = inBar
        ? titled('#sr-verdict-title')
        : (titled('#sr-brief-name') ?? panel.querySelector<HTMLElement>('#sr-pick-select'));
      next?.focus();
    });
    panel.addEventListener('focusin', seen);
    panel.addEventListener('focusout', left);
    gone.observe(panel, { childList: true, subtree: true });
    return () => {
      panel.removeEventListener('focusin', seen);
      panel.removeEventListener('focusout', left);
      gone.disconnect();
    };
  }, []);
  // With the focus on no element (the one that had it went: the picker once a campaign is picked, Undo
  // at the end of its countdown; a click on the brief's text), keys go to the frame's body, not through
  // the panel: 1–8 did nothing until the rep clicked a button.
  useLayoutEffect(() => {
    const fromBody = (event: KeyboardEvent) => {
      const target = event.target;
      if (aside.current && (target === document.body || target === document.documentElement))
        onPanelKey(event, aside.current);
    };
    document.addEventListener('keydown', fromBody);
    return () => document.removeEventListener('keydown', fromBody);
  }, []);
  return (
    <aside
      ref={aside}
      class={prefs.collapsed ? 'sr-panel sr-panel--collapsed' : 'sr-panel'}
      aria-label={t('panelLabel')}
      onKeyDown={onPanelKey}
    >
      {!prefs.collapsed && (
        // biome-ignore lint/a11y/useSemanticElements: a focusable separator is the ARIA pattern for a splitter
        <div
          class="sr-panel__resize"
          role="separator"
          aria-orientation="vertical"
          aria-label={t('resizePanel')}
          aria-valuemin={PANEL_WIDTH.min}
          aria-valuemax={PANEL_WIDTH.max}
          aria-valuenow={prefs.width}
          tabIndex={0}
          onKeyDown={(event) => {
            if (event.key === 'ArrowLeft') setWidth(prefs.width + PANEL_WIDTH.step);
            else if (event.key === 'ArrowRight') setWidth(prefs.width - PANEL_WIDTH.step);
            else return;
            event.preventDefault();
          }}
        />
      )}
      {prefs.collapsed ? (
        <div class="sr-panel__activity">
          <button
            type="button"
            class="sr-panel__toggle"
            aria-expanded={false}
            aria-label={t('panelExpand')}
            aria-describedby={badge ? 'sr-badge-text' : undefined}
            title={badge ? `${t('panelExpand')}: ${badge.description}` : t('panelExpand')}
            onClick={toggle}
          >
            <Mark />
            {badge && (
              <span class="sr-badge" aria-hidden="true">
                {badge.text}
              </span>
            )}
          </button>
          {badge && (
            <span id="sr-badge-text" class="sr-visually-hidden">
              {badge.description}
            </span>
          )}
        </div>
      ) : (
        <header class="sr-panel__header">
          <Mark />
          <div class="sr-panel__heading">
            <p class="sr-panel__title">{t('appName')}</p>
            <p class="sr-panel__record">
              {t('panelRecord', props.crmLabel.value, objectTypeLabel(lead.objectType))}
            </p>
          </div>
          <button
            type="button"
            class="sr-panel__toggle"
            aria-expanded={true}
            aria-label={t('panelCollapse')}
            title={t('panelCollapse')}
            onClick={toggle}
          >
            ›
          </button>
        </header>
      )}
      {!prefs.collapsed && (
        <FoldContext.Provider value={folds}>
          {/* A new record starts with its report closed. */}
          <Body
            key={`${lead.crm}:${lead.objectType}:${lead.recordId}`}
            {...props}
            layout={layout}
            onLayout={onLayout}
          />
        </FoldContext.Provider>
      )}
    </aside>
  );
}
