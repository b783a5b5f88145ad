import { signal } from '@preact/signals';
import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { PANEL_WIDTH, Panel, type PanelPrefs, type PanelState } from '../../components/Panel';
import '../../components/panel.css';
import { adapterFor, CRM_MATCHES, detectLead, type LeadContext } from '../../lib/crm';
import { askBackground } from '../../lib/platform/messaging';
import { loadPanelPrefs, savePanelPrefs } from '../../lib/platform/panel-prefs';

export default defineContentScript({
  matches: [...CRM_MATCHES],
  cssInjectionMode: 'ui',
  runAt: 'document_idle',
  async main(ctx) {
    const panel = new PanelMount(ctx);
    ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => void panel.show(newUrl.href));
    await panel.show(location.href);
  },
});

const DEFAULT_PREFS: PanelPrefs = { width: PANEL_WIDTH.default, collapsed: false };

/** One panel per tab: mounted on record pages, removed elsewhere, refreshed when the URL changes. */
class PanelMount {
  private ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
  private generation = 0;
  private readonly lead = signal<LeadContext | null>(null);
  private readonly crmLabel = signal('');
  private readonly state = signal<PanelState>({ kind: 'loading' });
  private readonly prefs = signal<PanelPrefs>(DEFAULT_PREFS);

  constructor(private readonly ctx: ContentScriptContext) {}

  async show(url: string): Promise<void> {
    const generation = ++this.generation;
    const lead = detectLead(url, document);
    if (!lead) {
      const ui = this.ui;
      this.ui = null;
      ui?.remove();
      this.lead.value = null;
      return;
    }
    this.lead.value = lead;
    this.crmLabel.value = adapterFor(new URL(url))?.label ?? lead.crm;
    this.state.value = { kind: 'loading' };
    this.prefs.value = await loadPanelPrefs(lead.crm, DEFAULT_PREFS);
    if (!this.ui) await this.mount();
    const answer = await askBackground({ type: 'lead', lead });
    if (generation !== this.generation) return; // the rep moved on; this answer is for another page
    this.state.value = answer.ok
      ? { kind: 'view', view: answer.reply }
      : { kind: 'error', message: answer.error };
  }

  private async pick(campaignId: string | null): Promise<void> {
    const lead = this.lead.value;
    if (!lead) return;
    const generation = this.generation;
    const answer = await askBackground({ type: 'pick', lead, campaignId });
    if (generation !== this.generation) return;
    this.state.value = answer.ok
      ? { kind: 'view', view: answer.reply }
      : { kind: 'error', message: answer.error };
  }

  private async mount(): Promise<void> {
    this.ui = await createShadowRootUi(this.ctx, {
      name: 'sameroom-panel',
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
            onOpenOptions={() => void askBackground({ type: 'openOptions' })}
            onPick={(campaignId) => void this.pick(campaignId)}
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
