import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { OutboxView } from '../../../components/OutboxView';
import type { DeadLetter, OutboxStatus } from '../../../lib/messages';

const STATUS: OutboxStatus = {
  linked: true,
  held: 0,
  pending: 0,
  dead: [],
  otherWorkspace: 0,
  otherReps: [],
  lastSyncAt: null,
  lastError: null,
  paused: false,
  retryAt: null,
  newReplies: [],
};

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

function shown(status: OutboxStatus): string {
  const root = document.createElement('div');
  document.body.append(root);
  render(
    <OutboxView
      status={status}
      setup={{ regions: [], region: null }}
      syncing={false}
      onSyncNow={() => undefined}
      onResend={async () => null}
      onDiscard={() => undefined}
      onOpenOptions={() => undefined}
    />,
    root,
  );
  return root.querySelector('[role="status"]')?.textContent ?? '';
}

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
  });
});
