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
