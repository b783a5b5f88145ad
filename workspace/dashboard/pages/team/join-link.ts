import { signal } from '@preact/signals';

/** A join link just made, shown once to pass on to its member: it works one time, for 7 days. */
export interface ShownLink {
  name: string;
  url: string;
}
export const createShownLink = () => signal<ShownLink | null>(null);
