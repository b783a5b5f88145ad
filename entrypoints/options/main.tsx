import { signal } from '@preact/signals';
import { render } from 'preact';
import { CrmSiteList } from '../../components/CrmSiteList';
import { LinkForm } from '../../components/LinkForm';
import { type LinkState, LinkStatus, linkStateOf } from '../../components/LinkStatus';
import '../../components/page.css';
import { ADAPTERS } from '../../lib/crm';
import { t } from '../../lib/i18n';
import { askBackground } from '../../lib/platform/messaging';

const link = signal<LinkState>({ kind: 'loading' });

async function linkWith(joinLink: string): Promise<string | null> {
  const answer = await askBackground({ type: 'link', joinLink });
  if (!answer.ok) return answer.error;
  link.value = { kind: 'ready', status: answer.reply };
  return null;
}

function Options() {
  return (
    <main class="sr-page">
      <h1>{t('optionsTitle')}</h1>
      <section aria-labelledby="workspace">
        <h2 id="workspace">{t('optionsWorkspace')}</h2>
        <LinkStatus state={link} />
        {link.value.kind === 'ready' && <LinkForm onLink={linkWith} />}
      </section>
      <CrmSiteList sites={ADAPTERS} />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
askBackground({ type: 'status' }).then((answer) => {
  link.value = linkStateOf(answer);
});
