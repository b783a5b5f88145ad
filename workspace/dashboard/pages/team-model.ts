import { me } from '../state';
import { createInvitesModel } from './team/invites-model';
import { createShownLinks } from './team/join-link';
import { createMembersModel } from './team/members-model';
import { createSettingsModel } from './team/settings-model';

/**
 * The Team page's three parts, each with its own model: members, invites, settings. They share only
 * the join links just made (shown above them) and an invite reloads the members.
 */
export function createTeamModel() {
  const shown = createShownLinks();
  const members = createMembersModel(shown);
  const invites = createInvitesModel(shown, members.load);
  const settings = createSettingsModel();
  async function load(): Promise<void> {
    if (me.value?.member.role !== 'admin') return;
    await Promise.all([members.load(), settings.load()]);
  }
  return { shown, members, invites, settings, load };
}
export type TeamModel = ReturnType<typeof createTeamModel>;
