import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { CustomSiteForm } from '../../../components/CustomSiteForm';

/** Types into every box and picks a record type, as a rep filling the form in would. */
function fillIn(container: HTMLElement): void {
  for (const input of container.querySelectorAll('input')) {
    input.value = `typed ${input.closest('label')?.textContent ?? ''}`;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const select = container.querySelector('select')!;
  select.value = 'deal';
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

const values = (container: HTMLElement) => [
  ...[...container.querySelectorAll('input')].map((input) => input.value),
  container.querySelector('select')!.value,
];

async function submit(container: HTMLElement): Promise<void> {
  container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await vi.waitFor(() =>
    expect(container.querySelector('button[type="submit"]')!.hasAttribute('disabled')).toBe(false),
  );
}

describe("Options' custom-site form", () => {
  it('is empty again once the site is added, field rules and record type too', async () => {
    const container = document.createElement('div');
    const onAdd = vi.fn(async () => null);
    render(<CustomSiteForm onAdd={onAdd} />, container);
    fillIn(container);
    await submit(container);
    expect(onAdd).toHaveBeenCalledWith(
      expect.objectContaining({
        objectType: 'deal',
        fields: expect.objectContaining({
          region: { selector: expect.stringMatching(/^typed/), label: expect.stringMatching(/^typed/) },
        }),
      }),
    );
    await vi.waitFor(() => expect(container.querySelector('[role="status"]')).not.toBeNull());
    expect(values(container)).toEqual([...Array(values(container).length - 1).fill(''), 'person']);
  });

  it('keeps everything typed when the site is refused', async () => {
    const container = document.createElement('div');
    render(
      <CustomSiteForm onAdd={vi.fn(async () => ({ match: 'must be a match pattern for one site' }))} />,
      container,
    );
    fillIn(container);
    const typed = values(container);
    await submit(container);
    await vi.waitFor(() => expect(container.textContent).toContain('must be a match pattern for one site'));
    expect(values(container)).toEqual(typed);
    expect(typed.at(-1)).toBe('deal');
  });

  it('takes the keyboard to the first box to change, out of sight above Add', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    render(
      <CustomSiteForm
        onAdd={vi.fn(async () => ({
          recordPattern: 'must name the id',
          match: 'must be a match pattern for one site',
        }))}
      />,
      container,
    );
    fillIn(container);
    await submit(container);
    const invalid = [...container.querySelectorAll('input[aria-invalid="true"]')];
    expect(invalid).toHaveLength(2);
    await vi.waitFor(() => expect(document.activeElement).toBe(invalid[0]));
    expect(invalid[0]!.getAttribute('aria-describedby')).toContain('problem-match');
    container.remove();
  });

  it('takes the keyboard to a field rule’s box when its selector is refused, named with its field', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    render(
      <CustomSiteForm onAdd={vi.fn(async () => ({ 'fields.region.selector': 'Not a CSS selector.' }))} />,
      container,
    );
    fillIn(container);
    await submit(container);
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('aria-invalid')).toBe('true'));
    const box = document.activeElement!;
    expect(box.getAttribute('aria-label')).toBe('Region: CSS selector');
    expect(document.getElementById(box.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Not a CSS selector.',
    );
    container.remove();
  });

  it('says a site was added in a status region that was on the page before', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    render(<CustomSiteForm onAdd={vi.fn(async () => null)} />, container);
    const region = container.querySelector('[role="status"]');
    expect(region).not.toBeNull();
    fillIn(container);
    await submit(container);
    await vi.waitFor(() => expect(region!.textContent).not.toBe(''));
    expect(container.querySelector('[role="status"]')).toBe(region);
    container.remove();
  });
});
