import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { type Member, ROLES, type Workspace } from '../../../lib/protocol';
import { api } from '../api';
import { me } from '../state';

/** A join link shown once, to pass on to its member: it works one time, for 7 days. */
function JoinLink(props: { name: string; url: string }) {
  return (
    <div class="joinlink" role="status">
      <p>
        Join link for <strong>{props.name}</strong> — send it to them; it works once, within 7 days. Reps
        paste it into Sameroom's options; marketers and admins open it to sign in here.
      </p>
      <input
        readOnly
        value={props.url}
        aria-label={`Join link for ${props.name}`}
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        class="button button--secondary"
        onClick={() => void navigator.clipboard?.writeText(props.url)}
      >
        Copy
      </button>
    </div>
  );
}

export function Team() {
  const members = useSignal<Member[]>([]);
  const problem = useSignal<string | null>(null);
  const shown = useSignal<{ name: string; url: string } | null>(null);
  const invite = useSignal({ name: '', role: 'rep', region: '' });
  const newRegion = useSignal('');
  const webhook = useSignal<string | null>(null);
  const showSellers = useSignal(true);
  const regions = me.value?.workspace.regions ?? [];

  const load = async () => {
    const answer = await api<{ members: Member[] }>('GET', '/api/v1/members');
    if (answer.ok) members.value = answer.data.members;
    else problem.value = answer.message;
  };
  useEffect(() => {
    void load();
    void api<{ webhookUrl: string | null; showSellers: boolean }>('GET', '/api/v1/workspace').then(
      (answer) => {
        if (!answer.ok) return;
        webhook.value = answer.data.webhookUrl ?? '';
        showSellers.value = answer.data.showSellers;
      },
    );
  }, []);

  async function settings(body: Record<string, unknown>) {
    const answer = await api<Workspace>('PATCH', '/api/v1/workspace', body);
    if (!answer.ok) {
      problem.value = answer.message;
      return false;
    }
    problem.value = null;
    if (me.value) me.value = { ...me.value, workspace: answer.data };
    return true;
  }

  async function sendInvite(event: Event) {
    event.preventDefault();
    const { name, role, region } = invite.value;
    const answer = await api<{ member: Member; joinUrl: string }>('POST', '/api/v1/invites', {
      name,
      role,
      ...(region ? { region } : {}),
    });
    if (!answer.ok) {
      problem.value = answer.message; // the form keeps what was typed
      return;
    }
    shown.value = { name: answer.data.member.name, url: answer.data.joinUrl };
    invite.value = { name: '', role: 'rep', region: '' };
    await load();
  }

  const isAdmin = me.value?.member.role === 'admin';
  if (!isAdmin) {
    return (
      <main class="page">
        <h1>Team</h1>
        <p>Only admins manage the team.</p>
      </main>
    );
  }
  return (
    <main class="page">
      <h1>Team</h1>
      {problem.value && (
        <p role="alert" class="error">
          {problem.value}
        </p>
      )}
      {shown.value && <JoinLink {...shown.value} />}
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Default region</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.value.map((member) => (
            <tr key={member.id}>
              <th scope="row">{member.name}</th>
              <td>{member.role}</td>
              <td>
                <select
                  aria-label={`Default region of ${member.name}`}
                  value={member.region ?? ''}
                  onChange={async (e) => {
                    const region = (e.currentTarget as HTMLSelectElement).value || null;
                    const answer = await api('PATCH', `/api/v1/members/${member.id}`, { region });
                    if (!answer.ok) problem.value = answer.message;
                    await load();
                  }}
                >
                  <option value="">None</option>
                  {[...new Set([...regions, ...(member.region ? [member.region] : [])])].map((region) => (
                    <option key={region}>{region}</option>
                  ))}
                </select>
              </td>
              <td class="row-actions">
                <button
                  type="button"
                  class="button button--secondary"
                  onClick={async () => {
                    const answer = await api<{ joinUrl: string }>(
                      'POST',
                      `/api/v1/members/${member.id}/codes`,
                    );
                    if (answer.ok) shown.value = { name: member.name, url: answer.data.joinUrl };
                    else problem.value = answer.message;
                  }}
                >
                  New join link
                </button>
                {member.id !== me.value?.member.id && (
                  <button
                    type="button"
                    class="button button--danger"
                    onClick={async () => {
                      if (
                        !confirm(
                          `Remove ${member.name}? Their extension stops working at once; their feedback stays.`,
                        )
                      )
                        return;
                      const answer = await api('DELETE', `/api/v1/members/${member.id}`);
                      if (!answer.ok) problem.value = answer.message;
                      await load();
                    }}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form class="inline-form" onSubmit={sendInvite} aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        <label>
          Name
          <input
            required
            value={invite.value.name}
            onInput={(e) => (invite.value = { ...invite.value, name: e.currentTarget.value })}
          />
        </label>
        <label>
          Role
          <select
            value={invite.value.role}
            onChange={(e) => (invite.value = { ...invite.value, role: e.currentTarget.value })}
          >
            {ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </label>
        <label>
          Region
          <select
            value={invite.value.region}
            onChange={(e) => (invite.value = { ...invite.value, region: e.currentTarget.value })}
          >
            <option value="">None</option>
            {regions.map((region) => (
              <option key={region}>{region}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="button">
          Invite
        </button>
      </form>

      <section aria-labelledby="regions-title">
        <h2 id="regions-title">Regions</h2>
        <ul class="chips">
          {regions.map((region) => (
            <li key={region}>
              {region}{' '}
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove region ${region}`}
                onClick={() => void settings({ regions: regions.filter((r) => r !== region) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await settings({ regions: [...regions, newRegion.value.trim()] })) newRegion.value = '';
          }}
        >
          <label>
            New region{' '}
            <input value={newRegion.value} onInput={(e) => (newRegion.value = e.currentTarget.value)} />
          </label>
          <button type="submit" class="button button--secondary" disabled={!newRegion.value.trim()}>
            Add region
          </button>
        </form>
      </section>

      <section aria-labelledby="sellers-title">
        <h2 id="sellers-title">Sellers in stats</h2>
        <label>
          <input
            type="checkbox"
            checked={showSellers.value}
            onChange={async (e) => {
              const checked = e.currentTarget.checked;
              if (await settings({ showSellers: checked })) showSellers.value = checked;
            }}
          />{' '}
          Name the top sellers of each campaign in the reps' panel
        </label>
      </section>

      <section aria-labelledby="chat-title">
        <h2 id="chat-title">Team chat</h2>
        <form
          class="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (webhook.value !== null) await settings({ webhookUrl: webhook.value.trim() || null });
          }}
        >
          <label>
            Slack-compatible webhook for new feedback
            <input
              type="url"
              placeholder="https://hooks.slack.com/services/…"
              value={webhook.value ?? ''}
              onInput={(e) => (webhook.value = e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="button button--secondary">
            Save webhook
          </button>
        </form>
      </section>
    </main>
  );
}
