import { useRef } from 'preact/hooks';
import { td } from '../../../../lib/i18n/dashboard';
import { Problem } from '../../problem';
import { roleLabel } from '../../words';
import type { MembersModel } from './members-model';

/** The team's members, each with a default region, a new join link, and Remove. */
export function Members({ model }: { model: MembersModel }) {
  const members = model.members.value;
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title" ref={heading} tabIndex={-1}>
        {td('membersTitle')}
      </h2>
      <Problem message={model.problem.value} />
      {members === null ? (
        model.problem.value ? null : (
          <p role="status">{td('loading')}</p>
        )
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{td('colName')}</th>
              <th scope="col">{td('colRole')}</th>
              <th scope="col">{td('colDefaultRegion')}</th>
              <th scope="col">
                <span class="visually-hidden">{td('colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.id}>
                <th scope="row">{member.name}</th>
                <td>{roleLabel(member.role)}</td>
                <td>
                  <select
                    aria-label={td('membersRegionOf', member.name)}
                    value={member.region ?? ''}
                    onChange={(e) =>
                      void model.setRegion(member, (e.currentTarget as HTMLSelectElement).value || null)
                    }
                  >
                    <option value="">{td('none')}</option>
                    {model.regionChoices(member).map((region) => (
                      <option key={region}>{region}</option>
                    ))}
                  </select>
                </td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="button button--secondary"
                    onClick={() => {
                      // Their links made before stop working: one already sent says "a newer link was made".
                      if (confirm(td('membersNewLinkConfirm', member.name))) void model.newJoinLink(member);
                    }}
                  >
                    {td('membersNewLink')}
                  </button>
                  {model.removable(member) && (
                    <button
                      type="button"
                      class="button button--danger"
                      onClick={() => {
                        if (!confirm(td('membersRemoveConfirm', member.name))) return;
                        // The button goes with its row: the keyboard's focus goes to the list's title,
                        // not to the top of the page.
                        void model.remove(member).then(() => heading.current?.focus());
                      }}
                    >
                      {td('membersRemove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
