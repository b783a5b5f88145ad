import { signal } from '@preact/signals';
import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import {
  DEFAULT_LAYOUT,
  PANEL_WIDTH,
  Panel,
  type PanelLayout,
  type PanelPrefs,
  type PanelState,
} from '../../components/Panel';
import type { SendState } from '../../components/VerdictForm';
import { leadKeyOf } from '../../lib/campaigns/lead-key';
import { adapterFor, type CrmAdapter, detectLead, type LeadContext } from '../../lib/crm';
import { pageReport } from '../../lib/crm/outline';
import type { HistoryEntry, Message } from '../../lib/messages';
import type { PanelCommand } from '../../lib/platform/commands';
import { askBackground } from '../../lib/platform/messaging';
import {
  loadPanelLayout,
  loadPanelPrefs,
  savePanelLayout,
  savePanelPrefs,
} from '../../lib/platform/panel-prefs';
import type { Verdict } from '../../lib/protocol';

const DEFAULT_PREFS: PanelPrefs = { width: PANEL_WIDTH.default, collapsed: false };
/** After a navigation the CRM may still be rendering the record: re-read it on changes for this long. */
const RENDER_WAIT_MS = 5_000;
const RENDER_DEBOUNCE_MS = 200;
const HISTORY_POLL_MS = { busy: 1_000, idle: 30_000 } as const;

