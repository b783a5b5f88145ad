import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usePageMoves } from '../../../workspace/dashboard/page-moves';

afterEach(() => render(null, document.body));

function Pages(props: { path: string }) {
  usePageMoves(props.path);
  return (
    <main>
      <h1>{props.path === '/' ? 'Campaigns' : 'Feedback'}</h1>
      <button type="button">{props.path}</button>
    </main>
  );
}

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

describe('a move to another page of the dashboard', () => {
  it('takes the focus to the new page’s heading and names the page in the tab’s title, not on the first page', async () => {
    render(<Pages path="/" />, document.body);
    await vi.waitFor(() => expect(document.title).toBe('Campaigns · Sameroom dashboard'));
    await frame();
    expect(document.activeElement).toBe(document.body);
    const pressed = document.querySelector('button')!;
    pressed.focus();
    expect(document.activeElement).toBe(pressed);
    render(<Pages path="/feedback" />, document.body);
    await vi.waitFor(() => expect(document.activeElement?.tagName).toBe('H1'));
    expect(document.activeElement?.textContent).toBe('Feedback');
    expect(document.title).toBe('Feedback · Sameroom dashboard');
  });

  it('names the page once its heading comes, after its data, and follows the heading as it changes', async () => {
    const heading = signal<string | null>(null);
    function Late() {
      usePageMoves('/campaigns/1');
      return <main>{heading.value && <h1>{heading.value}</h1>}</main>;
    }
    render(<Late />, document.body);
    await new Promise((resolve) => setTimeout(resolve, 300));
    heading.value = 'Edit “…”';
    await vi.waitFor(() => expect(document.title).toBe('Edit “…” · Sameroom dashboard'));
    heading.value = 'Edit “Spring fair”';
    await vi.waitFor(() => expect(document.title).toBe('Edit “Spring fair” · Sameroom dashboard'));
  });
});
