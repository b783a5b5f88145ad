import { signal } from '@preact/signals';
import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { LinkState } from '../../components/LinkStatus';
import { Panel } from '../../components/Panel';
import '../../components/panel.css';
import { adapterFor, CRM_MATCHES, detectLead, type LeadContext } from '../../lib/crm';
import { askBackground } from '../../lib/platform/messaging';

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

/** One panel per tab: mounted on record pages, removed elsewhere, refreshed when the URL changes. */
class PanelMount {
  private ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
  private generation = 0;
  private readonly lead = signal<LeadContext | null>(null);
  private readonly crmLabel = signal('');
  private readonly link = signal<LinkState>({ kind: 'loading' });

  constructor(private readonly ctx: ContentScriptContext) {}

  async show(url: string): Promise<void> {
    const generation = ++this.generation;
    const lead = detectLead(url, document);
    if (!lead) {
      this.ui?.remove();
      this.ui = null;
      this.lead.value = null;
      return;
    }
    this.lead.value = lead;
    this.crmLabel.value = adapterFor(new URL(url))?.label ?? lead.crm;
    if (!this.ui) await this.mount();
    const answer = await askBackground({ type: 'status' });
    if (generation !== this.generation) return; // the rep moved on; this answer is for another page
    this.link.value = answer.ok
      ? { kind: 'ready', status: answer.reply }
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
            link={this.link}
            onOpenOptions={() => void askBackground({ type: 'openOptions' })}
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
  }
}
