/**
 * Which page an address shows. The workspace serves the dashboard at these addresses
 * (dashboard-assets.ts); under /campaigns/ that is any address, so one that names no campaign id (a
 * mistyped or cut-off link) shows that the campaign was not found, not the list as if nothing happened.
 */
export type Route =
  | { page: 'campaigns' }
  | { page: 'brief'; id: string | null }
  | { page: 'campaignMissing' }
  | { page: 'feedback' }
  | { page: 'insights' }
  | { page: 'team' };

const CAMPAIGN = /^\/campaigns\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function routeOf(path: string): Route {
  if (path === '/campaigns/new') return { page: 'brief', id: null };
  const campaign = CAMPAIGN.exec(path);
  if (campaign) return { page: 'brief', id: campaign[1]! };
  if (path.startsWith('/campaigns/')) return { page: 'campaignMissing' };
  if (path === '/feedback') return { page: 'feedback' };
  if (path === '/insights') return { page: 'insights' };
  if (path === '/team') return { page: 'team' };
  return { page: 'campaigns' };
}
