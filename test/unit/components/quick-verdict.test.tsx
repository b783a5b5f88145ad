import { signal } from '@preact/signals';
import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { QuickVerdict, type QuickVerdictInput } from '../../../components/QuickVerdict';

describe("the popup's verdict form", () => {
  it('shows the region it will send, even one the workspace does not list', () => {
    const container = document.createElement('div');
    render(
      <QuickVerdict
        campaigns={{
          linked: true,
          choices: [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' }],
          setup: { regions: [], region: 'Iberia' },
          fetchedAt: null,
        }}
        onSend={vi.fn(async () => null)}
      />,
      container,
    );
    const select = [...container.querySelectorAll('select')].find((s) =>
      s.closest('label')?.textContent?.startsWith('Region'),
    );
    expect(select?.value).toBe('Iberia');
  });
});

describe("the popup's verdict form, closed and opened again", () => {
  const campaigns = {
    linked: true as const,
    choices: [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' as const }],
    setup: { regions: [], region: null },
    fetchedAt: null,
  };

  it('opens with what was kept, and hands every change on as a draft (not the first render)', async () => {
    const container = document.createElement('div');
    const onDraft = vi.fn();
    render(
      <QuickVerdict
        campaigns={campaigns}
        onSend={vi.fn(async () => null)}
        kept={{
          note: 'Asked for a reseller.',
          answers: {},
          quick: {
            campaignId: 'c1',
            leadLink: 'https://acme.example/lead/1',
            verdict: 'wrong_audience',
            region: '',
          },
        }}
        onDraft={onDraft}
      />,
      container,
    );
    expect(container.querySelector('textarea')?.value).toBe('Asked for a reseller.');
    expect(container.querySelector<HTMLInputElement>('input[inputmode="url"]')?.value).toBe(
      'https://acme.example/lead/1',
    );
    const [campaign, verdict] = [...container.querySelectorAll('select')];
    expect(campaign?.value).toBe('c1');
    expect(verdict?.value).toBe('wrong_audience');
    expect(onDraft).not.toHaveBeenCalled();
    const note = container.querySelector('textarea')!;
    note.value = 'Asked for a reseller in Porto.';
    note.dispatchEvent(new Event('input', { bubbles: true }));
    await vi.waitFor(() =>
      expect(onDraft).toHaveBeenLastCalledWith({
        note: 'Asked for a reseller in Porto.',
        answers: {},
        quick: {
          campaignId: 'c1',
          leadLink: 'https://acme.example/lead/1',
          verdict: 'wrong_audience',
          region: '',
        },
      }),
    );
  });

  it('does not pick a kept campaign the cached briefs no longer have', () => {
    const container = document.createElement('div');
    render(
      <QuickVerdict
        campaigns={campaigns}
        onSend={vi.fn(async () => null)}
        kept={{
          note: '',
          answers: {},
          quick: { campaignId: 'gone', leadLink: '', verdict: 'good_fit', region: '' },
        }}
      />,
      container,
    );
    expect(container.querySelector('select')?.value).toBe('');
  });
});

describe("the popup's verdict form, sent and undone", () => {
  const campaigns = {
    linked: true as const,
    choices: [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' as const }],
    setup: { regions: [], region: null },
    fetchedAt: null,
  };
  const sent = {
    campaignId: 'c1',
    leadLink: 'https://acme.example/lead/1',
    verdict: 'wrong_audience' as const,
    note: 'Asked for a reseller.',
    region: '',
  };
  const type = (field: HTMLInputElement | HTMLTextAreaElement, text: string) => {
    field.value = text;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const fields = (container: HTMLElement) => ({
    note: container.querySelector('textarea')!,
    link: container.querySelector<HTMLInputElement>('input[inputmode="url"]')!,
  });

  it('keeps what the rep typed while the verdict was saving', async () => {
    const container = document.createElement('div');
    let answer!: (problem: string | null) => void;
    const onSend = vi.fn(() => new Promise<string | null>((resolve) => (answer = resolve)));
    render(
      <QuickVerdict
        campaigns={campaigns}
        onSend={onSend}
        kept={{ note: sent.note, answers: {}, quick: sent }}
      />,
      container,
    );
    container.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledWith(sent));
    type(fields(container).note, 'And a second thought.');
    answer(null);
    await vi.waitFor(() => expect(fields(container).link.value).toBe(''));
    expect(fields(container).note.value).toBe('And a second thought.');
  });

  it('takes an undone verdict back into the form, before what was typed since', async () => {
    const container = document.createElement('div');
    const undone = signal<QuickVerdictInput | null>(null);
    render(
      <QuickVerdict campaigns={campaigns} onSend={vi.fn(async () => null)} undone={undone} />,
      container,
    );
    type(fields(container).note, 'Typed after Saved.');
    undone.value = sent;
    await vi.waitFor(() => expect(fields(container).link.value).toBe(sent.leadLink));
    expect(fields(container).note.value).toBe('Asked for a reseller.\n\nTyped after Saved.');
    const [campaign, verdict] = [...container.querySelectorAll('select')];
    expect([campaign?.value, verdict?.value]).toEqual(['c1', 'wrong_audience']);
    expect(undone.value).toBeNull();
  });

  it('shows the note of an undone verdict beside the form when the rep has begun the next lead', async () => {
    const container = document.createElement('div');
    const undone = signal<QuickVerdictInput | null>(null);
    render(
      <QuickVerdict campaigns={campaigns} onSend={vi.fn(async () => null)} undone={undone} />,
      container,
    );
    type(fields(container).link, 'https://acme.example/lead/2');
    type(fields(container).note, 'About lead 2.');
    undone.value = sent;
    await vi.waitFor(() => expect(container.textContent).toContain('Asked for a reseller.'));
    expect(fields(container).link.value).toBe('https://acme.example/lead/2');
    expect(fields(container).note.value).toBe('About lead 2.');
  });

  it('keeps that note with the draft, after the next send and the popup closed, until the rep dismisses it', async () => {
    const container = document.createElement('div');
    const undone = signal<QuickVerdictInput | null>(null);
    const onDraft = vi.fn();
    render(
      <QuickVerdict
        campaigns={campaigns}
        onSend={vi.fn(async () => null)}
        undone={undone}
        onDraft={onDraft}
      />,
      container,
    );
    type(fields(container).link, 'https://acme.example/lead/2');
    type(fields(container).note, 'About lead 2.');
    undone.value = sent;
    await vi.waitFor(() =>
      expect(onDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({ quick: expect.objectContaining({ aside: 'Asked for a reseller.' }) }),
      ),
    );
    // Lead 2's verdict sent: its note and link leave the form, the undone note stays.
    container.querySelector('select')!.value = 'c1';
    container.querySelector('select')!.dispatchEvent(new Event('change', { bubbles: true }));
    container.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(fields(container).link.value).toBe(''));
    expect(container.textContent).toContain('Asked for a reseller.');
    const kept = onDraft.mock.lastCall![0];
    expect(kept.quick.aside).toBe('Asked for a reseller.');

    // The popup closed and opened again with what was kept.
    render(null, container);
    render(
      <QuickVerdict campaigns={campaigns} onSend={vi.fn(async () => null)} kept={kept} onDraft={onDraft} />,
      container,
    );
    expect(container.textContent).toContain('Asked for a reseller.');
    const dismiss = [...container.querySelectorAll('button')].find(
      (button) => button.textContent === 'Dismiss',
    )!;
    document.body.append(container);
    dismiss.focus();
    dismiss.click();
    await vi.waitFor(() => expect(container.textContent).not.toContain('Asked for a reseller.'));
    // Its button went with its line: the keyboard's focus is on the note box, not on the page.
    await vi.waitFor(() => expect(document.activeElement?.tagName).toBe('TEXTAREA'));
    container.remove();
    expect(onDraft.mock.lastCall![0].quick).not.toHaveProperty('aside');
  });
});

describe("the popup's verdict form, its storage full", () => {
  it('says under the note that what is typed is kept only while the popup is open', () => {
    const container = document.createElement('div');
    render(
      <QuickVerdict
        campaigns={{ linked: true, choices: [], setup: { regions: [], region: null }, fetchedAt: null }}
        onSend={vi.fn(async () => null)}
        notKept="This browser has no room left to store it."
      />,
      container,
    );
    expect(container.querySelector('label .sr-warning')?.textContent).toBe(
      'Not kept in this browser, only on this page while it stays open: This browser has no room left to store it.',
    );
  });
});

/** The form opened with campaign c1 (and a lead's address) kept, as a rep left it. */
function renderKept(
  container: HTMLElement,
  choices: Array<{ id: string; name: string; channel: string; status: 'active' }>,
  leadLink: string,
  onSend: (input: QuickVerdictInput) => Promise<string | null>,
) {
  render(
    <QuickVerdict
      campaigns={{ linked: true, choices, setup: { regions: [], region: null }, fetchedAt: null }}
      onSend={onSend}
      kept={{ note: '', answers: {}, quick: { campaignId: 'c1', leadLink, verdict: 'good_fit', region: '' } }}
    />,
    container,
  );
}

describe("the popup's verdict form, searched", () => {
  it('does not send to a campaign the search hides: the rep is asked to choose one', async () => {
    const container = document.createElement('div');
    const onSend = vi.fn(async (_: QuickVerdictInput) => null);
    renderKept(
      container,
      [
        { id: 'c1', name: 'Hannover Messe', channel: 'Trade show', status: 'active' },
        { id: 'c2', name: 'Spring webinar', channel: 'Webinar', status: 'active' },
      ],
      '',
      onSend,
    );
    const type = (input: HTMLInputElement, value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    type(container.querySelector<HTMLInputElement>('input[type="search"]')!, 'webinar');
    type(container.querySelector<HTMLInputElement>('input[inputmode="url"]')!, 'https://acme.example/lead/2');
    await Promise.resolve();
    container.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() =>
      expect(container.querySelector('[role="alert"]')?.textContent).toBe(
        'Choose the campaign this lead came from.',
      ),
    );
    expect(onSend).not.toHaveBeenCalled();
    // Chosen in the list, it goes.
    const campaign = container.querySelector('select')!;
    campaign.value = 'c2';
    campaign.dispatchEvent(new Event('change', { bubbles: true }));
    container.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() =>
      expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ campaignId: 'c2' })),
    );
  });
});

