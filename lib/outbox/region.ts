import type { Me } from '../protocol';

/**
 * The region a verdict starts with: the lead's own region when the workspace knows it, else the rep's
 * default. The rep can change it before sending.
 */
export function presetRegion(leadRegion: string | undefined, me: Me): string | null {
  const known = me.workspace.regions;
  const fromLead =
    leadRegion && known.find((region) => region.toLowerCase() === leadRegion.trim().toLowerCase());
  return fromLead ?? me.member.region ?? null;
}
