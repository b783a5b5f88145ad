import { useSignal, useSignalEffect } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { t } from '../lib/i18n';
import type { CampaignList } from '../lib/messages';
import type { Verdict } from '../lib/protocol';
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
  const draft = (): Draft => ({
    note: note.value,
    answers: {},
    quick: {
      campaignId: campaignId.value,
      leadLink: leadLink.value,
      verdict: verdict.value,
      region: region.value,
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
  const words = search.value.trim().toLowerCase();
  const shown = props.campaigns.choices.filter(
    (choice) => !words || `${choice.name} ${choice.channel}`.toLowerCase().includes(words),
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!campaignId.value) {
      problem.value = t('quickPickCampaign');
      return;
    }
    busy.value = true;
    problem.value = await props.onSend({
      campaignId: campaignId.value,
      leadLink: leadLink.value,
      verdict: verdict.value,
      note: note.value,
      region: region.value,
    });
    busy.value = false;
    if (!problem.value) {
      note.value = '';
      leadLink.value = '';
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
          placeholder="https://…"
          value={leadLink.value}
          onInput={(event) => {
            leadLink.value = event.currentTarget.value;
          }}
        />
      </label>
      <VerdictSelect value={verdict} />
      <NoteField value={note} />
      {(props.campaigns.setup.regions.length > 0 || props.campaigns.setup.region) && (
        <RegionSelect
          value={region}
          regions={props.campaigns.setup.regions}
          keep={props.campaigns.setup.region}
        />
      )}
      <button type="submit" class="sr-button" disabled={busy.value}>
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
