import { computed, effect, signal } from '@preact/signals';
import { currentLanguage, formatLocale } from '../../../lib/i18n';
import { td } from '../../../lib/i18n/dashboard';
import { type Brief, deriveBreakEvenDeals, LIMITS, requests } from '../../../lib/protocol';
import { api, type Issue } from '../api';
import { readKept, writeKept } from '../kept-text';
import { issueWords } from '../refusal-words';
import { BriefSaved } from '../schemas';
import { campaigns, loadCampaigns, me, navigate } from '../state';

/** The form's fields, all as typed text: nothing the marketer typed is lost when validation fails. */
export const FIELDS = [
  'name',
  'status',
  'channel',
  'priority',
  'owner',
  'regions',
  'startsOn',
  'endsOn',
  'objective',
  'audience',
  'notFor',
  'keyMessage',
  'offer',
  'talkingPoints',
  'questionsForSales',
  'currency',
  'budget',
  'spendToDate',
  'avgDealValue',
  'grossMarginPct',
  'breakEvenDeals',
  'campaignIds',
  'utmCampaigns',
  'leadSources',
  'keywords',
] as const;
export type FieldName = (typeof FIELDS)[number];
export type Form = Record<FieldName, string>;

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
/**
 * An amount as the reader typed it, in their language's way or the other common one: "15.000" is
 * fifteen thousand in Spanish and fifteen in English; "2.500,50" and "2,500.50" are the same amount in
 * either; "12,5" is twelve and a half in both (a group of digits is three long, so a separator with
 * other than three digits after it is the decimal one). Spaces and apostrophes group digits (1 000,
 * 1'000). Anything else (two decimal separators, letters) is NaN, which the form refuses. The comma was
 * dropped before whatever it meant: "15.000" from a DACH marketer was saved as 15, and "2.500,50" as 2.5005.
 */
