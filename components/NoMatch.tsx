import { useSignal } from '@preact/signals';
import type { LeadContext } from '../lib/crm';
import { signalLabel, t } from '../lib/i18n';
import type { CampaignChoice } from '../lib/messages';
import type { Signals } from '../lib/protocol';

/** No brief claims this lead: the signals seen, and a way to pick the campaign (remembered per record). */
export function NoMatch(props: {
  lead: LeadContext;
  choices: CampaignChoice[];
  onPick: (campaignId: string) => void;
  /** Why the last pick was not taken, until the next. */
  problem?: string | null;
}) {
  const choice = useSignal('');
  const optionText = (campaign: CampaignChoice) => `${campaign.name} — ${campaign.channel}`;
  const chosen = props.choices.find((campaign) => campaign.id === choice.value);
  const signals = Object.entries(props.lead.signals) as Array<[keyof Signals, string]>;
  return (
    <section class="sr-nomatch" aria-labelledby="sr-nomatch-title">
      <h2 id="sr-nomatch-title" class="sr-brief__name">
        {t('stateNoMatch')}
      </h2>
      <p>{t('stateNoMatchHelp')}</p>
      {signals.length === 0 ? (
        <p class="sr-muted">{t('noSignals')}</p>
      ) : (
        <dl class="sr-signals">
          {signals.map(([key, value]) => (
            <div key={key}>
              <dt>{signalLabel(key)}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <form
        class="sr-pick"
        onSubmit={(event) => {
          event.preventDefault();
          if (choice.value) props.onPick(choice.value);
        }}
      >
        <label for="sr-pick-select">{t('pickLabel')}</label>
        <select
          id="sr-pick-select"
          value={choice.value}
          // A long name is cut in the closed control at the panel's narrower widths: whole on hover.
          title={chosen ? optionText(chosen) : undefined}
          onChange={(event) => {
            choice.value = (event.currentTarget as HTMLSelectElement).value;
          }}
        >
          <option value="">{t('pickPlaceholder')}</option>
          {props.choices.map((campaign) => (
            <option key={campaign.id} value={campaign.id}>
              {optionText(campaign)}
            </option>
          ))}
        </select>
        <button type="submit" class="sr-button" disabled={!choice.value}>
          {t('pickAction')}
        </button>
        {props.problem && (
          <p class="sr-warning" role="alert">
            {props.problem}
          </p>
        )}
      </form>
    </section>
  );
}
