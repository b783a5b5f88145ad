import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { QuickVerdict } from '../../../components/QuickVerdict';

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
