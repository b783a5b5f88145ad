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

describe('a verdict still held', () => {
  const held = (id: string, ms: number): HistoryEntry => ({
    ...ENTRY,
    id,
    status: 'held',
    replies: [],
    undoUntil: new Date(Date.now() + ms).toISOString(),
  });
  const undoButtons = () =>
    [...document.body.querySelectorAll<HTMLButtonElement>('button')].filter((b) => b.textContent === 'Undo');

  it('can be undone from the history until its window ends, unless the verdict bar offers it already', async () => {
    const onUndo = vi.fn();
    render(
      <FoldContext.Provider value={{ closed: [], onFold: () => undefined }}>
        <VerdictHistory
          entries={[held('a', 200), held('b', 10_000), ENTRY]}
          onUndo={onUndo}
          undoShownFor="b"
        />
      </FoldContext.Provider>,
      document.body,
    );
    // "a" is offered; "b" is the verdict bar's own; a sent verdict has none.
    expect(undoButtons()).toHaveLength(1);
    expect(undoButtons()[0]!.getAttribute('aria-label')).toBe('Undo Not ready');
    undoButtons()[0]!.click();
    expect(onUndo).toHaveBeenCalledWith('a');
    // Past its window, the button goes.
    await vi.waitFor(() => expect(undoButtons()).toHaveLength(0), { timeout: 2_000 });
  });
});

describe('a verdict sent without what the workspace refused', () => {
  it('says what was kept in this browser only', () => {
    show([], [{ ...ENTRY, withheld: ['answers', 'url'] }]);
    expect(document.body.textContent).toContain(
      'Your workspace did not take the answers, the record’s address (an older version, or an address it no longer takes): kept in this browser only.',
    );
  });
});
