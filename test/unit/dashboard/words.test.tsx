import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CRMS } from '../../../lib/protocol/constants';
import { BreakEven } from '../../../workspace/dashboard/charts';
import { crmName, dateTimeText } from '../../../workspace/dashboard/words';

afterEach(() => render(null, document.body));

describe('the dashboard’s words', () => {
  it('says a verdict’s time in UTC, marked so, as the filters’ days are: whatever the browser’s zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // 9 PM on 4 May in New York: 5 May in UTC, the day a filter counts it in.
      expect(dateTimeText('2026-05-05T01:00:00Z')).toBe('May 5, 2026, 1:00 AM UTC');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('names each CRM as its product is named, a custom site as the team’s own', () => {
    expect(CRMS.map(crmName)).toEqual([
      'Salesforce',
      'HubSpot',
      'Pipedrive',
      'Dynamics 365',
      'Zoho CRM',
      'Close',
      'Freshsales',
      'Attio',
      'Custom CRM site',
    ]);
  });

  it.each([
    [7, 12, '7 of 12 sales needed', '7'],
    [12, 12, '12 of 12 sales needed', '12'],
    // One sale: said in the singular.
    [0, 1, '0 of 1 sale needed', '0'],
    // Past it: paid for, not "14 of 12 sales needed"; the bar's value stays within its range.
    [14, 12, 'Paid for itself: 14 won, 12 needed', '12'],
  ])('says break-even at %i won of %i needed', (won, needed, text, valueNow) => {
    render(<BreakEven won={won} needed={needed} />, document.body);
    expect(document.body.textContent).toBe(text);
    const bar = document.body.querySelector('[role="progressbar"]');
    expect(bar?.getAttribute('aria-valuenow')).toBe(valueNow);
    expect(bar?.getAttribute('aria-valuemax')).toBe(String(needed));
  });
});
