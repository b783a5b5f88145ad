import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import './dashboard.css';
import { api } from './api';
import { BriefEditor } from './pages/BriefEditor';
import { Campaigns, link } from './pages/Campaigns';
import { Feedback } from './pages/Feedback';
import { Insights } from './pages/Insights';
import { Join } from './pages/Join';
import { Team } from './pages/Team';
import { loadMe, me, navigate, path } from './state';

function Page() {
  const current = path.value;
  if (current === '/campaigns/new') return <BriefEditor id={null} />;
  const edit = current.match(/^\/campaigns\/([0-9a-f-]{36})$/);
  if (edit) return <BriefEditor key={edit[1]} id={edit[1]!} />;
  if (current === '/feedback') return <Feedback />;
  if (current === '/insights') return <Insights />;
  if (current === '/team') return <Team />;
  return <Campaigns />;
}

function App() {
  useEffect(() => {
    if (path.value !== '/join') void loadMe();
  }, []);
  if (path.value === '/join') return <Join />;
  if (me.value === undefined) return <p role="status">Loading…</p>;
  if (me.value === null) {
    return (
      <main class="page page--narrow">
        <h1>Sameroom</h1>
        <p>You are not signed in. Open the join link your workspace admin sent you to sign in.</p>
      </main>
    );
  }
  const nav = (to: string, label: string) => (
    <a href={to} onClick={link(to)} aria-current={path.value === to ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header class="top">
        <strong class="brand">Sameroom</strong>
        <span class="muted">{me.value.workspace.name}</span>
        <nav aria-label="Dashboard">
          {nav('/', 'Campaigns')}
          {nav('/feedback', 'Feedback')}
          {nav('/insights', 'Insights')}
          {me.value.member.role === 'admin' && nav('/team', 'Team')}
        </nav>
        <span class="who">
          {me.value.member.name} ({me.value.member.role})
        </span>
        <button
          type="button"
          class="button button--secondary"
          onClick={async () => {
            await api('DELETE', '/api/v1/session');
            me.value = null;
            navigate('/');
          }}
        >
          Sign out
        </button>
      </header>
      <Page />
    </>
  );
}

render(<App />, document.getElementById('app')!);
