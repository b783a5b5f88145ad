import { useSignal } from '@preact/signals';
import { Fragment } from 'preact';
import { useRef } from 'preact/hooks';
import { td } from '../../../../lib/i18n/dashboard';
import type { Member } from '../../../../lib/protocol';
import { Problem } from '../../problem';
import { useModel } from '../../use-model';
import { dateTimeText, roleLabel } from '../../words';
import { browserKind, createBrowsersModel } from './browsers-model';
import type { MembersModel } from './members-model';

/** A member's linked browsers, each with Revoke: one browser ended without removing the member. */
function LinkedBrowsers({ member }: { member: Member }) {
  const model = useModel(
    () => createBrowsersModel(member.id),
    (m) => m.load(),
  );
  const browsers = model.browsers.value;
  /** What a Revoke did: said, and the keyboard's focus there (the button it was on goes with its row). */
  const said = useRef<HTMLParagraphElement>(null);
  return (
    <section class="linked-browsers" aria-label={td('membersBrowsersOf', member.name)}>
      <Problem message={model.problem.value} />
      <p role="status" tabIndex={-1} ref={said}>
        {model.revoked.value ? td('browserRevoked', model.revoked.value) : ''}
      </p>
      {browsers === null ? (
        model.problem.value ? null : (
          <p role="status">{td('loading')}</p>
        )
      ) : browsers.length === 0 ? (
        <p class="muted">{td('browsersNone')}</p>
      ) : (
        <ul>
          {browsers.map((browser) => (
            <li key={browser.id}>
              <strong>{browserKind(browser)}</strong> · {browser.browser ?? td('browserUnknown')} ·{' '}
              {td('browserSince', dateTimeText(browser.createdAt))} ·{' '}
              {browser.lastUsedAt
                ? td('browserLastUsed', dateTimeText(browser.lastUsedAt))
                : td('browserNotUsed')}{' '}
              <button
                type="button"
                class="button button--secondary"
                aria-label={td(
                  'browserRevokeLabel',
                  browserKind(browser),
                  browser.browser ?? td('browserUnknown'),
                )}
                // Not `disabled`: disabling the focused button sent the keyboard's focus to the page.
                aria-disabled={model.revoking.value !== null}
                onClick={() => {
                  if (model.revoking.value !== null) return;
                  if (!confirm(td('browserRevokeConfirm', browserKind(browser), member.name))) return;
                  void model.revoke(browser).then(() => {
                    const active = document.activeElement;
                    if (!active || active === document.body || !active.isConnected) said.current?.focus();
                  });
                }}
              >
                {td('browserRevoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The team's members, each with a default region, a new join link, and Remove. */
export function Members({ model }: { model: MembersModel }) {
  const members = model.members.value;
  const heading = useRef<HTMLHeadingElement>(null);
  /** The member whose linked browsers are shown, under their row. */
  const open = useSignal<string | null>(null);
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
              <Fragment key={member.id}>
                <tr>
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
                    )}{' '}
                    <button
                      type="button"
                      class="button button--secondary"
                      aria-expanded={open.value === member.id}
                      aria-controls={`browsers-${member.id}`}
                      onClick={() => {
                        open.value = open.value === member.id ? null : member.id;
                      }}
                    >
                      {td('membersBrowsers')}
                    </button>
                  </td>
                </tr>
                {open.value === member.id && (
                  <tr id={`browsers-${member.id}`}>
                    <td colSpan={4}>
                      <LinkedBrowsers member={member} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
