import { signal } from '@preact/signals';

/** A join link just made, shown once to pass on to its member: it works one time, for 7 days. */
export interface ShownLink {
  /** The member's id: two members may share a name. */
  memberId: string;
  name: string;
  url: string;
}

/**
 * The join links made on this visit, newest first, each kept on screen until the admin is done with
 * it: a second link (another invite, or "New join link" for someone else) used to replace the first,
 * which is shown only once. A new link for the same member replaces that member's earlier one.
 */
export function createShownLinks() {
  const links = signal<ShownLink[]>([]);
  return {
    links,
    show(link: ShownLink): void {
      links.value = [link, ...links.value.filter((shown) => shown.memberId !== link.memberId)];
    },
    done(link: ShownLink): void {
      links.value = links.value.filter((shown) => shown !== link);
    },
    /** A member removed: their link no longer works, and is not left on screen to be copied and sent. */
    forget(memberId: string): void {
      links.value = links.value.filter((shown) => shown.memberId !== memberId);
    },
  };
}
export type ShownLinks = ReturnType<typeof createShownLinks>;
