import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LinkState } from '../../../components/LinkStatus';
import { Panel } from '../../../components/Panel';
import type { LeadContext } from '../../../lib/crm';

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: {},
};

function mount(link: LinkState, onOpenOptions = vi.fn()) {
  const container = document.createElement('div');
  document.body.append(container);
  const state = {
    lead: signal<LeadContext | null>(LEAD),
    crmLabel: signal('Salesforce Lightning'),
    link: signal(link),
  };
  render(<Panel {...state} onOpenOptions={onOpenOptions} />, container);
  return { container, state, onOpenOptions };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the panel', () => {
  it('is a labelled landmark naming the CRM and the record type', () => {
    const { container } = mount({ kind: 'loading' });
    const aside = container.querySelector('aside');
    expect(aside?.getAttribute('aria-label')).toBe('Sameroom: campaign brief');
    expect(container.textContent).toContain('Salesforce Lightning · Lead');
    expect(container.querySelector('[role="status"]')?.textContent).toBe('Loading…');
  });

  it('says it is not linked and offers the way to link', () => {
    const { container, onOpenOptions } = mount({ kind: 'ready', status: { linked: false, me: null } });
    expect(container.textContent).toContain('Not linked to a workspace');
    const button = [...container.querySelectorAll('button')].find(
      (b) => b.textContent === 'Open Sameroom options',
    );
    button?.click();
    expect(onOpenOptions).toHaveBeenCalledOnce();
  });

  it('shows an error as an alert', () => {
    const { container } = mount({ kind: 'error', message: "Sameroom's background did not answer." });
    expect(container.querySelector('[role="alert"]')?.textContent).toBe(
      "Sameroom's background did not answer.",
    );
  });

  it('renders page and remote text as text, never as markup', async () => {
    const { container, state } = mount({ kind: 'loading' });
    state.crmLabel.value = '<img src=x onerror=alert(1)>';
    await Promise.resolve();
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('collapses to a strip and expands again, saying so to assistive technology', async () => {
    const { container } = mount({ kind: 'loading' });
    const toggle = () => container.querySelector<HTMLButtonElement>('.sr-panel__toggle')!;
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    toggle().click();
    await Promise.resolve();
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(toggle().getAttribute('aria-label')).toBe('Expand the Sameroom panel');
    expect(container.querySelector('[role="status"]')).toBeNull();
    toggle().click();
    await Promise.resolve();
    expect(container.querySelector('[role="status"]')).not.toBeNull();
  });
});
