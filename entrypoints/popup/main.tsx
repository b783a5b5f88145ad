import { signal } from '@preact/signals';
import { render } from 'preact';
import { type LinkState, LinkStatus, linkStateOf } from '../../components/LinkStatus';
import '../../components/page.css';
import { t } from '../../lib/i18n';
import { askBackground } from '../../lib/platform/messaging';

const link = signal<LinkState>({ kind: 'loading' });

function Popup() {
  return (
    <main class="sr-page sr-page--popup">
      <h1>{t('popupTitle')}</h1>
      <LinkStatus
        state={link}
        onOpenOptions={() => void askBackground({ type: 'openOptions' }).then(() => window.close())}
      />
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
askBackground({ type: 'status' }).then((answer) => {
  link.value = linkStateOf(answer);
});
