import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { BriefView } from '../../../components/BriefView';
import { brief } from '../../support/examples';

const counts = (overrides: Partial<Record<string, number>>) => ({
  good_fit: 0,
  wrong_audience: 0,
  tire_kicker: 0,
  not_ready: 0,
  bad_contact: 0,
  spam: 0,
  won: 0,
  lost: 0,
  ...overrides,
});

function progress(region: string | null, leads = 10): string {
  const base = brief();
  const shown = brief({
    stats: {
      ...base.stats,
      // DACH: good fit 4, won 2 of 10 leads judged there (60 %); overall 12 + 5 + 1 of 31 (58 %).
      byRegion: [
        {
          region: 'DACH',
          leads,
          verdicts: leads === 1 ? counts({ good_fit: 1 }) : counts({ good_fit: 4, won: 2, tire_kicker: 4 }),
        },
      ],
    },
  });
  render(<BriefView brief={shown} reason={{ kind: 'pick' }} region={region} />, document.body);
  return document.body.querySelector('.sr-goodfit')?.textContent ?? '';
}

afterEach(() => {
  render(null, document.body);
});

describe('how the campaign is going', () => {
  it("shows the good-fit rate overall and in the rep's region", () => {
    expect(progress('DACH')).toMatch(/^Good fit: 58\s?% of leads · in DACH: 60\s?% \(10 leads\)$/);
  });

  it('says one lead as one (before: "(1 leads)")', () => {
    expect(progress('DACH', 1)).toMatch(/ · in DACH: 100\s?% \(1 lead\)$/);
  });

  it('says when nothing was judged in the region yet, and shows the overall rate alone without a region', () => {
    expect(progress('Iberia')).toMatch(/^Good fit: 58\s?% of leads · none judged in Iberia yet$/);
    render(null, document.body);
    expect(progress(null)).toMatch(/^Good fit: 58\s?% of leads$/);
  });
});

describe('the answer marketing found useful', () => {
  it("shows the campaign's useful answer under how it is going, and nothing when there is none", () => {
    render(
      <BriefView
        brief={brief({
          usefulAnswer: {
            question: 'Did they mention a 2027 budget?',
            answer: 'Yes, about 50k',
            markedAt: '2026-05-21T09:00:00.000Z',
          },
        })}
        reason={{ kind: 'pick' }}
        region={null}
      />,
      document.body,
    );
    const useful = document.body.querySelector('#progress .sr-useful, .sr-useful');
    expect(useful?.textContent).toBe(
      'Marketing found this useful: Did they mention a 2027 budget? — Yes, about 50k',
    );
    render(null, document.body);
    render(<BriefView brief={brief()} reason={{ kind: 'pick' }} region={null} />, document.body);
    expect(document.body.querySelector('.sr-useful')).toBeNull();
    expect(document.body.textContent).not.toContain('Marketing found this useful');
  });
});
