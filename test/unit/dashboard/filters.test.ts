import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createFiltersModel, NO_FILTERS } from '../../../workspace/dashboard/filters-model';

describe("the dashboard's filters", () => {
  it('says so when the period ends before it starts, and not otherwise', () => {
    const filters = signal(NO_FILTERS);
    const model = createFiltersModel(filters);
    expect(model.periodProblem.value).toBeNull();
    model.set('from', '2026-06-01');
    model.set('to', '2026-05-01');
    expect(model.periodProblem.value).toBe(
      'The “To” date is before the “From” date, so nothing falls in this period.',
    );
    model.set('to', '2026-06-01');
    expect(model.periodProblem.value).toBeNull();
    model.set('from', '');
    model.set('to', '2000-01-01');
    expect(model.periodProblem.value).toBeNull();
  });
});
