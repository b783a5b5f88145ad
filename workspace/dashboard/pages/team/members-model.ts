import { computed, signal } from '@preact/signals';
import type { Member } from '../../../../lib/protocol';
import { api } from '../../api';
import { JoinAnswer, MemberPatched, MembersAnswer, NoContent } from '../../schemas';
import { me } from '../../state';
import type { ShownLinks } from './join-link';

/** The team's members: their default region, a new join link for one, removing one. */
export function createMembersModel(shown: ShownLinks) {
  /** null until the first answer. */
  const members = signal<Member[] | null>(null);
  const problem = signal<string | null>(null);
  const regions = computed(() => me.value?.workspace.regions ?? []);

  async function load(): Promise<void> {
    const answer = await api('GET', '/api/v1/members', MembersAnswer);
    if (answer.ok) members.value = answer.data.members;
    else problem.value = answer.message;
  }

  /** The regions a member's select offers: the workspace's, and the one they have if it was removed. */
  const regionChoices = (member: Member) => [
    ...new Set([...regions.value, ...(member.region ? [member.region] : [])]),
  ];
  /** Only others can be removed: an admin never removes themself here. */
  const removable = (member: Member) => member.id !== me.value?.member.id;

  async function setRegion(member: Member, region: string | null): Promise<void> {
    const answer = await api('PATCH', `/api/v1/members/${member.id}`, MemberPatched, { region });
    problem.value = answer.ok ? null : answer.message;
    await load();
  }

  async function newJoinLink(member: Member): Promise<void> {
    const answer = await api('POST', `/api/v1/members/${member.id}/codes`, JoinAnswer);
    if (answer.ok) {
      shown.show({ memberId: member.id, name: member.name, url: answer.data.joinUrl });
      problem.value = null;
    } else problem.value = answer.message;
  }

  async function remove(member: Member): Promise<void> {
    const answer = await api('DELETE', `/api/v1/members/${member.id}`, NoContent);
    problem.value = answer.ok ? null : answer.message;
    if (answer.ok) shown.forget(member.id);
    await load();
  }

  return { members, problem, regions, regionChoices, removable, load, setRegion, newJoinLink, remove };
}
export type MembersModel = ReturnType<typeof createMembersModel>;
