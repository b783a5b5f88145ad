import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Panel, type PanelState } from '../../../components/Panel';
import type { SendState } from '../../../components/VerdictForm';
import type { LeadContext } from '../../../lib/crm';
import type { CacheInfo, HistoryEntry } from '../../../lib/messages';
import { brief } from '../../support/examples';

// "Report this page" as the rep meets it in the panel (issue 12).
const CACHE: CacheInfo = { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 };
const SETUP = { setup: { regions: ['Iberia'], region: 'Iberia' }, history: [] };
const ME = {
  member: { id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f', name: 'Ana', role: 'rep' as const, region: null },
  workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme', regions: [] },
};
const REPORT = 'Sameroom page report\nadapter: hubspot 3 — HubSpot';

function mount(lead: LeadContext, state: PanelState, reportPage = vi.fn(() => REPORT)) {
  const container = document.createElement('div');
  document.body.append(container);
  render(
    <Panel
      lead={signal<LeadContext | null>(lead)}
      crmLabel={signal('HubSpot')}
      state={signal(state)}
      prefs={signal({ width: 340, collapsed: false })}
      onPrefs={vi.fn()}
      onOpenOptions={vi.fn()}
      onPick={vi.fn()}
      history={signal<HistoryEntry[]>([])}
      sending={signal<SendState>({ kind: 'idle' })}
      note={signal('')}
      onVerdict={vi.fn(async () => true)}
      onUndo={vi.fn()}
      reportPage={reportPage}
    />,
    container,
  );
  return { container, reportPage };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const bare: LeadContext = { crm: 'hubspot', objectType: 'contact', recordId: '51234', signals: {} };
const noMatch: PanelState = { kind: 'view', view: { state: 'noMatch', cache: CACHE, ...SETUP, choices: [] } };

function clipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

afterEach(() => {
  document.body.innerHTML = '';
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('reporting a page', () => {
  it('is offered when the record was recognised but nothing was read, and copies the report', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    clipboard(writeText);
    const { container, reportPage } = mount(bare, noMatch);
    const section = container.querySelector('section[aria-labelledby="sr-report-title"]')!;
    expect(section.textContent).toContain('Sameroom recognised this record but read nothing on it.');
    expect(reportPage).not.toHaveBeenCalled();
    section.querySelector('button')!.click();
    await tick();
    expect(writeText).toHaveBeenCalledWith(REPORT);
    expect(section.querySelector('[role="status"]')?.textContent).toBe(
      'Copied. Paste it into a message to your Sameroom admin.',
    );
    expect(section.querySelector('textarea')?.value).toBe(REPORT);
  });

  it('shows the report to copy by hand when the browser refuses the clipboard', async () => {
    clipboard(async () => {
      throw new Error('denied');
    });
    const { container } = mount(bare, noMatch);
    container.querySelector<HTMLButtonElement>('.sr-report button')!.click();
    await tick();
    expect(container.querySelector('.sr-report [role="status"]')?.textContent).toBe(
      'The browser did not allow copying: select the report below and copy it.',
    );
    expect(container.querySelector<HTMLTextAreaElement>('.sr-report textarea')?.value).toBe(REPORT);
  });

  it('is not offered unasked when the page gave signals', () => {
    const { container } = mount({ ...bare, signals: { leadSource: 'Web' } }, noMatch);
    expect(container.querySelector('.sr-report')).toBeNull();
  });

  it('is offered once the rep says a match is wrong', () => {
    const { container } = mount(
      { ...bare, signals: { utmCampaign: 'HM26' } },
      {
        kind: 'view',
        view: {
          state: 'matched',
          brief: brief(),
          reason: { kind: 'utmCampaign', rule: 'hm26', signal: 'HM26' },
          cache: CACHE,
          me: ME,
          ...SETUP,
        },
      },
    );
    expect(container.querySelector('.sr-report')).toBeNull();
    const wrong = [...container.querySelectorAll<HTMLButtonElement>('.sr-reason button')].find(
      (button) => button.textContent === 'Wrong match?',
    )!;
    wrong.click();
    return tick().then(() => {
      expect(container.querySelector('.sr-report')?.textContent).toContain(
        'If Sameroom read this page wrong',
      );
    });
  });
});
