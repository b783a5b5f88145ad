import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutboxView } from '../../../components/OutboxView';
import { Panel, type PanelPrefs, type PanelState } from '../../../components/Panel';
import { QuickVerdict } from '../../../components/QuickVerdict';
import type { SendState } from '../../../components/VerdictForm';
import { VerdictHistory } from '../../../components/VerdictHistory';
import type { LeadContext } from '../../../lib/crm';
import type { DeadLetter, HistoryEntry } from '../../../lib/messages';
import type { Brief } from '../../../lib/protocol';
import { brief, outboxStatus } from '../../support/examples';
import { HOSTILE } from '../../support/hostile-strings';

const CASES = Object.entries(HOSTILE);

const LEAD: LeadContext = {
  crm: 'salesforce',
  objectType: 'lead',
  recordId: '00Q5g00000A1b2cEAB',
  signals: {},
};
const CACHE = { fetchedAt: '2026-11-22T09:00:00Z', offlineSince: null, problem: null, skipped: 0 };
const ID = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

afterEach(() => {
  document.body.innerHTML = '';
  delete (window as { __pwned?: unknown }).__pwned;
});

/** Every text field of a brief set to `text`. */
function hostileBrief(text: string): Brief {
  const shown = brief();
  return {
    ...shown,
    name: text,
    channel: text,
    objective: text,
    audience: text,
    notFor: text,
    keyMessage: text,
    offer: text,
    talkingPoints: [text, text],
    questionsForSales: [text],
    regions: [text],
    owner: text,
  };
}

function history(text: string): HistoryEntry {
  return {
    id: ID,
    verdict: 'good_fit',
    note: text,
    region: text,
    createdAt: '2026-11-22T09:00:00Z',
    status: 'sent',
    undoUntil: null,
    problem: text,
    replies: [
      {
        id: ID,
        feedbackId: ID,
        author: { id: ID, name: text },
        text,
        createdAt: '2026-11-22T09:05:00Z',
      },
    ],
  };
}

function mount(node: preact.ComponentChild): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  render(node, container);
  return container;
}

/** Shown as text, nothing injected, nothing run. */
function expectInert(container: HTMLElement, text: string) {
  expect(
    container.querySelector('script, img, svg, iframe, object, embed, a[href^="javascript"]'),
  ).toBeNull();
  const handlers = [...container.querySelectorAll('*')].flatMap((element) =>
    element.getAttributeNames().filter((name) => name.startsWith('on')),
  );
  expect(handlers).toEqual([]);
  expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  // NUL is the one character a DOM text node may not keep as is; the rest arrives whole.
  const visible = text.replaceAll('\u0000', '');
  expect((container.textContent ?? '').replaceAll('\u0000', '').replaceAll('\ufffd', '')).toContain(visible);
}

describe('hostile text in the panel', () => {
  it.each(CASES)('a brief full of %s is shown as text', (_, text) => {
    const state: PanelState = {
      kind: 'view',
      view: {
        state: 'matched',
        brief: hostileBrief(text),
        reason: { kind: 'utmCampaign', rule: text, signal: text },
        cache: CACHE,
        me: {
          member: { id: ID, name: text, role: 'rep', region: text },
          workspace: { id: ID, name: text, regions: [text] },
        },
        setup: { regions: [text], region: text },
        history: [history(text)],
      },
    };
    const container = mount(
      <Panel
        lead={signal<LeadContext | null>({ ...LEAD, signals: { leadSource: text, campaignName: text } })}
        crmLabel={signal(text)}
        state={signal(state)}
        prefs={signal<PanelPrefs>({ width: 340, collapsed: false })}
        onPrefs={vi.fn()}
        onOpenOptions={vi.fn()}
        onPick={vi.fn()}
        history={signal<HistoryEntry[]>([history(text)])}
        sending={signal<SendState>({ kind: 'idle' })}
        note={signal(text)}
        onVerdict={vi.fn(async () => true)}
        onUndo={vi.fn()}
      />,
    );
    expectInert(container, text);
  });

  it.each(CASES)('signals full of %s, with no campaign matched, are shown as text', (_, text) => {
    const state: PanelState = {
      kind: 'view',
      view: {
        state: 'noMatch',
        choices: [{ id: ID, name: text, channel: text, status: 'active' }],
        cache: { ...CACHE, problem: text },
        setup: { regions: [text], region: null },
        history: [],
      },
    };
    const container = mount(
      <Panel
        lead={signal<LeadContext | null>({ ...LEAD, signals: { leadSource: text, utmCampaign: text } })}
        crmLabel={signal('Salesforce')}
        state={signal(state)}
        prefs={signal<PanelPrefs>({ width: 340, collapsed: false })}
        onPrefs={vi.fn()}
        onOpenOptions={vi.fn()}
        onPick={vi.fn()}
        history={signal<HistoryEntry[]>([])}
        sending={signal<SendState>({ kind: 'idle' })}
        note={signal('')}
        onVerdict={vi.fn(async () => true)}
        onUndo={vi.fn()}
      />,
    );
    expectInert(container, text);
  });
});

describe('hostile text in the popup', () => {
  it.each(CASES)('failed verdicts, replies and errors full of %s are shown as text', (_, text) => {
    const dead: DeadLetter = {
      ...history(text),
      status: 'dead',
      campaignId: ID,
      campaignName: text,
      lead: { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB' },
    };
    const status = outboxStatus({
      held: 1,
      pending: 1,
      dead: [dead],
      lastError: text,
      newReplies: [{ feedbackId: ID, verdict: 'spam', lead: dead.lead, reply: history(text).replies[0]! }],
    });
    const container = mount(
      <>
        <OutboxView
          status={status}
          setup={{ regions: [text], region: text }}
          syncing={false}
          onSyncNow={vi.fn()}
          onResend={vi.fn(async () => null)}
          onDiscard={vi.fn()}
          onOpenOptions={vi.fn()}
        />
        <QuickVerdict
          campaigns={{
            linked: true,
            choices: [{ id: ID, name: text, channel: text, status: 'active' }],
            setup: { regions: [text], region: text },
            fetchedAt: null,
          }}
          onSend={vi.fn(async () => null)}
        />
        <VerdictHistory entries={[history(text)]} />
      </>,
    );
    expectInert(container, text);
  });
});