describe("the popup's search box", () => {
  it('takes Enter to go to the list (choosing the one campaign found), never to send', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const onSend = vi.fn(async (_: QuickVerdictInput) => null);
    renderKept(
      container,
      [
        { id: 'c1', name: 'Hannover Messe', channel: 'Trade show', status: 'active' },
        { id: 'c2', name: 'Spring webinar', channel: 'Webinar', status: 'active' },
      ],
      'https://acme.example/lead/2',
      onSend,
    );
    const search = container.querySelector<HTMLInputElement>('input[type="search"]')!;
    search.value = 'webinar';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await Promise.resolve();
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    search.dispatchEvent(enter);
    // The form's implicit submission does not happen: the browser's default of Enter is prevented.
    expect(enter.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(container.querySelector('select')!.value).toBe('c2'));
    expect(document.activeElement).toBe(container.querySelector('select'));
    expect(onSend).not.toHaveBeenCalled();
  });
});

describe("the popup's Send while it saves", () => {
  it('keeps the keyboard focus (marked busy, not disabled) and sends once however often it is pressed', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    let answer: (problem: string | null) => void = () => undefined;
    const onSend = vi.fn(() => new Promise<string | null>((resolve) => (answer = resolve)));
    renderKept(
      container,
      [{ id: 'c1', name: 'Spring webinar', channel: 'Webinar', status: 'active' }],
      'https://acme.example/lead/1',
      onSend,
    );
    const send = container.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    send.focus();
    const form = container.querySelector('form')!;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(send.getAttribute('aria-disabled')).toBe('true'));
    expect(send.disabled).toBe(false);
    expect(document.activeElement).toBe(send);
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(onSend).toHaveBeenCalledTimes(1);
    answer(null);
    await vi.waitFor(() => expect(send.getAttribute('aria-disabled')).toBe('false'));
    expect(document.activeElement).toBe(send);
    container.remove();
  });
});
