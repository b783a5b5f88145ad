import { computed, signal } from '@preact/signals';
import type { Role } from '../../../../lib/protocol';
import { api } from '../../api';
import { JoinAnswer } from '../../schemas';
import { me } from '../../state';
import type { ShownLinks } from './join-link';

export interface InviteForm {
  name: string;
  role: Role;
  region: string;
}
const EMPTY: InviteForm = { name: '', role: 'rep', region: '' };

/** Inviting someone: on success their join link is shown and the form emptied; on failure it keeps what was typed. */
export function createInvitesModel(shown: ShownLinks, onInvited: () => Promise<void>) {
  const form = signal<InviteForm>(EMPTY);
  const problem = signal<string | null>(null);
  const sending = signal(false);
  const regions = computed(() => me.value?.workspace.regions ?? []);

  function set<K extends keyof InviteForm>(key: K, value: InviteForm[K]): void {
    form.value = { ...form.value, [key]: value };
  }

  async function send(): Promise<void> {
    if (sending.value) return;
    const { name, role, region } = form.value;
    sending.value = true;
    const answer = await api('POST', '/api/v1/invites', JoinAnswer, {
      name,
      role,
      ...(region ? { region } : {}),
    });
    sending.value = false;
    if (!answer.ok) {
      problem.value = answer.message;
      return;
    }
    problem.value = null;
    shown.show({ memberId: answer.data.member.id, name: answer.data.member.name, url: answer.data.joinUrl });
    form.value = EMPTY;
    await onInvited();
  }

  return { form, problem, sending, regions, set, send };
}
export type InvitesModel = ReturnType<typeof createInvitesModel>;
