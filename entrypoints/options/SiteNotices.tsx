import { type MessageKey, t } from '../../lib/i18n';
import type { CustomSite, SiteAttention } from '../../lib/settings';

const ATTENTION: Record<SiteAttention, MessageKey> = {
  http: 'siteAttentionHttp',
  publicSuffix: 'siteAttentionPublicSuffix',
  notPattern: 'siteAttentionNotPattern',
  pattern: 'siteAttentionPattern',
};

/**
 * Custom sites an earlier version saved that today's rules refuse (issue 13): each kept, not running,
 * with what to do, until the rep removes it and adds it again.
 */
export function SiteNotices(props: { sites: readonly CustomSite[] }) {
  const waiting = props.sites.filter((site) => site.attention);
  if (waiting.length === 0) return null;
  return (
    <ul class="sr-list" role="status">
      {waiting.map((site) => (
        <li key={site.id} class="sr-warning">
          {t(ATTENTION[site.attention!], site.label, site.match)}
        </li>
      ))}
    </ul>
  );
}
