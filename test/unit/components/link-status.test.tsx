import { signal } from '@preact/signals';
import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { type LinkState, LinkStatus } from '../../../components/LinkStatus';

describe('where the extension stands with the workspace', () => {
  it('offers to ask again when the background gave no answer, and shows the answer that comes', async () => {
    const container = document.createElement('div');
    const state = signal<LinkState>({ kind: 'error', message: 'Sameroom could not do that: no answer' });
    const onRetry = vi.fn(() => {
      state.value = { kind: 'ready', status: { linked: false, me: null } };
    });
    render(<LinkStatus state={state} onRetry={onRetry} />, container);
    expect(container.textContent).toContain('no answer');
    // Before, Options showed the error alone: its link form never came until the page was reloaded.
    const retry = [...container.querySelectorAll('button')].find(
      (button) => button.textContent === 'Try again',
    );
    retry!.click();
    expect(onRetry).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(container.textContent).toContain('Not linked'));
  });

  it('offers nothing more where no retry is given (the popup opens Options instead)', () => {
    const container = document.createElement('div');
    render(<LinkStatus state={signal<LinkState>({ kind: 'error', message: 'no answer' })} />, container);
    expect(container.querySelector('button')).toBeNull();
  });
});
