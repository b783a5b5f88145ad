import { z } from 'zod';
import { type MessageKey, t } from '../i18n';
import { ObjectType } from '../protocol';
import type { CustomSite } from './index';
import { patternProblem } from './record-pattern';
import {
  type MatchProblem,
  matchProblem,
  normalizeMatch,
  type PatternProblem,
  QUERY_NAME,
} from './site-rules';

const MATCH_MESSAGES: Record<MatchProblem, MessageKey> = {
  notPattern: 'customSiteBadMatch',
  http: 'customSiteNeedsHttps',
  publicSuffix: 'customSiteTooWide',
};

const PATTERN_MESSAGES: Record<PatternProblem, MessageKey> = {
  syntax: 'customSitePatternSyntax',
  noId: 'customSiteBadRecordUrl',
  wholeUrl: 'customSitePatternWholeUrl',
  hashInside: 'customSitePatternHashInside',
};

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
      .max(300, t('customSiteTooLong', 300))
      .refine((v) => !v || isSelector(v), t('customSiteBadSelector'))
      .optional(),
    label: z.string().trim().max(120, t('customSiteTooLong', 120)).optional(),
  })
  .transform((value) => ({
    ...(value.selector ? { selector: value.selector } : {}),
    ...(value.label ? { label: value.label } : {}),
  }));

/** What the options page's form sends; each problem is said in words beside its field. */
export const CustomSiteInput = z.object({
  label: z.string().trim().min(1, t('customSiteNeedsName')).max(60, t('customSiteTooLong', 60)),
  match: z
    .string()
    .trim()
    .transform(normalizeMatch)
    .superRefine((value, ctx) => {
      const problem = matchProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: t(MATCH_MESSAGES[problem]) });
    }),
  recordPattern: z
    .string()
    .trim()
    .max(500, t('customSitePatternLong'))
    .superRefine((value, ctx) => {
      const problem = patternProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: t(PATTERN_MESSAGES[problem]) });
    }),
  /** Names typed in one field, separated by commas or spaces. */
  recordQuery: z
    .string()
    .max(300, t('customSiteTooLong', 300))
    .optional()
    .transform((value) => [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))])
    .refine(
      (names) => names.length <= 5 && names.every((name) => QUERY_NAME.test(name)),
      t('customSiteBadQuery'),
    ),
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
