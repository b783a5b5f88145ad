import { describe, expect, it } from 'vitest';
import { VerdictIds } from '../../../lib/outbox/verdict-ids';

function ids() {
  let next = 0;
  return new VerdictIds(() => `id-${++next}`);
}

describe('the id a verdict is sent with', () => {
  it('stays the same for the same verdict clicked again after its answer never came', () => {
    const verdicts = ids();
    const first = verdicts.idFor('good_fit|Wants a demo');
    verdicts.settle('good_fit|Wants a demo', first, false);
    expect(verdicts.idFor('good_fit|Wants a demo')).toBe(first);
  });

  it('stays the same for the same verdict clicked again after an error (it may have been stored)', () => {
    const verdicts = ids();
    const first = verdicts.idFor('good_fit|Wants a demo');
    verdicts.settle('good_fit|Wants a demo', first, false);
    expect(verdicts.idFor('good_fit|Wants a demo')).toBe(first);
    verdicts.settle('good_fit|Wants a demo', first, true);
    expect(verdicts.idFor('good_fit|Wants a demo')).not.toBe(first);
  });

  it('is new for the same verdict once it was saved, and for anything changed', () => {
    const verdicts = ids();
    const first = verdicts.idFor('good_fit|');
    verdicts.settle('good_fit|', first, false);
    expect(verdicts.idFor('good_fit|a note added')).not.toBe(first);
    verdicts.settle('good_fit|', first, true);
    expect(verdicts.idFor('good_fit|')).not.toBe(first);
  });

  it('keeps the lost verdict’s id through another verdict answered meanwhile', () => {
    const verdicts = ids();
    const lost = verdicts.idFor('spam|');
    verdicts.settle('spam|', lost, false);
    const other = verdicts.idFor('good_fit|');
    verdicts.settle('good_fit|', other, true);
    expect(verdicts.idFor('spam|')).toBe(lost);
  });
});
