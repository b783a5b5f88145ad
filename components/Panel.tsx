import { type Signal, useSignal } from '@preact/signals';
import type { LeadContext } from '../lib/crm';
import { objectTypeLabel, t } from '../lib/i18n';
import { type LinkState, LinkStatus } from './LinkStatus';

export interface PanelProps {
  lead: Signal<LeadContext | null>;
  crmLabel: Signal<string>;
  link: Signal<LinkState>;
  onOpenOptions: () => void;
}

/** The panel docked at the right of a CRM record page, like VS Code's side bar. */
export function Panel(props: PanelProps) {
  const collapsed = useSignal(false);
  const lead = props.lead.value;
  if (!lead) return null;
  return (
    <aside class={collapsed.value ? 'sr-panel sr-panel--collapsed' : 'sr-panel'} aria-label={t('panelLabel')}>
      <header class="sr-panel__header">
        <button
          type="button"
          class="sr-panel__toggle"
          aria-expanded={!collapsed.value}
          aria-label={collapsed.value ? t('panelExpand') : t('panelCollapse')}
          title={collapsed.value ? t('panelExpand') : t('panelCollapse')}
          onClick={() => {
            collapsed.value = !collapsed.value;
          }}
        >
          {collapsed.value ? '‹' : '›'}
        </button>
        {!collapsed.value && (
          <div class="sr-panel__heading">
            <h2 class="sr-panel__title">{t('appName')}</h2>
            <p class="sr-panel__record">
              {t('panelRecord', props.crmLabel.value, objectTypeLabel(lead.objectType))}
            </p>
          </div>
        )}
      </header>
      {!collapsed.value && (
        <div class="sr-panel__body">
          <LinkStatus state={props.link} onOpenOptions={props.onOpenOptions} />
        </div>
      )}
    </aside>
  );
}
