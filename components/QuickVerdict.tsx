import { type Signal, useSignal, useSignalEffect } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { t } from '../lib/i18n';
import type { CampaignList } from '../lib/messages';
import type { Verdict } from '../lib/protocol';
import { LIMITS } from '../lib/protocol/limits';
import { noteTooLong, withAside, withKeptNote, withUndone } from '../lib/store/draft-text';
import type { Draft } from '../lib/store/drafts';
import { NoteField, RegionSelect, VerdictSelect } from './VerdictFields';

export interface QuickVerdictInput {
  campaignId: string;
  leadLink: string;
  verdict: Verdict;
  note: string;
  region: string;
}

/**
 * A verdict without a lead page open: find the campaign in the cached briefs, paste the lead's CRM
 * address, pick the verdict. What was typed stays until the background has saved it, and is handed to
 * `onDraft` as it changes: the popup closes whenever the rep clicks elsewhere, and opens with `kept`.
 */
export function QuickVerdict(props: {
  campaigns: CampaignList;
  onSend: (input: QuickVerdictInput) => Promise<string | null>;
  kept?: Draft | null;
  onDraft?: (draft: Draft) => void;
  /**
   * A verdict taken back by Undo: set by the popup, put back in the form here (and emptied). Where the
   * rep has begun the next one (another lead's link), its note is shown beside the form instead.
   */
  undone?: Signal<QuickVerdictInput | null>;
  /** Why what is typed could not be kept in the browser (its storage full), while it cannot. */
  notKept?: string | null;
  /**
   * The kept draft, read only after the form opened (every read before failed): put before what the
   * rep typed meanwhile, its other fields where the form has none (and emptied once taken).
   */
  lateKept?: Signal<Draft | null>;
}) {
  const kept = props.kept?.quick;
  const search = useSignal('');
  // A campaign kept from before that the cached briefs no longer have is not picked.
  const keptCampaign = props.campaigns.choices.some((choice) => choice.id === kept?.campaignId);
  const campaignId = useSignal(keptCampaign ? kept!.campaignId : '');
  const leadLink = useSignal(kept?.leadLink ?? '');
  const verdict = useSignal<Verdict>(kept?.verdict ?? 'good_fit');
  const note = useSignal(props.kept?.note ?? '');
  const region = useSignal(kept?.region ?? props.campaigns.setup.region ?? '');
  /**
   * The note of a verdict undone while the form held the next lead: shown beside the form, and kept with
   * the draft until the rep dismisses it (closing the popup lost it).
   */
  const setAside = useSignal<string | null>(kept?.aside || null);
  const draft = (): Draft => ({
    note: note.value,
    answers: {},
    quick: {
      campaignId: campaignId.value,
      leadLink: leadLink.value,
      verdict: verdict.value,
      region: region.value,
      ...(setAside.value ? { aside: setAside.value } : {}),
    },
  });
  // Handed on at every change from what the form opened with (what was kept, or the defaults).
  const handed = useRef<string | null>(null);
  handed.current ??= JSON.stringify(draft());
  useSignalEffect(() => {
    const now = draft();
    const text = JSON.stringify(now);
    if (text === handed.current) return;
    handed.current = text;
    props.onDraft?.(now);
  });
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);
  useSignalEffect(() => {
    const back = props.undone?.value;
    if (!back) return;
    props.undone!.value = null;
    const link = leadLink.peek().trim();
    if (link && link !== back.leadLink.trim()) {
      // A second one undone meanwhile goes with the first, not over it.
      if (back.note.trim()) setAside.value = withAside(setAside.peek(), back.note);
      return;
    }
    // Back in the form, before anything the rep has written since "Saved" (which stays), as the panel.
    note.value = withUndone({ note: note.peek(), answers: {} }, { note: back.note, answers: [] }).note;
    if (props.campaigns.choices.some((choice) => choice.id === back.campaignId))
      campaignId.value = back.campaignId;
    leadLink.value = back.leadLink;
    verdict.value = back.verdict;
    region.value = back.region;
  });
  useSignalEffect(() => {
    const late = props.lateKept?.value;
    if (!late) return;
    props.lateKept!.value = null;
    note.value = withKeptNote(note.peek(), late.note);
    const quick = late.quick;
    if (!quick) return;
    if (!leadLink.peek().trim()) leadLink.value = quick.leadLink;
    if (!campaignId.peek() && props.campaigns.choices.some((choice) => choice.id === quick.campaignId))
      campaignId.value = quick.campaignId;
    if (quick.aside) setAside.value = withAside(setAside.peek(), quick.aside);
  });
  const words = search.value.trim().toLowerCase();
  const shown = props.campaigns.choices.filter(
    (choice) => !words || `${choice.name} ${choice.channel}`.toLowerCase().includes(words),
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    // A campaign chosen before and hidden by a search since is not sent to unseen: the rep who searched
    // meant another one, and the list shows none chosen.
    if (!campaignId.value || !shown.some((choice) => choice.id === campaignId.value)) {
      problem.value = t('quickPickCampaign');
      return;
    }
    // The note's box says how much to shorten.
    if (noteTooLong(note.value)) return;
    busy.value = true;
    const sent = {
      campaignId: campaignId.value,
      leadLink: leadLink.value,
      verdict: verdict.value,
      note: note.value,
      region: region.value,
    };
    problem.value = await props.onSend(sent);
    busy.value = false;
    if (!problem.value) {
      // What the rep typed while it was saving is not what was sent: it stays.
      if (note.value === sent.note) note.value = '';
      if (leadLink.value === sent.leadLink) leadLink.value = '';
    }
  };
  return (
    <form class="sr-form" onSubmit={submit} aria-labelledby="sr-quick-title">
      <h2 id="sr-quick-title">{t('quickTitle')}</h2>
      <label>
        {t('quickSearch')}
        <input
          type="search"
          value={search.value}
          onInput={(event) => {
            search.value = event.currentTarget.value;
          }}
          onKeyDown={(event) => {
            // Enter narrows the list and goes to it; in the form it would have sent the verdict, to the
            // campaign chosen before the search. One campaign found is chosen.
            if (event.key !== 'Enter' || event.isComposing) return;
            event.preventDefault();
            if (shown.length === 1) campaignId.value = shown[0]!.id;
            event.currentTarget.form?.querySelector('select')?.focus();
          }}
        />
      </label>
      <label>
        {t('quickCampaign')}
        <select
          size={Math.min(6, Math.max(2, shown.length))}
          value={campaignId.value}
          onChange={(event) => {
            campaignId.value = event.currentTarget.value;
          }}
        >
          {shown.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.name} · {choice.channel}
            </option>
          ))}
        </select>
      </label>
      {shown.length === 0 && <p class="sr-muted">{t('quickNoCampaigns')}</p>}
      <label>
        {t('quickLead')}
        {/* Text, not type=url: a link pasted without https:// is taken (sendVerdict adds it), not
            refused by the browser's own "Please enter a URL." */}
        <input
          type="text"
          inputMode="url"
          autoComplete="off"
          spellcheck={false}
          required
          // As long as a link may be (a longer one is refused, and so would be every draft holding it)
          maxLength={LIMITS.url}
          placeholder="https://…"
          value={leadLink.value}
          onInput={(event) => {
            leadLink.value = event.currentTarget.value;
          }}
        />
      </label>
      <VerdictSelect value={verdict} />
      <NoteField value={note} notKept={props.notKept} />
      {setAside.value && (
        <p class="sr-muted" role="status">
          {t('quickUndoneAside', setAside.value)}{' '}
          <button
            type="button"
            class="sr-link"
            onClick={(event) => {
              // The button goes with its line: the keyboard's focus goes to the note box above it.
              const form = event.currentTarget.closest('form');
              setAside.value = null;
              setTimeout(() => form?.querySelector<HTMLTextAreaElement>('textarea')?.focus(), 0);
            }}
          >
            {t('quickUndoneAsideDismiss')}
          </button>
        </p>
      )}
      {(props.campaigns.setup.regions.length > 0 || props.campaigns.setup.region) && (
        <RegionSelect
          value={region}
          regions={props.campaigns.setup.regions}
          keep={props.campaigns.setup.region}
        />
      )}
      <button type="submit" class="sr-button" aria-disabled={busy.value}>
        {busy.value ? t('verdictSaving') : t('quickSend')}
      </button>
      {problem.value && (
        <p class="sr-error" role="alert">
          {problem.value}
        </p>
      )}
    </form>
  );
}
