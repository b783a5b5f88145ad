import { computed, effect, type Signal, signal } from '@preact/signals';
import { td } from '../../lib/i18n/dashboard';
import type { Member } from '../../lib/protocol';
import { isoDate } from '../../lib/protocol/text';
import { api } from './api';
import { MembersAnswer } from './schemas';
import { campaigns, loadCampaigns, me } from './state';

/** The dashboard's filters: the feedback matrix and Insights take the same ones. */
export interface Filters {
  from: string;
  to: string;
  region: string;
  channel: string;
  rep: string;
}
export const NO_FILTERS: Filters = { from: '', to: '', region: '', channel: '', rep: '' };

const FIELD_MAX = 200;

/** A page's filters from its address: what is not a date or a plain value is left out. */
export function filtersFromSearch(search: string): Filters {
  const params = new URLSearchParams(search);
  const text = (key: string) => {
    const value = params.get(key)?.trim() ?? '';
    return value.length <= FIELD_MAX ? value : '';
  };
  // A date as the workspace's filters take it (lib/protocol's isoDate): anything else would be refused.
  const day = (key: string) => (isoDate.safeParse(text(key)).success ? text(key) : '');
  return {
    from: day('from'),
    to: day('to'),
    region: text('region'),
    channel: text('channel'),
    rep: text('rep'),
  };
}

/**
 * Keeps `page`'s address in step with what `search` makes of its signals (a step of history when
 * `step` says so, else the address replaced), and calls `moved` with the address's query when the user
 * goes Back or Forward to it (or a link navigates there). Returns what stops it.
 */
export function keepAddress(
  page: string,
  search: () => string,
  moved: (search: string) => void,
  step: () => boolean = () => false,
): () => void {
  const stop = effect(() => {
    const to = `${page}${search()}`;
    const asStep = step();
    if (location.pathname !== page || to === location.pathname + location.search) return;
    if (asStep) history.pushState(null, '', to);
    else history.replaceState(null, '', to);
  });
  const onMove = () => {
    if (location.pathname === page) moved(location.search);
  };
  addEventListener('popstate', onMove);
  return () => {
    stop();
    removeEventListener('popstate', onMove);
  };
}

/** The filters (and any extra parameters) as a query string, empty ones left out. */
export function query(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The choices the filter form offers, and setting one; `onChange` runs before the new filters are set. */
export function createFiltersModel(filters: Signal<Filters>, onChange?: () => void) {
  const reps = signal<Member[]>([]);
  /** Why the campaigns (and so their channels and columns) could not all be read, or null. */
  const problem = signal<string | null>(null);
  const regions = computed(() => me.value?.workspace.regions ?? []);
  const channels = computed(() => [...new Set(campaigns.value.map((b) => b.channel))].sort());
  async function load(): Promise<void> {
    const [campaignsProblem, answer] = await Promise.all([
      loadCampaigns(),
      api('GET', '/api/v1/members?include=removed', MembersAnswer),
    ]);
    // Without the campaigns the matrix has only its Unmatched column: said, not left to be guessed.
    problem.value = campaignsProblem;
    // The rep list only narrows a filter: without it the form still works, so no error is shown. Every
    // member is offered: marketers and admins can send verdicts too; removed ones after the team (their
    // verdicts stay in the figures, and the Sellers chart lists them: before, they could not be picked).
    if (answer.ok)
      reps.value = [...answer.data.members].sort(
        (a, b) => Number(a.removed ?? false) - Number(b.removed ?? false) || a.name.localeCompare(b.name),
      );
  }
  function set(key: keyof Filters, value: string): void {
    onChange?.();
    filters.value = { ...filters.value, [key]: value };
  }
  /** A period that ends before it starts holds nothing: said beside the dates, not left as zeros. */
  const periodProblem = computed(() =>
    filters.value.from && filters.value.to && filters.value.from > filters.value.to
      ? td('filtersPeriodReversed')
      : null,
  );
  return { filters, reps, problem, periodProblem, regions, channels, load, set };
}
export type FiltersModel = ReturnType<typeof createFiltersModel>;