/** One panel per tab: mounted on record pages, removed elsewhere, refreshed when the URL changes. */
export class PanelMount {
  private ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
  private mounting: Promise<void> | null = null;
  private generation = 0;
  private readonly lead = signal<LeadContext | null>(null);
  private readonly crmLabel = signal('');
  private readonly state = signal<PanelState>({ kind: 'loading' });
  private readonly prefs = signal<PanelPrefs>(DEFAULT_PREFS);
  private readonly layout = signal<PanelLayout>(DEFAULT_LAYOUT);
  private readonly history = signal<HistoryEntry[]>([]);
  private readonly sending = signal<SendState>({ kind: 'idle' });
  /** The note being typed, and the notes left unsent on other leads of this tab, by lead key. */
  private readonly note = signal('');
  private readonly drafts = new Map<string, string>();
  private stopWatching: (() => void) | null = null;
  private requests = 0;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ctx: ContentScriptContext,
    public adapters: CrmAdapter[],
    /** The panel's styles as text, for a script whose stylesheet is not a web-accessible file. */
    private readonly css?: string,
  ) {
    ctx.onInvalidated(() => {
      this.stopWatching?.();
      clearTimeout(this.pollTimer);
    });
  }

  /**
   * Follows this lead's verdicts: every second while one is saved but not yet accepted (to say
   * "Sent"), else every 30 seconds (for marketing's replies).
   */
  private pollHistory(generation: number): void {
    clearTimeout(this.pollTimer);
    const busy = this.history.value.some((entry) => entry.status === 'held' || entry.status === 'pending');
    this.pollTimer = setTimeout(
      async () => {
        const lead = this.lead.value;
        if (!lead || generation !== this.generation) return;
        const answer = await askBackground({ type: 'history', lead });
        if (generation !== this.generation) return;
        if (answer.ok) this.history.value = answer.reply;
        this.pollHistory(generation);
      },
      busy ? HISTORY_POLL_MS.busy : HISTORY_POLL_MS.idle,
    );
  }

  /** The keyboard commands: fold or unfold the panel; jump to the verdict buttons (unfolding first). */
  command(command: PanelCommand): void {
    const crm = this.lead.value?.crm;
    if (!this.ui || !crm) return;
    const prefs = this.prefs.value;
    const collapsed = command === 'toggle-panel' ? !prefs.collapsed : false;
    this.prefs.value = { ...prefs, collapsed };
    void savePanelPrefs(crm, this.prefs.value);
    if (command === 'focus-verdicts') {
      // After the unfolded panel has rendered.
      setTimeout(() => this.ui?.shadow.querySelector<HTMLElement>('[data-verdict-key="1"]')?.focus(), 0);
    }
  }

  private async sendVerdict(verdict: Verdict, note: string, region: string): Promise<boolean> {
    const lead = this.lead.value;
    const state = this.state.value;
    if (!lead || state.kind !== 'view') return false;
    const generation = this.generation;
    this.sending.value = { kind: 'saving' };
    const answer = await askBackground({
      type: 'verdict',
      id: crypto.randomUUID(),
      lead,
      url: location.href,
      campaignId: state.view.state === 'matched' ? state.view.brief.id : null,
      verdict,
      ...(note.trim() ? { note } : {}),
      region,
    });
    if (generation !== this.generation) return answer.ok;
    if (!answer.ok) {
      this.sending.value = { kind: 'error', message: answer.error };
      return false;
    }
    this.history.value = [
      answer.reply,
      ...this.history.value.filter((entry) => entry.id !== answer.reply.id),
    ];
    this.sending.value = { kind: 'saved', id: answer.reply.id };
    this.pollHistory(generation);
    return true;
  }

  private async undo(id: string): Promise<void> {
    const entry = this.history.value.find((candidate) => candidate.id === id);
    const answer = await askBackground({ type: 'undo', id });
    if (!answer.ok) {
      this.sending.value = { kind: 'error', message: answer.error };
      return;
    }
    if (answer.reply.undone && entry) {
      this.history.value = this.history.value.filter((candidate) => candidate.id !== id);
      this.sending.value = {
        kind: 'undone',
        verdict: entry.verdict,
        note: entry.note ?? '',
        region: entry.region ?? '',
      };
    }
  }

  /**
   * Re-reads the record while the CRM renders it (bounded in time, debounced), and asks again when
   * what the page says about the lead changes. Stops at the next navigation.
   */
  private watchRender(url: string, generation: number, seen: LeadContext): void {
    this.stopWatching?.();
    let last = JSON.stringify(seen.signals);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new MutationObserver((mutations) => {
      if (mutations.every((m) => m.target === this.ui?.shadowHost)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (generation !== this.generation) return;
        const lead = detectLead(url, document, this.adapters);
        if (!lead || JSON.stringify(lead.signals) === last) return;
        last = JSON.stringify(lead.signals);
        this.lead.value = lead;
        void this.ask({ type: 'lead', lead }, generation);
      }, RENDER_DEBOUNCE_MS);
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const stop = () => {
      clearTimeout(timer);
      clearTimeout(deadline);
      observer.disconnect();
      if (this.stopWatching === stop) this.stopWatching = null;
    };
    const deadline = setTimeout(stop, RENDER_WAIT_MS);
    this.stopWatching = stop;
  }

  /** Asks what to show for the lead (or records a pick), unless the rep has moved on or asked again since. */
  private async ask(message: Extract<Message, { type: 'lead' | 'pick' }>, generation: number): Promise<void> {
    const request = ++this.requests;
    const answer = await askBackground(message);
    if (generation !== this.generation || request !== this.requests) return;
    if (!answer.ok && answer.off) {
      // The background says Sameroom is off on this page (the rep or the admin switched it off).
      this.adapters = [];
      void this.show(location.href);
      return;
    }
    this.state.value = answer.ok
      ? { kind: 'view', view: answer.reply }
      : { kind: 'error', message: answer.error };
    if (answer.ok && 'history' in answer.reply) {
      this.history.value = answer.reply.history;
      this.pollHistory(generation);
    }
  }

  async show(url: string): Promise<void> {
    const generation = ++this.generation;
    this.stopWatching?.();
    const lead = detectLead(url, document, this.adapters);
    if (!lead) {
      // A panel still being mounted for an earlier address comes down once it is there.
      await this.mounting;
      if (generation !== this.generation) return;
      clearTimeout(this.pollTimer);
      const ui = this.ui;
      this.ui = null;
      ui?.remove();
      this.lead.value = null;
      return;
    }
    const previous = this.lead.value && leadKeyOf(this.lead.value);
    if (leadKeyOf(lead) !== previous) {
      this.history.value = [];
      this.sending.value = { kind: 'idle' };
      if (previous) this.drafts.set(previous, this.note.value);
      this.note.value = this.drafts.get(leadKeyOf(lead)) ?? '';
    }
    this.lead.value = lead;
    this.crmLabel.value = adapterFor(new URL(url), this.adapters)?.label ?? lead.crm;
    this.state.value = { kind: 'loading' };
    if (!this.ui) {
      // One mount at a time: a show() called meanwhile (a navigation, the settings' answer) waits for it.
      this.mounting ??= Promise.all([
        loadPanelPrefs(lead.crm, DEFAULT_PREFS),
        loadPanelLayout(DEFAULT_LAYOUT),
      ])
        .then(([prefs, layout]) => {
          this.prefs.value = prefs;
          this.layout.value = layout;
          return this.mount();
        })
        .finally(() => {
          this.mounting = null;
        });
      await this.mounting;
    }
    if (generation !== this.generation) return;
    this.watchRender(url, generation, lead);
    await this.ask({ type: 'lead', lead }, generation);
  }

  private async mount(): Promise<void> {
    this.ui = await createShadowRootUi(this.ctx, {
      name: 'sameroom-panel',
      ...(this.css ? { css: this.css } : {}),
      position: 'inline',
      anchor: 'body',
      append: 'last',
      // Keys typed in the panel must not reach the CRM's own keyboard shortcuts.
      isolateEvents: true,
      onMount: (container) => {
        render(
          <Panel
            lead={this.lead}
            crmLabel={this.crmLabel}
            state={this.state}
            prefs={this.prefs}
            onPrefs={(prefs) => {
              this.prefs.value = prefs;
              const crm = this.lead.value?.crm;
              if (crm) void savePanelPrefs(crm, prefs);
            }}
            layout={this.layout}
            onLayout={(layout) => {
              this.layout.value = layout;
              void savePanelLayout(layout);
            }}
            onOpenOptions={() => void askBackground({ type: 'openOptions' })}
            onPick={(campaignId) => {
              const lead = this.lead.value;
              if (lead) void this.ask({ type: 'pick', lead, campaignId }, this.generation);
            }}
            history={this.history}
            sending={this.sending}
            note={this.note}
            onVerdict={(verdict, note, region) => this.sendVerdict(verdict, note, region)}
            onUndo={(id) => void this.undo(id)}
            reportPage={() => pageReport(location.href, document, this.adapters)}
          />,
          container,
        );
        return container;
      },
      onRemove: (container) => {
        if (container) render(null, container);
      },
    });
    this.ui.mount();
    this.keepAttached(this.ui.shadowHost);
  }

  /** CRMs re-render their pages and may drop our node: put the panel back when they do. */
  private keepAttached(host: HTMLElement): void {
    const observer = new MutationObserver(() => {
      if (this.ui?.shadowHost !== host) observer.disconnect();
      else if (!host.isConnected) document.body.append(host);
    });
    observer.observe(document.body, { childList: true });
    this.ctx.onInvalidated(() => observer.disconnect());
  }
}
