import { type Signal, useSignal } from '@preact/signals';
import type { LeadContext } from '../lib/crm';
import { pageReport } from '../lib/crm/outline';
import { objectTypeLabel, t } from '../lib/i18n';
import type { CacheInfo, HistoryEntry, LeadView, VerdictSetup } from '../lib/messages';
import type { Verdict } from '../lib/protocol';
import { BriefView } from './BriefView';
import { NoMatch } from './NoMatch';
import { StatusLine } from './StatusLine';
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

export interface PanelProps {
  lead: Signal<LeadContext | null>;
  crmLabel: Signal<string>;
  state: Signal<PanelState>;
  prefs: Signal<PanelPrefs>;
  onPrefs: (prefs: PanelPrefs) => void;
  onOpenOptions: () => void;
  onPick: (campaignId: string | null) => void;
  /** This lead's verdicts, kept fresh by the content script. */
  history: Signal<HistoryEntry[]>;
  sending: Signal<SendState>;
  /** The unsent note for this lead. */
  note: Signal<string>;
  onVerdict: (verdict: Verdict, note: string, region: string) => Promise<boolean>;
  onUndo: (id: string) => void;
  /** The redacted report of the page to copy ("Report this page"); by default, of the page the panel is on. */
  reportPage?: () => string | null;
}

const reportThisPage = () => pageReport(location.href, document);

/**
 * "Report this page": copies a redacted outline of the CRM page (lib/crm/outline.ts) for the team to
 * send in, and shows it too, so the rep can copy it by hand where the browser refuses.
 */
function ReportPage(props: { intro: string; reportPage: () => string | null }) {
  const report = useSignal<string | null>(null);
  const copied = useSignal<boolean | null>(null);
  const copy = async () => {
    const text = props.reportPage() ?? t('reportUnavailable');
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

function badgeOf(state: PanelState): string | null {
  if (state.kind === 'error') return '!';
  if (state.kind !== 'view') return null;
  if (state.view.state === 'noMatch') return '?';
  if (state.view.state === 'notLinked' || state.view.state === 'unavailable') return '!';
  return state.view.cache.offlineSince ? '!' : null;
}

function CacheLine(props: { cache: CacheInfo }) {
  const asOf = new Date(props.cache.fetchedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <footer class="sr-panel__footer">
      {props.cache.offlineSince ? (
        <p role="status" class="sr-warning">
          {t('cacheOffline', asOf, props.cache.problem ?? '')}
        </p>
      ) : (
        <p class="sr-muted">{t('cacheAsOf', asOf)}</p>
      )}
      {props.cache.skipped > 0 && <p class="sr-warning">{t('cacheSkipped', props.cache.skipped)}</p>}
    </footer>
  );
}

function Verdicts(props: PanelProps & { setup: VerdictSetup }) {
  return (
    <>
      <VerdictForm
        setup={props.setup}
        history={props.history.value}
        sending={props.sending.value}
        onSend={props.onVerdict}
        onUndo={props.onUndo}
        note={props.note}
      />
      <VerdictHistory entries={props.history.value} />
    </>
  );
}

/** Digits 1–8 click the verdict buttons while focus is in the panel, but not while typing a note. */
function onPanelKey(event: KeyboardEvent): void {
  if (!/^[1-8]$/.test(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target as HTMLElement | null;
  if (target && /^(TEXTAREA|INPUT|SELECT)$/.test(target.tagName)) return;
  const panel = event.currentTarget as HTMLElement;
  const button = panel.querySelector<HTMLButtonElement>(`[data-verdict-key="${event.key}"]`);
  if (!button || button.disabled) return;
  event.preventDefault();
  button.focus();
  button.click();
}

function Body(props: PanelProps & { lead: Signal<LeadContext | null> }) {
  const wrongMatch = useSignal(false);
  const state = props.state.value;
  const reportPage = props.reportPage ?? reportThisPage;
  if (state.kind === 'loading') return <StatusLine />;
  if (state.kind === 'error') return <StatusLine error={state.message} />;
  const view = state.view;
  switch (view.state) {
    case 'notLinked':
      return (
        <div class="sr-status" role="status">
          <p class="sr-status__title">{t('stateNotLinked')}</p>
          <p>{t('stateNotLinkedHelp')}</p>
          <button type="button" class="sr-button" onClick={props.onOpenOptions}>
            {t('actionOpenOptions')}
          </button>
        </div>
      );
    case 'unavailable':
      return (
        <div class="sr-status" role="alert">
          <p class="sr-status__title">{t('stateUnavailable')}</p>
          <p>{view.message}</p>
        </div>
      );
    case 'matched':
      return (
        <>
          <BriefView
            brief={view.brief}
            reason={view.reason}
            onForgetPick={() => props.onPick(null)}
            onWrongMatch={() => {
              wrongMatch.value = true;
            }}
          />
          {wrongMatch.value && <ReportPage intro={t('reportWrongMatchHelp')} reportPage={reportPage} />}
          <Verdicts {...props} setup={view.setup} />
          <CacheLine cache={view.cache} />
        </>
      );
    case 'noMatch':
      return (
        <>
          <NoMatch lead={props.lead.value!} choices={view.choices} onPick={props.onPick} />
          {Object.keys(props.lead.value!.signals).length === 0 && (
            <ReportPage intro={t('reportNoSignals')} reportPage={reportPage} />
          )}
          <Verdicts {...props} setup={view.setup} />
          <CacheLine cache={view.cache} />
        </>
      );
  }
}

/** The panel docked at the right of a CRM record page, like VS Code's side bar. */
export function Panel(props: PanelProps) {
  const lead = props.lead.value;
  if (!lead) return null;
  const prefs = props.prefs.value;
  const badge = badgeOf(props.state.value);
  const setWidth = (width: number) => props.onPrefs({ ...prefs, width: clampWidth(width) });
  const toggle = () => props.onPrefs({ ...prefs, collapsed: !prefs.collapsed });
  return (
    <aside
      class={prefs.collapsed ? 'sr-panel sr-panel--collapsed' : 'sr-panel'}
      style={prefs.collapsed ? undefined : { width: `${prefs.width}px` }}
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
          onPointerDown={(event) => {
            const handle = event.currentTarget;
            handle.setPointerCapture(event.pointerId);
            const move = (moved: PointerEvent) => setWidth(window.innerWidth - moved.clientX);
            const stop = () => {
              handle.removeEventListener('pointermove', move);
              handle.removeEventListener('pointerup', stop);
            };
            handle.addEventListener('pointermove', move);
            handle.addEventListener('pointerup', stop);
          }}
        />
      )}
      <header class="sr-panel__header">
        <button
          type="button"
          class="sr-panel__toggle"
          aria-expanded={!prefs.collapsed}
          aria-label={prefs.collapsed ? t('panelExpand') : t('panelCollapse')}
          title={prefs.collapsed ? t('panelExpand') : t('panelCollapse')}
          onClick={toggle}
        >
          {prefs.collapsed ? '‹' : '›'}
          {prefs.collapsed && badge && <span class="sr-badge">{badge}</span>}
        </button>
        {!prefs.collapsed && (
          <div class="sr-panel__heading">
            <p class="sr-panel__title">{t('appName')}</p>
            <p class="sr-panel__record">
              {t('panelRecord', props.crmLabel.value, objectTypeLabel(lead.objectType))}
            </p>
          </div>
        )}
      </header>
      {!prefs.collapsed && (
        <div class="sr-panel__body">
          {/* A new record starts with its report closed. */}
          <Body key={`${lead.crm}:${lead.objectType}:${lead.recordId}`} {...props} />
        </div>
      )}
    </aside>
  );
}
