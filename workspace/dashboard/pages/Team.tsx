import { useRef } from 'preact/hooks';
import { td } from '../../../lib/i18n/dashboard';
import { me } from '../state';
import { useModel } from '../use-model';
import { Invites } from './team/Invites';
import { JoinLink } from './team/JoinLink';
import { Members } from './team/Members';
import { Settings } from './team/Settings';
import { createTeamModel } from './team-model';

/** The team, in three parts: members, invites, the workspace's settings. Admins only. */
export function Team() {
  const team = useModel(createTeamModel, (m) => m.load());
  const title = useRef<HTMLHeadingElement>(null);
  if (me.value?.member.role !== 'admin') {
    return (
      <main class="page">
        <h1>{td('teamTitle')}</h1>
        <p>{td('teamAdminsOnly')}</p>
      </main>
    );
  }
  return (
    <main class="page">
      <h1 ref={title} tabIndex={-1}>
        {td('teamTitle')}
      </h1>
      {team.shown.links.value.map((link) => (
        <JoinLink
          key={link.url}
          link={link}
          onDone={() => {
            team.shown.done(link);
            // Done goes with its link: the focus goes to the page's title, not to the document's top.
            title.current?.focus();
          }}
        />
      ))}
      <Members model={team.members} />
      <Invites model={team.invites} />
      <Settings model={team.settings} />
    </main>
  );
}