export function number(text: string, language: string = numberLocale()): number {
  const compact = text.trim().replace(/[\s\u00a0\u202f'’]/g, '');
  // Pasted from a spreadsheet in scientific notation (1.5E+06).
  if (/^-?\d+(\.\d+)?e[+-]?\d+$/i.test(compact)) return Number(compact);
  if (!/^-?[\d.,]*\d[\d.,]*$/.test(compact)) return Number.NaN;
  const decimal = decimalSeparator(language);
  const dots = compact.split('.').length - 1;
  const commas = compact.split(',').length - 1;
  let point: '.' | ',' | null;
  if (dots > 0 && commas > 0) point = compact.lastIndexOf('.') > compact.lastIndexOf(',') ? '.' : ',';
  else if (dots + commas === 0) point = null;
  else {
    const mark = dots > 0 ? '.' : ',';
    const after = compact.length - compact.lastIndexOf(mark) - 1;
    // Said more than once it groups; once, before other than three digits, it is the decimal point;
    // once before three digits ("15.000") it is the reader's language's way, unless nothing but a
    // zero comes before it ("0,125").
    const zero = /^-?0$/.test(compact.slice(0, compact.indexOf(mark)));
    point = dots + commas > 1 ? null : after !== 3 || zero || mark === decimal ? mark : null;
  }
  const group = point === '.' ? ',' : point === ',' ? '.' : dots > 0 ? '.' : commas > 0 ? ',' : null;
  const [whole = '', typedFraction, extra] = compact.split(point ?? '\u0000');
  if (extra !== undefined) return Number.NaN;
  // ".5" and "12." as a pocket calculator reads them.
  const fraction = typedFraction === '' ? undefined : typedFraction;
  const digits = group ? whole.split(group) : [whole];
  // Grouped digits come in threes after the first group (1.000.000, not 1.00.000).
  if (digits.length > 1 && digits.slice(1).some((part) => part.length !== 3)) return Number.NaN;
  const joined = digits.join('');
  const integer = joined === '' || joined === '-' ? `${joined}0` : joined;
  const plain = `${integer}${fraction === undefined ? '' : `.${fraction}`}`;
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : Number.NaN;
}

/**
 * How the reader writes numbers: their browser's language, not the dashboard's (English or Spanish): a
 * German browser types 15.000 for fifteen thousand with the dashboard in English. The form shows amounts
 * the same way, so that a brief opened and saved unchanged keeps them (1.125 shown as typed in Spanish,
 * "1.125", was read back as 1125).
 */
export function numberLocale(): string {
  return globalThis.navigator?.language || currentLanguage();
}

/** An amount in the form's field, as the reader writes it (no grouping: what they type back). */
const formNumber = (value: number | null | undefined): string =>
  value === null || value === undefined
    ? ''
    : new Intl.NumberFormat(numberLocale(), { useGrouping: false, maximumFractionDigits: 20 }).format(value);

function decimalSeparator(language: string): string {
  return (
    new Intl.NumberFormat(language).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.'
  );
}

export function toForm(brief?: Brief): Form {
  return {
    name: brief?.name ?? '',
    status: brief?.status ?? 'draft',
    channel: brief?.channel ?? '',
    priority: brief?.priority ?? 'normal',
    owner: brief?.owner ?? me.value?.member.name ?? '',
    regions: (brief?.regions ?? []).join('\n'),
    startsOn: brief?.startsOn ?? '',
    endsOn: brief?.endsOn ?? '',
    objective: brief?.objective ?? '',
    audience: brief?.audience ?? '',
    notFor: brief?.notFor ?? '',
    keyMessage: brief?.keyMessage ?? '',
    offer: brief?.offer ?? '',
    talkingPoints: (brief?.talkingPoints ?? []).join('\n'),
    questionsForSales: (brief?.questionsForSales ?? []).join('\n'),
    currency: brief?.economics.currency ?? 'EUR',
    budget: formNumber(brief?.economics.budget),
    spendToDate: formNumber(brief?.economics.spendToDate ?? 0),
    avgDealValue: formNumber(brief?.economics.avgDealValue),
    grossMarginPct: formNumber(brief?.economics.grossMarginPct),
    breakEvenDeals:
      brief && !brief.economics.breakEvenDerived ? String(brief.economics.breakEvenDeals ?? '') : '',
    campaignIds: (brief?.match.campaignIds ?? []).join('\n'),
    utmCampaigns: (brief?.match.utmCampaigns ?? []).join('\n'),
    leadSources: (brief?.match.leadSources ?? [])
      .map((s) => (s.detail ? `${s.value} | ${s.detail}` : s.value))
      .join('\n'),
    keywords: (brief?.match.keywords ?? []).join('\n'),
  };
}

export function fromForm(form: Form): unknown {
  return {
    name: form.name,
    status: form.status,
    channel: form.channel,
    priority: form.priority,
    owner: form.owner,
    regions: lines(form.regions),
    startsOn: form.startsOn || null,
    endsOn: form.endsOn || null,
    objective: form.objective,
    audience: form.audience,
    notFor: form.notFor,
    keyMessage: form.keyMessage,
    offer: form.offer,
    talkingPoints: lines(form.talkingPoints),
    questionsForSales: lines(form.questionsForSales),
    economics: {
      currency: form.currency.trim().toUpperCase(),
      budget: number(form.budget),
      spendToDate: number(form.spendToDate),
      avgDealValue: number(form.avgDealValue),
      grossMarginPct: number(form.grossMarginPct),
      breakEvenDeals: form.breakEvenDeals.trim() === '' ? null : number(form.breakEvenDeals),
    },
    match: {
      campaignIds: lines(form.campaignIds),
      utmCampaigns: lines(form.utmCampaigns),
      leadSources: lines(form.leadSources).map((line) => {
        const [value = '', detail] = line.split('|').map((part) => part.trim());
        return detail ? { value, detail } : { value };
      }),
      keywords: lines(form.keywords),
    },
  };
}

/** The form field an issue is about: "economics.budget" → budget, "match.leadSources.2.detail" → leadSources. */
export function fieldOf(path: string): string {
  const names = path
    .split('.')
    .filter((part) => !/^\d+$/.test(part) && part !== 'value' && part !== 'detail');
  return names.at(-1) ?? 'name';
}

const amount = (value: number, currency: string) =>
  Number.isFinite(value) ? `${value.toLocaleString(formatLocale())} ${currency}` : '…';

/**
 * Writing or editing a brief: every field as typed text, checked against the protocol's BriefInput
 * before it is sent, the workspace's issues shown beside their fields, break-even derived as typed.
 */
export function createBriefEditorModel(id: string | null) {
  const existing = id ? campaigns.value.find((b) => b.id === id) : undefined;
  const form = signal<Form>(toForm(existing));
  /** The version the form was filled from: a save of an edit names it, and one changed since is refused. */
  let readAt = existing?.updatedAt;
  /**
   * The form as the brief fills it. One that differs is kept in the tab (../kept-text.ts) until saved or
   * cancelled, with the version it was typed over: a save of it over a brief changed since is refused.
   */
  let filled = JSON.stringify(form.value);
  const keptAs = `brief.${id ?? 'new'}`;
  const kept = readKept<{ form: Form; readAt?: string; createId?: string }>(keptAs);
  /** The fields of `typed` that differ from an empty form: what was typed into one (no version read). */
  const typedOverBlank = (typed: Form) => {
    const blank = toForm(undefined);
    return Object.fromEntries(
      Object.entries(typed).filter(([field, text]) => text !== blank[field as FieldName]),
    );
  };
  // Typed over a version of the brief: the kept form whole (it holds every field, also one set back to an
  // empty form's value, which a comparison with the empty form takes for untouched). Typed into an empty
  // form before the brief was read (no version): those fields, over the brief when it is here.
  const keptWhole = kept?.readAt !== undefined || !id;
  if (kept) {
    form.value = keptWhole || !existing ? kept.form : { ...toForm(existing), ...typedOverBlank(kept.form) };
    readAt = keptWhole ? kept.readAt : existing?.updatedAt;
  }
  /**
   * A new brief's id, made here and sent with every try to save it (kept with the form through a
   * reload): a save whose answer was lost (a proxy's 504 after the commit), tried again, is the brief
   * stored then, not a second campaign competing for the same leads.
   */
  const createId = id ? undefined : (kept?.createId ?? crypto.randomUUID());
  effect(() => {
    const typed = form.value;
    writeKept(keptAs, JSON.stringify(typed) === filled ? null : { form: typed, readAt, createId });
  });
  const name = signal(existing?.name ?? null);
  const issues = signal<Issue[]>([]);
  const message = signal<string | null>(null);
  const saving = signal(false);

  /** The channels the workspace's campaigns use, to offer while one is typed. */
  const channels = computed(() => [...new Set(campaigns.value.map((b) => b.channel))].sort());
  /** Opened by an address whose campaign is not in the workspace: nothing to edit. */
  const missing = signal(false);
  /**
   * Opened by its address before the campaigns were read: read them, then fill the form. Opened from
   * the list: the list may be hours old (a colleague saved the brief since), so the brief is read again,
   * and a newer version fills a form nothing was typed into yet (else its save was refused as "changed
   * after you opened it" when it had changed before).
   */
  async function load(): Promise<void> {
    if (id && existing) {
      if (kept && readAt !== undefined) return;
      await loadCampaigns();
      const now = campaigns.value.find((b) => b.id === id);
      if (!now || now.updatedAt === readAt || JSON.stringify(form.value) !== filled) return;
      filled = JSON.stringify(toForm(now));
      name.value = now.name;
      readAt = now.updatedAt;
      form.value = toForm(now);
      return;
    }
    if (!id || existing) return;
    const problem = await loadCampaigns();
    const found = campaigns.value.find((b) => b.id === id);
    if (found) {
      // The brief's fields, with what was typed before it arrived over them: the form kept in the tab with
      // the version it was typed over, whole; else what was typed into the empty form (kept without a
      // version, or typed meanwhile).
      filled = JSON.stringify(toForm(found));
      name.value = found.name;
      const whole = kept?.readAt !== undefined;
      readAt = whole ? kept.readAt : found.updatedAt;
      form.value = whole ? form.value : { ...toForm(found), ...typedOverBlank(form.value) };
    } else if (problem) message.value = problem;
    else missing.value = true;
  }

  function set(field: FieldName, value: string): void {
    form.value = { ...form.value, [field]: value };
  }
  const errorFor = (field: FieldName) => issues.value.find((issue) => fieldOf(issue.path) === field);

  /** The break-even the figures typed so far give, in words. */
  const derived = computed(() => {
    const f = form.value;
    const budget = number(f.budget);
    const deal = number(f.avgDealValue);
    const margin = number(f.grossMarginPct);
    if (!Number.isFinite(budget) || !Number.isFinite(deal) || !Number.isFinite(margin))
      return td('briefDerivedNone');
    const deals = deriveBreakEvenDeals({ budget, avgDealValue: deal, grossMarginPct: margin });
    if (deals === null) return td('briefDerivedNone');
    if (!(deals <= LIMITS.breakEvenDeals))
      return td('briefDerivedTooMany', LIMITS.breakEvenDeals.toLocaleString(formatLocale()));
    // As fromForm sends it.
    const currency = f.currency.trim().toUpperCase();
    return td(
      deals === 1 ? 'briefDerivedOne' : 'briefDerived',
      amount(budget, currency),
      amount(deal, currency),
      margin,
      deals.toLocaleString(formatLocale()),
    );
  });

  // A brief's regions are the team's words for where it runs; reps report the workspace's regions. A
  // line that is none of them is said beside the field (not refused: an admin may add it later), with
  // the one it differs from only in case, the likely slip.
  const regionsHint = computed(() => {
    const known = me.value?.workspace.regions ?? [];
    const hint = td('briefRegionsHint', known.join(', ') || td('briefRegionsNone'));
    if (known.length === 0) return hint;
    const unknown = lines(form.value.regions).filter((region) => !known.includes(region));
    if (unknown.length === 0) return hint;
    const named = unknown.map((region) => {
      const meant = known.find((k) => k.toLocaleLowerCase() === region.toLocaleLowerCase());
      return meant ? td('briefRegionMeant', region, meant) : td('briefRegionQuoted', region);
    });
    return `${hint}. ${td('briefRegionsUnknown', named.join(', '))}`;
  });
  const title = computed(() => (id ? td('briefEditTitle', name.value ?? '…') : td('briefNewTitle')));

  /**
   * A new brief refused as another under its id: its first save was stored (its answer lost) and the
   * form was changed since. The stored brief opens for editing with the form as typed over it, to save
   * as an edit of it (tried again as a new brief, it was refused every time).
   */
  async function openStored(storedId: string): Promise<boolean> {
    await loadCampaigns();
    const stored = campaigns.value.find((b) => b.id === storedId);
    if (!stored) return false;
    writeKept(`brief.${storedId}`, { form: form.value, readAt: stored.updatedAt });
    writeKept(keptAs, null);
    filled = JSON.stringify(form.value);
    navigate(`/campaigns/${storedId}`);
    return true;
  }

  async function save(): Promise<void> {
    if (saving.value) return;
    message.value = null;
    const input = requests.BriefInput.safeParse(fromForm(form.value));
    if (!input.success) {
      issues.value = input.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issueWords(issue),
      }));
      message.value = td('briefNeedsAttention');
      return;
    }
    issues.value = [];
    // An edit whose campaign was never read (its list failed to load) names no version, and would have
    // replaced every field of the brief with this form's, the ones left empty too: it is read first, and
    // what was typed goes over it with its version, or nothing is sent.
    if (id && !readAt) {
      saving.value = true;
      await load();
      saving.value = false;
      if (!readAt) {
        message.value = message.value ?? td('briefNotRead');
        return;
      }
    }
    // The form as it is now (read just above, the brief's fields are around what was typed).
    const sent = requests.BriefInput.safeParse(fromForm(form.value));
    if (!sent.success) {
      message.value = td('briefNeedsAttention');
      return;
    }
    saving.value = true;
    const answer = id
      ? await api(
          'PATCH',
          `/api/v1/campaigns/${id}`,
          BriefSaved,
          sent.data,
          readAt ? { 'If-Match': `"${readAt}"` } : {},
        )
      : await api('POST', '/api/v1/campaigns', BriefSaved, { ...sent.data, id: createId });
    saving.value = false;
    if (!answer.ok && !id && answer.status === 409 && createId && (await openStored(createId))) return;
    if (!answer.ok) {
      issues.value = answer.issues;
      message.value = answer.status === 412 ? td('briefChanged') : answer.message;
      return;
    }
    writeKept(keptAs, null);
    filled = JSON.stringify(form.value);
    await loadCampaigns();
    navigate('/', td('briefSavedNotice', sent.data.name));
  }

  /** Cancel: what was typed is given up, as the rep asked. */
  function cancel(): void {
    writeKept(keptAs, null);
    filled = JSON.stringify(form.value);
    navigate('/');
  }

  return {
    form,
    issues,
    message,
    saving,
    missing,
    channels,
    derived,
    regionsHint,
    title,
    load,
    set,
    errorFor,
    save,
    cancel,
  };
}
export type BriefEditorModel = ReturnType<typeof createBriefEditorModel>;
