import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BriefEditor } from '../../../workspace/dashboard/pages/BriefEditor';
import { campaigns, me } from '../../../workspace/dashboard/state';
import { brief } from '../../support/examples';
import { meAnswer } from './workspace-double';

beforeEach(() => {
  me.value = meAnswer('marketer');
  campaigns.value = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
  render(null, document.body);
});

describe('the brief editor', () => {
  it('takes the keyboard to what needs attention, worded by the fields’ labels, not the protocol’s paths', async () => {
    render(<BriefEditor id={null} />, document.body);
    const input = (id: string) => document.getElementById(id) as HTMLInputElement;
    const type = (id: string, value: string) => {
      input(id).value = value;
      input(id).dispatchEvent(new Event('input', { bubbles: true }));
    };
    type('f-avgDealValue', 'lots');
    type('f-talkingPoints', `Fast\n${'x'.repeat(300)}`);
    const save = document.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    save.focus();
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    const summary = await vi.waitFor(() => {
      const found = document.getElementById('form-message');
      if (!found) throw new Error('no summary yet');
      return found;
    });
    await vi.waitFor(() => expect(document.activeElement).toBe(summary));
    const links = [...summary.querySelectorAll('a')].map((a) => a.textContent);
    expect(links).toContain('Name');
    expect(links).toContain('Average deal value');
    expect(links).toContain('Talking points (line 2)');
    expect(links.join(' ')).not.toMatch(/economics\.|talkingPoints/);
  });

  it('offers the channels the campaigns already use while one is typed', () => {
    campaigns.value = [brief(), brief({ id: '44444444-4444-4444-8444-444444444444', channel: 'Webinar' })];
    render(<BriefEditor id={null} />, document.body);
    const channel = document.getElementById('f-channel') as HTMLInputElement;
    const list = document.getElementById(channel.getAttribute('list')!);
    expect([...list!.querySelectorAll('option')].map((o) => o.value)).toEqual(['Trade show', 'Webinar']);
  });
});
