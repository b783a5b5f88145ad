import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Panel, type PanelPrefs, type PanelState } from '../../../components/Panel';
import type { LeadContext } from '../../../lib/crm';
import type { CacheInfo } from '../../../lib/messages';
import { brief } from '../../support/examples';

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: { leadSource: 'Web' },
};
const CACHE: CacheInfo = { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 };
const VERDICT_SETUP = { setup: { regions: ['Iberia', 'DACH'], region: 'Iberia' }, history: [] };
const ME = {
  member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana', role: 'rep' as const, region: null },
  workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme', regions: [] },
};

function mount(state: PanelState, prefs: PanelPrefs = { width: 340, collapsed: false }) {
  const container = document.createElement('div');
  document.body.append(container);
  const props = {
    lead: signal<LeadContext | null>(LEAD),
    crmLabel: signal('Salesforce Lightning'),
    state: signal(state),
    prefs: signal(prefs),
    onPrefs: vi.fn((next: PanelPrefs) => {
      props.prefs.value = next;
    }),
    onOpenOptions: vi.fn(),
    onPick: vi.fn(),
  };
  render(<Panel {...props} />, container);
  return { container, props };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the panel', () => {
  it('is a labelled landmark naming the CRM and the record type, loading at first', () => {
    const { container } = mount({ kind: 'loading' });
    expect(container.querySelector('aside')?.getAttribute('aria-label')).toBe('Sameroom: campaign brief');
    expect(container.textContent).toContain('Salesforce Lightning · Lead');
    expect(container.querySelector('[role="status"]')?.textContent).toBe('Loading…');
  });

  it('says it is not linked and offers the way to link', () => {
    const { container, props } = mount({ kind: 'view', view: { state: 'notLinked' } });
    expect(container.textContent).toContain('Not linked to a workspace');
    [...container.querySelectorAll('button')].find((b) => b.textContent === 'Open Sameroom options')?.click();
    expect(props.onOpenOptions).toHaveBeenCalledOnce();
  });

  it('shows the brief with why it matched, its economics and how it is going', () => {
    const shown = brief();
    const { container } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: shown,
        reason: { kind: 'utmCampaign', rule: 'hm26', signal: 'HM26' },
        cache: CACHE,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    const text = container.textContent ?? '';
    expect(container.querySelector('h2')?.textContent).toBe('Hannover Messe 2026');
    expect(text).toContain('Matched by utm_campaign “HM26”.');
    expect(text).toContain('Retrofit without stopping the line.');
    expect(text).toContain('Students, competitors, and distributors looking for margin.');
    expect(text).toContain('Payback under 14 months');
    expect(text).toContain('Did they mention a 2027 budget?');
    expect(text).toContain('5 of 12 sales needed');
    expect(text).toContain('31 leads judged');
    expect(text).toContain('Good fit: 12');
  });

  it('says when a campaign is paused or ended, and when it shows an offline cache', () => {
    const paused = brief({ status: 'paused' });
    const offline = {
      ...CACHE,
      offlineSince: '2026-11-22T10:00:00Z',
      problem: 'The workspace cannot be reached.',
    };
    const { container } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: paused,
        reason: { kind: 'pick' },
        cache: offline,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    expect(container.textContent).toContain('This campaign is paused.');
    expect(container.querySelector('.sr-panel__footer [role="status"]')?.textContent).toMatch(
      /^Offline — showing campaigns as of .+The workspace cannot be reached\.$/,
    );
  });

  it('shows the signals seen when nothing matched, and lets the rep pick a campaign', async () => {
    const { container, props } = mount({
      kind: 'view',
      view: {
        state: 'noMatch',
        cache: CACHE,
        ...VERDICT_SETUP,
        choices: [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' }],
      },
    });
    expect(container.textContent).toContain('No campaign matched this lead');
    expect(container.querySelector('dl')?.textContent).toBe('Lead sourceWeb');
    const select = container.querySelector('select')!;
    select.value = 'c1';
    select.dispatchEvent(new Event('change'));
    await tick();
    container.querySelector<HTMLButtonElement>('.sr-pick button')!.click();
    expect(props.onPick).toHaveBeenCalledWith('c1');
  });

  it('renders page and remote text as text, never as markup', async () => {
    const hostile = brief({ name: '<img src=x onerror=alert(1)>', keyMessage: '<script>alert(1)</script>' });
    const { container, props } = mount({
      kind: 'view',
      view: {
        state: 'matched',
        brief: hostile,
        reason: { kind: 'pick' },
        cache: CACHE,
        me: ME,
        ...VERDICT_SETUP,
      },
    });
    props.crmLabel.value = '<b>bold</b>';
    await tick();
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('collapses to a strip with a badge and remembers it through onPrefs', async () => {
    const { container, props } = mount({
      kind: 'view',
      view: { state: 'noMatch', cache: CACHE, choices: [], ...VERDICT_SETUP },
    });
    const toggle = () => container.querySelector<HTMLButtonElement>('.sr-panel__toggle')!;
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    toggle().click();
    await tick();
    expect(props.onPrefs).toHaveBeenLastCalledWith({ width: 340, collapsed: true });
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(toggle().getAttribute('aria-label')).toBe('Expand the Sameroom panel');
    expect(container.querySelector('.sr-badge')?.textContent).toBe('?');
  });

  it('resizes from the keyboard within its bounds', async () => {
    const { container, props } = mount({ kind: 'loading' }, { width: 630, collapsed: false });
    const handle = container.querySelector<HTMLElement>('[role="separator"]')!;
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await tick();
    expect(props.onPrefs).toHaveBeenLastCalledWith({ width: 640, collapsed: false });
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await tick();
    expect(props.onPrefs).toHaveBeenLastCalledWith({ width: 624, collapsed: false });
    expect(container.querySelector('aside')?.getAttribute('style')).toContain('width: 624px');
  });
});
