import type { Crm, ObjectType } from '../protocol';

/**
 * One record, however its page was reached: the key a rep's pick, draft and history are kept under, and
 * the lead a verdict counts for on the workspace. A custom site's record carries its site (the host its
 * pages are on, `@crm.acme.test`): two custom CRMs number their records alike, and without it their
 * records 1 were one lead, sharing drafts, picks and history and counted once in Insights.
 */
export function leadKeyOf(lead: {
  crm: Crm;
  objectType: ObjectType;
  recordId: string;
  site?: string;
}): string {
  const key = `${lead.crm}:${lead.objectType}:${lead.recordId}`;
  return lead.site ? `${key}@${lead.site}` : key;
}

/**
 * The key a custom site's record had before keys carried the site (record ids hold no `@`), or null
 * for a key that never differed: what was kept under it (a draft, a pick, history) is read with it.
 */
export function keyWithoutSite(key: string): string | null {
  const at = key.indexOf('@');
  return at === -1 ? null : key.slice(0, at);
}

/** The site a lead key names (`leadKeyOf`), or undefined. */
export function siteOfKey(key: string): string | undefined {
  const at = key.indexOf('@');
  return at === -1 ? undefined : key.slice(at + 1);
}
