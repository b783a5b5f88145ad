import { toSalesforceId18 } from '../crm/salesforce-id';

/**
 * One form for values that name the same thing: case, surrounding and repeated white space, URL
 * encoding (`+` and `%20`), and a leading `utm_…=` key are ignored. "Trade%20Show", " trade+show " and
 * "TRADE SHOW" are the same lead source.
 */
export function normalise(value: string | undefined | null): string {
  if (!value) return '';
  let text = value.replace(/\+/g, ' ');
  try {
    text = decodeURIComponent(text);
  } catch {
    // a stray % is part of the value
  }
  return text
    .replace(/^\s*utm_[a-z]+\s*=\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLocaleLowerCase('en');
}

/** CRM campaign ids: Salesforce ids compare in their 18-character form, others as normalised text. */
export function normaliseCampaignId(value: string | undefined | null): string {
  const trimmed = value?.trim() ?? '';
  return toSalesforceId18(trimmed)?.toLowerCase() ?? normalise(trimmed);
}
