import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FoldContext } from '../../../components/FoldSection';
import { VerdictHistory } from '../../../components/VerdictHistory';
import type { HistoryEntry } from '../../../lib/messages';

afterEach(() => render(null, document.body));

const ENTRY: HistoryEntry = {
  id: 'e1',
  verdict: 'not_ready',
  createdAt: '2026-11-22T09:00:00.000Z',
  status: 'sent',
  note: null,
  undoUntil: null,
  problem: null,
  replies: [
    {
      id: 'r1',
      feedbackId: 'e1',
      author: { id: 'm1', name: 'Mara Jensen' },
      text: 'Which quarter?',
      createdAt: '2026-11-22T10:00:00.000Z',
    },
  ],
} as unknown as HistoryEntry;

function show(closed: string[], entries: HistoryEntry[]) {
  const shown = vi.fn();
  render(
    <FoldContext.Provider value={{ closed: closed as never[], onFold: () => undefined }}>
      <VerdictHistory entries={entries} onRepliesShown={shown} />
    </FoldContext.Provider>,
    document.body,
  );
  return shown;
}

describe('the history’s replies', () => {
  it('are told shown when the History section is open and holds a reply', async () => {
    const shown = show([], [ENTRY]);
    await vi.waitFor(() => expect(shown).toHaveBeenCalledOnce());
    expect(document.body.textContent).toContain('Which quarter?');
  });

  it('are not, folded or without a reply', async () => {
    const folded = show(['history'], [ENTRY]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(folded).not.toHaveBeenCalled();
    const none = show([], [{ ...ENTRY, replies: [] }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(none).not.toHaveBeenCalled();
  });
});
