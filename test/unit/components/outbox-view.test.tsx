import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { OutboxView } from '../../../components/OutboxView';
import { setLanguage } from '../../../lib/i18n';
import type { DeadLetter, OutboxStatus } from '../../../lib/messages';
import { outboxStatus } from '../../support/examples';

const STATUS = outboxStatus();

const REFUSED: DeadLetter = {
  id: '7d8e2f4a-1b3c-4d5e-8f90-000000000001',
  verdict: 'good_fit',
  note: 'Wants a demo.',
  region: null,
  createdAt: '2026-11-22T09:00:00.000Z',
  status: 'dead',
  undoUntil: null,
  problem: 'campaignId: the campaign has ended',
  replies: [],
  campaignId: null,
  campaignName: null,
  lead: { crm: 'hubspot', objectType: 'contact', recordId: '61230' },
};

function view(
  status: OutboxStatus,
  {
    onDiscard = () => undefined,
    onResend = async () => null,
  }: {
    onDiscard?: (id: string) => void;
    onResend?: () => Promise<string | null>;
  } = {},
): HTMLElement {
  const root = document.createElement('div');
  document.body.append(root);
  render(
    <OutboxView
      status={status}
      setup={{ regions: [], region: null }}
      syncing={false}
      onSyncNow={() => undefined}
      onResend={onResend}
      onDiscard={onDiscard}
      onOpenOptions={() => undefined}
    />,
    root,
  );
  return root;
}

const shown = (status: OutboxStatus) => view(status).querySelector('[role="status"]')?.textContent ?? '';
const button = (root: HTMLElement, name: string) =>
  [...root.querySelectorAll('button')].find((candidate) => candidate.textContent === name);

describe('the outbox’s first line', () => {
  it('says every verdict has been sent only when none is left unsent anywhere', () => {
    expect(shown(STATUS)).toContain('Every verdict has been sent.');
    for (const status of [
      { ...STATUS, dead: [REFUSED] },
      { ...STATUS, otherWorkspace: 2 },
      { ...STATUS, otherReps: [{ name: 'Ben Okafor', count: 1 }] },
    ]) {
      const line = shown(status);
      expect(line).not.toContain('Every verdict has been sent.');
      expect(line).toContain('Nothing is waiting to send.');
    }
    expect(shown({ ...STATUS, pending: 3, dead: [REFUSED] })).toContain('3 waiting to send.');
    // One, in Spanish: "1 pendiente", not "1 pendientes".
    setLanguage('es');
    try {
      expect(shown({ ...STATUS, pending: 1 })).toContain('1 pendiente de envío.');
      expect(shown({ ...STATUS, pending: 2 })).toContain('2 pendientes de envío.');
    } finally {
      setLanguage('en');
    }
  });
});

describe('a refused verdict’s Discard', () => {
  it('asks first (the verdict and its fix go for good), keeping the keyboard on the question and back', async () => {
    const onDiscard = vi.fn();
    const root = view({ ...STATUS, dead: [REFUSED] }, { onDiscard });
    button(root, 'Discard')!.click();
    await vi.waitFor(() => expect(document.activeElement).toBe(button(root, 'Discard it')));
    expect(root.textContent).toContain('It cannot be undone.');
    expect(onDiscard).not.toHaveBeenCalled();
    button(root, 'Keep it')!.click();
    await vi.waitFor(() => expect(document.activeElement).toBe(button(root, 'Discard')));
    expect(onDiscard).not.toHaveBeenCalled();
    button(root, 'Discard')!.click();
    await vi.waitFor(() => expect(button(root, 'Discard it')).toBeDefined());
    button(root, 'Discard it')!.click();
    expect(onDiscard).toHaveBeenCalledWith(REFUSED.id);
    // The item goes with the next read of the outbox: the keyboard is on the outbox's title, not lost.
    expect(document.activeElement).toBe(root.querySelector('#sr-outbox-title'));
  });
});

describe('a refused verdict resent', () => {
  it('leaves the keyboard on the outbox’s title once accepted, and on the form when refused again', async () => {
    const answers = ['The campaign has ended.', null];
    const root = view({ ...STATUS, dead: [REFUSED] }, { onResend: async () => answers.shift() ?? null });
    const resend = button(root, 'Fix and resend')!;
    resend.focus();
    resend.click();
    await vi.waitFor(() =>
      expect(root.querySelector('.sr-dead [role="alert"]')?.textContent).toBe('The campaign has ended.'),
    );
    expect(document.activeElement).toBe(resend);
    resend.click();
    await vi.waitFor(() => expect(document.activeElement).toBe(root.querySelector('#sr-outbox-title')));
  });
});

describe('a refused verdict resent while the rep works elsewhere', () => {
  it('leaves the keyboard where the rep took it', async () => {
    let accept!: () => void;
    const root = view(
      { ...STATUS, dead: [REFUSED] },
      { onResend: () => new Promise<null>((resolve) => (accept = () => resolve(null))) },
    );
    const elsewhere = document.createElement('input');
    document.body.append(elsewhere);
    button(root, 'Fix and resend')!.click();
    elsewhere.focus();
    accept();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(document.activeElement).toBe(elsewhere);
  });
});
