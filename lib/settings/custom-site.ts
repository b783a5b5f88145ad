import { MatchPattern } from 'wxt/utils/match-patterns';
import { z } from 'zod';
import { t } from '../i18n';
import { ObjectType } from '../protocol';
import type { CustomSite } from './index';

/** A match pattern for one site's pages: http(s), a real host (a leading *. is fine), any path. */
function isSiteMatch(value: string): boolean {
  try {
    new MatchPattern(value);
  } catch {
    return false;
  }
  const parts = value.match(/^(https?|\*):\/\/([^/]+)\/.*$/);
  return Boolean(parts && parts[2] !== '*' && !parts[2]!.includes(':'));
}

function hasIdGroup(value: string): boolean {
  try {
    return new RegExp(value).source.includes('(?<id>');
  } catch {
    return false;
  }
}

function isSelector(value: string): boolean {
  try {
    document.createDocumentFragment().querySelector(value);
    return true;
  } catch {
    return false;
  }
}

const rule = z
  .object({
    selector: z
      .string()
      .trim()
      .max(300)
      .refine((v) => !v || isSelector(v), t('customSiteBadSelector'))
      .optional(),
    label: z.string().trim().max(120).optional(),
  })
  .transform((value) => ({
    ...(value.selector ? { selector: value.selector } : {}),
    ...(value.label ? { label: value.label } : {}),
  }));

/** What the options page's form sends; each problem is said in words beside its field. */
export const CustomSiteInput = z.object({
  label: z.string().trim().min(1, t('customSiteNeedsName')).max(60),
  match: z.string().trim().refine(isSiteMatch, t('customSiteBadMatch')),
  recordUrl: z.string().trim().max(500).refine(hasIdGroup, t('customSiteBadRecordUrl')),
  objectType: ObjectType,
  fields: z.object({
    leadSource: rule.optional(),
    campaignName: rule.optional(),
    utmCampaign: rule.optional(),
    region: rule.optional(),
  }),
});
export type CustomSiteInput = z.input<typeof CustomSiteInput>;

export type SiteCheck = { ok: true; site: CustomSite } | { ok: false; problems: Record<string, string> };

/** Validates a custom site; `id` is kept when editing, made fresh when adding. */
export function checkCustomSite(input: unknown, id: string): SiteCheck {
  const parsed = CustomSiteInput.safeParse(input);
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) problems[issue.path.join('.')] ??= issue.message;
    return { ok: false, problems };
  }
  const fields = Object.fromEntries(
    Object.entries(parsed.data.fields).filter(([, value]) => value && Object.keys(value).length > 0),
  );
  return { ok: true, site: { id, ...parsed.data, fields } };
}
