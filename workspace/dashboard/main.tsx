import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import './dashboard.css';
import { currentLanguage } from '../../lib/i18n';
import { td } from '../../lib/i18n/dashboard';
import logo from './favicon.svg';
import { usePageMoves } from './page-moves';
import { BriefEditor, CampaignMissing } from './pages/BriefEditor';
import { Campaigns, link } from './pages/Campaigns';
import { Feedback } from './pages/Feedback';
import { Insights } from './pages/Insights';
import { Join } from './pages/Join';
import { Team } from './pages/Team';
import { Problem } from './problem';
import { routeOf } from './route';
import { loadMe, me, path, sessionProblem, signOut } from './state';
import { roleLabel } from './words';

// The browser's language (English when it is neither English nor Spanish), for every string below.
document.documentElement.lang = currentLanguage();
document.title = td('documentTitle');

function Page() {
  const route = routeOf(path.value);
  switch (route.page) {
    case 'brief':
      return <BriefEditor key={route.id ?? 'new'} id={route.id} />;
    case 'campaignMissing':
      return <CampaignMissing />;
    case 'feedback':
      return <Feedback />;
    case 'insights':
      return <Insights />;
    case 'team':
      return <Team />;
    case 'campaigns':
      return <Campaigns />;
  }
}

function App() {
  usePageMoves(path.value);
  useEffect(() => {
    if (path.value !== '/join') void loadMe();
  }, []);
  if (path.value === '/join') return <Join />;
  if (sessionProblem.value) {
    return (
      <main class="page page--narrow">
        <h1>{td('appName')}</h1>
        <Problem message={sessionProblem.value} />
        <button type="button" class="button" onClick={() => void loadMe()}>
          {td('tryAgain')}
        </button>
      </main>
    );
  }
  if (me.value === undefined) return <p role="status">{td('loading')}</p>;
  if (me.value === null) {
    return (
      <main class="page page--narrow">
        <h1>{td('appName')}</h1>
        <p>{td('signedOut')}</p>
      </main>
    );
  }
  const { member, workspace } = me.value;
  const nav = (to: string, label: string) => (
    <a href={to} onClick={link(to)} aria-current={path.value === to ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header class="top">
        {/* The product is the mark; the workspace is named once, in words. */}
        <span class="brand">
          <img src={logo} alt={td('appName')} width={24} height={24} />
          <strong>{workspace.name}</strong>
        </span>
        <nav aria-label={td('navLabel')}>
          {nav('/', td('campaignsTitle'))}
          {nav('/feedback', td('feedbackTitle'))}
          {nav('/insights', td('insightsTitle'))}
          {member.role === 'admin' && nav('/team', td('teamTitle'))}
        </nav>
        <span class="who">{td('headerWho', member.name, roleLabel(member.role))}</span>
        <button type="button" class="button button--secondary" onClick={() => void signOut()}>
          {td('signOut')}
        </button>
      </header>
      <Page />
    </>
  );
}

render(<App />, document.getElementById('app')!);
