import { computed, signal } from '@preact/signals';
import type { WebhookLanguage, WebhookStatus, WorkspaceSettings } from '../../../../lib/protocol';
import { api } from '../../api';
import { WorkspaceAnswer, WorkspacePatched } from '../../schemas';
import { me } from '../../state';

/** The workspace's settings: its regions, whether sellers are named, the team chat webhook. */
export function createSettingsModel() {
  /** null until the settings are read. */
  const webhook = signal<string | null>(null);
  /** The webhook's address as saved (the field may hold an edit not yet saved), and what its messages met. */
  const savedWebhook = signal<string | null>(null);
  const webhookStatus = signal<WebhookStatus | null>(null);
  /** The language its messages are written in; null until read. */
  const webhookLanguage = signal<WebhookLanguage | null>(null);
  const showSellers = signal(true);
  const newRegion = signal('');
  const problem = signal<string | null>(null);
  const saved = signal(false);
  const regions = computed(() => me.value?.workspace.regions ?? []);
  const canAddRegion = computed(() => newRegion.value.trim() !== '');

  async function load(): Promise<void> {
    const answer = await api('GET', '/api/v1/workspace', WorkspaceAnswer);
    if (!answer.ok) {
      problem.value = answer.message;
      return;
    }
    webhook.value = answer.data.webhookUrl ?? '';
    savedWebhook.value = answer.data.webhookUrl;
    webhookStatus.value = answer.data.webhookStatus;
    webhookLanguage.value = answer.data.webhookLanguage;
    showSellers.value = answer.data.showSellers;
  }

  /** Saves some settings; the header's workspace (name, regions) follows the answer. */
  async function save(body: WorkspaceSettings): Promise<boolean> {
    saved.value = false;
    const answer = await api('PATCH', '/api/v1/workspace', WorkspacePatched, body);
    if (!answer.ok) {
      problem.value = answer.message;
      return false;
    }
    problem.value = null;
    saved.value = true;
    if (me.value) me.value = { ...me.value, workspace: answer.data };
    return true;
  }

  // One region at a time, added to or removed from the list as the workspace has it then: a region
  // another admin (or this one, in another tab) added or removed meanwhile is kept.
  async function addRegion(): Promise<void> {
    if (!canAddRegion.value) return;
    if (await save({ addRegion: newRegion.value.trim() })) newRegion.value = '';
  }
  function removeRegion(region: string): Promise<boolean> {
    return save({ removeRegion: region });
  }
  async function setShowSellers(checked: boolean): Promise<void> {
    if (await save({ showSellers: checked })) showSellers.value = checked;
  }
  // Another address starts with a clean slate: its status is read again.
  const saveWebhook = async () => {
    if (webhook.value !== null && (await save({ webhookUrl: webhook.value.trim() || null }))) await load();
  };

  async function setWebhookLanguage(language: WebhookLanguage): Promise<void> {
    if (await save({ webhookLanguage: language })) webhookLanguage.value = language;
  }

  return {
    webhook,
    savedWebhook,
    webhookStatus,
    webhookLanguage,
    setWebhookLanguage,
    showSellers,
    newRegion,
    problem,
    saved,
    regions,
    canAddRegion,
    load,
    save,
    addRegion,
    removeRegion,
    setShowSellers,
    saveWebhook,
  };
}
export type SettingsModel = ReturnType<typeof createSettingsModel>;
