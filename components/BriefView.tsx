import type { MatchReason } from '../lib/campaigns';
import { priorityLabel, t, tn, verdictLabel } from '../lib/i18n';
import { formatMoney, formatPercent } from '../lib/i18n/formats';
import type { Brief, VerdictCounts } from '../lib/protocol';
import { GOOD_FIT_VERDICTS, VERDICTS } from '../lib/protocol/constants';
import { FoldSection as Section } from './FoldSection';

function reasonText(reason: MatchReason): string {
  switch (reason.kind) {
    case 'pick':
      return t('reasonPick');
    case 'campaignId':
      return t('reasonCampaignId', reason.signal);
    case 'utmCampaign':
      return t('reasonUtmCampaign', reason.signal);
    case 'leadSource':
      return t('reasonLeadSource', reason.signal);
    case 'keyword':
      return t('reasonKeyword', reason.rule, reason.signal);
  }
}

/** Leads judged our kind of people (good fit, won or lost), as a share of the leads counted. */
function goodFitRate(verdicts: VerdictCounts, leads: number): string {
  const good = GOOD_FIT_VERDICTS.reduce((sum, verdict) => sum + verdicts[verdict], 0);
  return formatPercent(good / leads);
}

/** The campaign's brief: why it exists, for whom, what to say, what it costs and how it is going. */
export function BriefView(props: {
  brief: Brief;
  reason: MatchReason;
  onForgetPick?: () => void;
  /** The rep says the match is wrong: the panel offers to report the page. */
  onWrongMatch?: () => void;
  /** The rep's region: its good-fit rate is shown beside the overall one. */
  region?: string | null;
}) {
  const { brief, reason } = props;
  const { economics, stats } = brief;
  const needed = economics.breakEvenDeals;
  // Past break-even (9 won of 2 needed), it has paid for itself: not "9 of 2 sales needed".
  const breakEven =
    needed !== null && stats.won > needed
      ? t('economicsBreakEvenPassed', stats.won, needed)
      : t(needed === 1 ? 'economicsBreakEvenOne' : 'economicsBreakEven', stats.won, needed ?? 0);
  const topRegions = stats.byRegion.slice(0, 3);
  const mine = props.region ? stats.byRegion.find((r) => r.region === props.region) : undefined;
  return (
    <article class="sr-brief" aria-labelledby="sr-brief-name">
      <h2 id="sr-brief-name" class="sr-brief__name">
        {brief.name}
      </h2>
      <p class="sr-brief__meta">
        <span>{brief.channel}</span> ·{' '}
        <span class={`sr-priority sr-priority--${brief.priority}`}>{priorityLabel(brief.priority)}</span>
      </p>
      {brief.status === 'paused' && <p class="sr-banner">{t('briefPaused')}</p>}
      {brief.status === 'ended' && <p class="sr-banner">{t('briefEnded')}</p>}
      <p class="sr-reason">
        {reasonText(reason)}{' '}
        {reason.kind === 'pick' && props.onForgetPick && (
          <button type="button" class="sr-link" onClick={props.onForgetPick}>
            {t('pickUndo')}
          </button>
        )}{' '}
        {reason.kind !== 'pick' && props.onWrongMatch && (
          <button type="button" class="sr-link" onClick={props.onWrongMatch}>
            {t('reportWrongMatch')}
          </button>
        )}
      </p>
      {brief.objective && (
        <Section id="why" title={t('sectionWhy')}>
          <p>{brief.objective}</p>
        </Section>
      )}
      {brief.audience && (
        <Section id="audience" title={t('sectionAudience')}>
          <p>{brief.audience}</p>
        </Section>
      )}
      {brief.notFor && (
        <Section id="notFor" title={t('sectionNotFor')}>
          <p>{brief.notFor}</p>
        </Section>
      )}
      {brief.keyMessage && (
        <Section id="message" title={t('sectionMessage')}>
          <p class="sr-quote">{brief.keyMessage}</p>
        </Section>
      )}
      {brief.offer && (
        <Section id="offer" title={t('sectionOffer')}>
          <p>{brief.offer}</p>
        </Section>
      )}
      {brief.talkingPoints.length > 0 && (
        <Section id="points" title={t('sectionTalkingPoints')}>
          <ul>
            {brief.talkingPoints.map((point) => (
              <li key={point}>{point}</li>
            ))}
          </ul>
        </Section>
      )}
      {brief.questionsForSales.length > 0 && (
        <Section id="questions" title={t('sectionQuestions')}>
          <ul>
            {brief.questionsForSales.map((question) => (
              <li key={question}>{question}</li>
            ))}
          </ul>
        </Section>
      )}
      <Section id="economics" title={t('sectionEconomics')}>
        <p>
          {t(
            'economicsBudget',
            formatMoney(economics.budget, economics.currency),
            formatMoney(economics.spendToDate, economics.currency),
          )}
        </p>
        {needed === null ? (
          <p>{t('economicsBreakEvenUnknown')}</p>
        ) : (
          <div class="sr-progress">
            <progress
              max={Math.max(needed, 1)}
              value={Math.min(stats.won, Math.max(needed, 1))}
              aria-label={breakEven}
            />
            <span>{breakEven}</span>
          </div>
        )}
      </Section>
      <Section id="progress" title={t('sectionProgress')}>
        {stats.leads === 0 ? (
          <p>{t('progressNone')}</p>
        ) : (
          <>
            <p>{tn('progressLeads', stats.leads)}</p>
            <p class="sr-goodfit">
              {t('progressGoodFit', goodFitRate(stats.verdicts, stats.leads))}
              {props.region &&
                (mine && mine.leads > 0
                  ? ` · ${t(mine.leads === 1 ? 'progressGoodFitRegionOne' : 'progressGoodFitRegion', props.region, goodFitRate(mine.verdicts, mine.leads), mine.leads)}`
                  : ` · ${t('progressGoodFitRegionNone', props.region)}`)}
            </p>
            <ul class="sr-verdicts">
              {VERDICTS.filter((verdict) => stats.verdicts[verdict] > 0).map((verdict) => (
                <li key={verdict}>
                  <span class={`sr-dot sr-verdict--${verdict}`} aria-hidden="true" /> {verdictLabel(verdict)}:{' '}
                  {stats.verdicts[verdict]}
                </li>
              ))}
            </ul>
            {topRegions.length > 0 && (
              <p>
                {t('progressTopRegions')}:{' '}
                {topRegions.map((region) => `${region.region} (${region.leads})`).join(', ')}
              </p>
            )}
            {stats.topSellers && stats.topSellers.length > 0 && (
              <p>
                {t('progressTopSellers')}:{' '}
                {stats.topSellers.map((seller) => `${seller.name} (${seller.won})`).join(', ')}
              </p>
            )}
          </>
        )}
        {brief.usefulAnswer && (
          <p class="sr-useful">
            {t('progressUseful', brief.usefulAnswer.question, brief.usefulAnswer.answer)}
          </p>
        )}
      </Section>
    </article>
  );
}
