import { useRef } from 'preact/hooks';
import { td, tdCount } from '../../../../lib/i18n/dashboard';
import type { WebhookLanguage, WebhookStatus } from '../../../../lib/protocol';
import { Problem } from '../../problem';
import { dateTimeText } from '../../words';
import type { SettingsModel } from './settings-model';

/** The workspace's regions, whether sellers are named, and the team chat webhook. */
export function Settings({ model }: { model: SettingsModel }) {
  const newRegion = useRef<HTMLInputElement>(null);
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{td('settingsTitle')}</h2>
      <Problem message={model.problem.value} />
      <h3 id="regions-title">{td('regionsTitle')}</h3>
      <ul class="chips" aria-labelledby="regions-title">
        {model.regions.value.map((region) => (
          <li key={region}>
            {region}{' '}
            <button
              type="button"
              class="chip-remove"
              aria-label={td('regionsRemove', region)}
              onClick={() => {
                // One click away from the name it sits beside: asked, and the focus (gone with the
                // button) goes to the new region's field rather than the top of the page.
                if (!confirm(td('regionsRemoveConfirm', region))) return;
                void model.removeRegion(region).then(() => newRegion.current?.focus());
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void model.addRegion();
        }}
      >
        <label>
          {td('regionsNew')}{' '}
          <input
            ref={newRegion}
            value={model.newRegion.value}
            onInput={(e) => {
              model.newRegion.value = e.currentTarget.value;
            }}
          />
        </label>
        <button type="submit" class="button button--secondary" aria-disabled={!model.canAddRegion.value}>
          {td('regionsAdd')}
        </button>
      </form>

      <h3>{td('sellersSettingTitle')}</h3>
      <label>
        <input
          type="checkbox"
          checked={model.showSellers.value}
          onChange={(e) => void model.setShowSellers(e.currentTarget.checked)}
        />{' '}
        {td('sellersSetting')}
      </label>

      <h3>{td('chatTitle')}</h3>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void model.saveWebhook();
        }}
      >
        <label>
          {td('chatWebhook')}
          <input
            type="url"
            placeholder="https://hooks.slack.com/services/…"
            // Until the settings are read: an address typed sooner was overwritten by the saved one.
            disabled={model.webhook.value === null}
            value={model.webhook.value ?? ''}
            onInput={(e) => {
              model.webhook.value = e.currentTarget.value;
            }}
          />
        </label>
        <button type="submit" class="button button--secondary" disabled={model.webhook.value === null}>
          {td('chatSave')}
        </button>
      </form>
      <label>
        {td('chatLanguage')}{' '}
        <select
          // Until the settings are read, as the address.
          disabled={model.webhookLanguage.value === null}
          value={model.webhookLanguage.value ?? 'en'}
          onChange={(e) => void model.setWebhookLanguage(e.currentTarget.value as WebhookLanguage)}
        >
          {/* Each language by its own name, as a reader of it looks for it. */}
          <option value="en" lang="en">
            English
          </option>
          <option value="es" lang="es">
            Español
          </option>
        </select>
      </label>
      {model.savedWebhook.value && model.webhookStatus.value ? (
        <WebhookState status={model.webhookStatus.value} />
      ) : null}
      {/* On the page before the save, so that "Saved." put in it is read. */}
      <p role="status">{model.saved.value ? td('settingsSaved') : ''}</p>
    </section>
  );
}

/**
 * What became of the team webhook's messages since its address was saved, under its field: a webhook
 * deleted on the chat app's side lost every verdict's message with nothing here to say so.
 */
function WebhookState({ status }: { status: WebhookStatus }) {
  const { deliveredAt, refusedAt, refusal, lost, waiting } = status;
  // A refusal since the last delivery (a delivery after it says the address works again).
  const refusedSince =
    refusedAt !== null && refusal !== null && (deliveredAt === null || refusedAt > deliveredAt);
  return (
    <ul class="webhook-status" aria-label={td('chatStatus')}>
      <li>{deliveredAt ? td('chatDelivered', dateTimeText(deliveredAt)) : td('chatNothingDelivered')}</li>
      {waiting > 0 ? <li>{tdCount(waiting, 'chatWaitingOne', 'chatWaitingOther')}</li> : null}
      {refusedSince ? <li class="error">{td('chatRefused', dateTimeText(refusedAt), refusal)}</li> : null}
      {lost > 0 ? <li class="error">{tdCount(lost, 'chatLostOne', 'chatLostOther')}</li> : null}
    </ul>
  );
}
