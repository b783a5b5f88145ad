import { td } from '../../../../lib/i18n/dashboard';
import { ROLES, type Role } from '../../../../lib/protocol';
import { Problem } from '../../problem';
import { roleLabel } from '../../words';
import type { InvitesModel } from './invites-model';

/** Invite someone by name, role and default region; their join link is shown above. */
export function Invites({ model }: { model: InvitesModel }) {
  const form = model.form.value;
  return (
    <form
      class="inline-form"
      aria-labelledby="invite-title"
      onSubmit={(event) => {
        event.preventDefault();
        void model.send();
      }}
    >
      <h2 id="invite-title">{td('inviteTitle')}</h2>
      <Problem message={model.problem.value} />
      <label>
        {td('colName')}
        <input required value={form.name} onInput={(e) => model.set('name', e.currentTarget.value)} />
      </label>
      <label>
        {td('colRole')}
        <select value={form.role} onChange={(e) => model.set('role', e.currentTarget.value as Role)}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {roleLabel(role)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {td('inviteRegion')}
        <select value={form.region} onChange={(e) => model.set('region', e.currentTarget.value)}>
          <option value="">{td('none')}</option>
          {model.regions.value.map((region) => (
            <option key={region}>{region}</option>
          ))}
        </select>
      </label>
      <button type="submit" class="button" aria-disabled={model.sending.value}>
        {td('inviteAction')}
      </button>
    </form>
  );
}
