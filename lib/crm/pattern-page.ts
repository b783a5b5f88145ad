/**
 * An HTTPS page on a match pattern's host, a `*.` host asked about by one name under it; null for a
 * pattern that names no host, or every host. A module of its own: the popup asks it (through
 * lib/platform/crm-access.ts) and loads no CRM adapter.
 */
export function pageOnPattern(match: string): string | null {
  const host = /^[^:]+:\/\/([^/]+)\//.exec(match)?.[1];
  return host && host !== '*' ? `https://${host.replace(/^\*\./, 'sameroom-check.')}/` : null;
}
