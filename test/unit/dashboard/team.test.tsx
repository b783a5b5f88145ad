import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebhookStatus } from '../../../lib/protocol';
import { Team } from '../../../workspace/dashboard/pages/Team';
import { createBrowsersModel } from '../../../workspace/dashboard/pages/team/browsers-model';
import { createInvitesModel } from '../../../workspace/dashboard/pages/team/invites-model';
import { createShownLinks } from '../../../workspace/dashboard/pages/team/join-link';
import { createMembersModel } from '../../../workspace/dashboard/pages/team/members-model';
import { Settings } from '../../../workspace/dashboard/pages/team/Settings';
import { createSettingsModel } from '../../../workspace/dashboard/pages/team/settings-model';
import { me } from '../../../workspace/dashboard/state';
import { ADMIN_ID, meAnswer, REP_ID, stubWorkspace } from './workspace-double';

const ana = { id: REP_ID, name: 'Ana Ruiz', role: 'rep' as const, region: 'Nordics' };
const mara = { id: ADMIN_ID, name: 'Mara Jensen', role: 'admin' as const, region: null };
/** A webhook's status with nothing to say (no address, or a new one). */
const NO_STATUS = { deliveredAt: null, refusedAt: null, refusal: null, lost: 0, waiting: 0 };
/** The workspace's settings as the Team page reads them. */
const SETTINGS = {
  json: {
    name: 'Acme',
    regions: ['DACH'],
    showSellers: true,
    webhookUrl: null,
    webhookLanguage: 'en',
    webhookStatus: NO_STATUS,
    tireKickerThreshold: 0.25,
  },
};
const joined = (member: typeof ana) => ({ member, code: 'c0de', joinUrl: 'https://ws.example/join#c0de' });

beforeEach(() => {
  me.value = meAnswer();
});
afterEach(() => {
  vi.unstubAllGlobals();
  render(null, document.body);
});

describe('team members', () => {
  it('lists members, offers their region even when the workspace dropped it, and never removes oneself', async () => {
    stubWorkspace({ 'GET /api/v1/members': { json: { members: [mara, ana] } } });
    const model = createMembersModel(createShownLinks());
    await model.load();
    expect(model.members.value?.map((m) => m.name)).toEqual(['Mara Jensen', 'Ana Ruiz']);
    expect(model.regionChoices(ana)).toEqual(['DACH', 'Iberia', 'Nordics']);
    expect(model.removable(mara)).toBe(false);
    expect(model.removable(ana)).toBe(true);
  });

  it('shows a new join link, and the error state for a malformed member list', async () => {
    stubWorkspace({
      'GET /api/v1/members': { json: { members: [{ ...ana, role: 'boss' }] } },
      [`POST /api/v1/members/${REP_ID}/codes`]: { status: 201, json: joined(ana) },
    });
    const shown = createShownLinks();
    const model = createMembersModel(shown);
    await model.load();
    expect(model.members.value).toBeNull();
    expect(model.problem.value).toMatch(/cannot read \(members\.0\.role/);
    await model.newJoinLink(ana);
    expect(shown.links.value).toEqual([
      { memberId: REP_ID, name: 'Ana Ruiz', url: 'https://ws.example/join#c0de' },
    ]);
    expect(model.problem.value).toBeNull();
  });
});

describe('a member’s row', () => {
  const button = (name: string) =>
    [...document.body.querySelectorAll<HTMLButtonElement>('#members-title ~ table button')].find(
      (candidate) =>
        candidate.textContent === name && candidate.closest('tr')?.textContent?.includes('Ana Ruiz'),
    )!;

  it('asks before a new join link ends the ones made before, and shows it once asked', async () => {
    const { calls } = stubWorkspace({
      'GET /api/v1/members': { json: { members: [mara, ana] } },
      'GET /api/v1/workspace': SETTINGS,
      [`POST /api/v1/members/${REP_ID}/codes`]: { status: 201, json: joined(ana) },
    });
    const asked = vi.fn(() => false);
    vi.stubGlobal('confirm', asked);
    render(<Team />, document.body);
    await vi.waitFor(() => expect(button('New join link')).toBeDefined());
    button('New join link').click();
    expect(asked).toHaveBeenCalledWith(
      'Make a new join link for Ana Ruiz? Links made for them before stop working.',
    );
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
    asked.mockReturnValue(true);
    button('New join link').click();
    await vi.waitFor(() => expect(document.body.textContent).toContain('Join link for Ana Ruiz'));
  });

  it('puts the focus on the page’s title when the admin is done with a link', async () => {
    stubWorkspace({
      'GET /api/v1/members': { json: { members: [mara, ana] } },
      'GET /api/v1/workspace': SETTINGS,
      [`POST /api/v1/members/${REP_ID}/codes`]: { status: 201, json: joined(ana) },
    });
    vi.stubGlobal('confirm', () => true);
    render(<Team />, document.body);
    await vi.waitFor(() => expect(button('New join link')).toBeDefined());
    button('New join link').click();
    const done = () =>
      [...document.body.querySelectorAll<HTMLButtonElement>('.joinlink button')].find(
        (b) => b.textContent === 'Done',
      );
    await vi.waitFor(() => expect(done()).toBeDefined());
    done()!.focus();
    done()!.click();
    await vi.waitFor(() => expect(document.activeElement?.tagName).toBe('H1'));
  });

  it('once removed, takes their join link off the page and gives the focus to the members’ title', async () => {
    stubWorkspace({
      'GET /api/v1/members': { json: { members: [mara, ana] } },
      'GET /api/v1/workspace': SETTINGS,
      [`POST /api/v1/members/${REP_ID}/codes`]: { status: 201, json: joined(ana) },
      [`DELETE /api/v1/members/${REP_ID}`]: { status: 204 },
    });
    vi.stubGlobal('confirm', () => true);
    render(<Team />, document.body);
    await vi.waitFor(() => expect(button('New join link')).toBeDefined());
    button('New join link').click();
    await vi.waitFor(() => expect(document.body.textContent).toContain('Join link for Ana Ruiz'));
    button('Remove').focus();
    button('Remove').click();
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('members-title'));
    expect(document.body.textContent).not.toContain('Join link for Ana Ruiz');
  });
});

describe('a member’s linked browsers', () => {
  it('are listed under their row, and one is revoked on its own once the admin says so', async () => {
    const TOKEN_A = '55555555-5555-4555-8555-555555555555';
    const TOKEN_B = '66666666-6666-4666-8666-666666666666';
    let browsers = [
      {
        id: TOKEN_A,
        kind: 'extension',
        browser: 'Chrome 131 on Windows',
        createdAt: '2026-11-02T08:00:00.000Z',
        lastUsedAt: '2026-12-01T09:30:00.000Z',
      },
      {
        id: TOKEN_B,
        kind: 'dashboard',
        browser: null,
        createdAt: '2026-11-20T08:00:00.000Z',
        lastUsedAt: null,
      },
    ];
    const { calls } = stubWorkspace({
      'GET /api/v1/members': { json: { members: [mara, ana] } },
      'GET /api/v1/workspace': SETTINGS,
      [`GET /api/v1/members/${REP_ID}/tokens`]: () => ({ json: { browsers } }),
      [`DELETE /api/v1/members/${REP_ID}/tokens/${TOKEN_B}`]: () => {
        browsers = browsers.filter((browser) => browser.id !== TOKEN_B);
        return { status: 204 };
      },
    });
    const asked = vi.fn(() => false);
    vi.stubGlobal('confirm', asked);
    render(<Team />, document.body);
    const toggle = () =>
      [...document.body.querySelectorAll<HTMLButtonElement>('button')].find(
        (b) => b.textContent === 'Linked browsers' && b.closest('tr')?.textContent?.includes('Ana Ruiz'),
      );
    await vi.waitFor(() => expect(toggle()).toBeDefined());
    toggle()!.click();
    const list = () => document.body.querySelector('[aria-label="Linked browsers of Ana Ruiz"]');
    await vi.waitFor(() => expect(list()?.querySelectorAll('li')).toHaveLength(2));
    expect(toggle()!.getAttribute('aria-expanded')).toBe('true');
    expect(list()!.textContent).toContain('Sameroom extension · Chrome 131 on Windows');
    expect(list()!.textContent).toContain('Dashboard sign-in · a browser');
    const revoke = () =>
      list()!.querySelector<HTMLButtonElement>('[aria-label="Revoke Dashboard sign-in (a browser)"]')!;
    revoke().click();
    expect(asked).toHaveBeenCalledWith(
      'Revoke this Dashboard sign-in of Ana Ruiz? That browser must be linked or signed in again.',
    );
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    asked.mockReturnValue(true);
    revoke().focus();
    revoke().click();
    // Pressed from the keyboard: once its row is gone the focus is on what was done, not on the page.
    await vi.waitFor(() => expect(list()?.querySelectorAll('li')).toHaveLength(1));
    await vi.waitFor(() =>
      expect(document.activeElement?.textContent).toBe('Revoked: Dashboard sign-in (a browser).'),
    );
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.path)).toEqual([
      `/api/v1/members/${REP_ID}/tokens/${TOKEN_B}`,
    ]);
  });
});

describe('a workspace region', () => {
  it('is removed only once the admin says so, and the focus goes to the new region’s field', async () => {
    let regions = ['DACH', 'Iberia'];
    const settings = () => ({
      json: {
        name: 'Acme',
        regions,
        showSellers: true,
        webhookUrl: null,
        webhookLanguage: 'en',
        webhookStatus: NO_STATUS,
        tireKickerThreshold: 0.25,
      },
    });
    const { calls } = stubWorkspace({
      'GET /api/v1/members': { json: { members: [mara] } },
      'GET /api/v1/workspace': settings,
      'PATCH /api/v1/workspace': () => {
        regions = ['Iberia'];
        return { json: { ...meAnswer().workspace, regions } };
      },
    });
    const asked = vi.fn(() => false);
    vi.stubGlobal('confirm', asked);
    render(<Team />, document.body);
    const remove = () => document.body.querySelector<HTMLButtonElement>('[aria-label="Remove region DACH"]');
    await vi.waitFor(() => expect(remove()).not.toBeNull());
    remove()!.click();
    expect(asked).toHaveBeenCalledTimes(1);
    expect(calls.some((call) => call.method === 'PATCH')).toBe(false);
    asked.mockReturnValue(true);
    remove()!.click();
    await vi.waitFor(() => expect(remove()).toBeNull());
    expect((document.activeElement as HTMLInputElement | null)?.closest('label')?.textContent).toContain(
      'New region',
    );
  });
});

describe('join links just made', () => {
  it('keeps each until the admin is done with it: a second does not replace the first, a newer one for the same member does', () => {
    const shown = createShownLinks();
    const ana = { memberId: 'm-ana', name: 'Ana Ruiz', url: 'https://ws.example/join#a1' };
    const nina = { memberId: 'm-nina', name: 'Nina Berg', url: 'https://ws.example/join#n1' };
    shown.show(ana);
    shown.show(nina);
    expect(shown.links.value).toEqual([nina, ana]);
    const again = { ...ana, url: 'https://ws.example/join#a2' };
    shown.show(again);
    expect(shown.links.value).toEqual([again, nina]);
    // Another member of the same name is another member: both links stay.
    const otherAna = { memberId: 'm-ana-2', name: 'Ana Ruiz', url: 'https://ws.example/join#b1' };
    shown.show(otherAna);
    expect(shown.links.value).toEqual([otherAna, again, nina]);
    shown.done(nina);
    expect(shown.links.value).toEqual([otherAna, again]);
  });
});

describe('invites', () => {
  it('keeps what was typed when refused; shows the link, empties the form and reloads members when accepted', async () => {
    let refuse = true;
    const { calls } = stubWorkspace({
      'POST /api/v1/invites': () =>
        refuse
          ? { status: 409, json: { error: { code: 'exists', message: 'Ana Ruiz is already a member.' } } }
          : { status: 201, json: joined(ana) },
    });
    const shown = createShownLinks();
    const reload = vi.fn(async () => {});
    const model = createInvitesModel(shown, reload);
    model.set('name', 'Ana Ruiz');
    model.set('region', 'Iberia');
    await model.send();
    expect(model.problem.value).toBe('Ana Ruiz is already a member.');
    expect(model.form.value).toEqual({ name: 'Ana Ruiz', role: 'rep', region: 'Iberia' });
    refuse = false;
    await model.send();
    expect(calls.at(-1)?.body).toEqual({ name: 'Ana Ruiz', role: 'rep', region: 'Iberia' });
    expect(shown.links.value[0]?.url).toBe('https://ws.example/join#c0de');
    expect(model.form.value).toEqual({ name: '', role: 'rep', region: '' });
    expect(reload).toHaveBeenCalledOnce();
  });

  it('treats a malformed invite answer as an error, not a link', async () => {
    stubWorkspace({ 'POST /api/v1/invites': { status: 201, json: { member: ana } } });
    const shown = createShownLinks();
    const model = createInvitesModel(shown, async () => {});
    model.set('name', 'Ana Ruiz');
    await model.send();
    expect(shown.links.value).toEqual([]);
    expect(model.problem.value).toMatch(/cannot read/);
  });
});

describe('workspace settings', () => {
  it('reads the settings, adds and removes regions, and the header follows', async () => {
    // The workspace as it is: another admin added Nordics after this one signed in.
    let regions = ['DACH', 'Iberia', 'Nordics'];
    stubWorkspace({
      'GET /api/v1/workspace': () => ({
        json: {
          name: 'Acme',
          regions,
          showSellers: false,
          webhookUrl: null,
          webhookLanguage: 'en',
          webhookStatus: NO_STATUS,
          tireKickerThreshold: 0.25,
        },
      }),
      'PATCH /api/v1/workspace': (body) => {
        const { addRegion, removeRegion, ...rest } = body as { addRegion?: string; removeRegion?: string };
        // As the workspace does: one region added to or removed from the list as it is then.
        if (addRegion && !regions.includes(addRegion)) regions = [...regions, addRegion];
        if (removeRegion) regions = regions.filter((region) => region !== removeRegion);
        patches.push(body);
        return { json: { ...meAnswer().workspace, ...rest, regions } };
      },
    });
    const patches: unknown[] = [];
    const model = createSettingsModel();
    await model.load();
    expect(model.webhook.value).toBe('');
    expect(model.showSellers.value).toBe(false);
    expect(model.regions.value).toEqual(['DACH', 'Iberia']);
    model.newRegion.value = ' France ';
    await model.addRegion();
    // Added to the regions the workspace has now, not to those read at sign-in (Nordics stays).
    expect(me.value?.workspace.regions).toEqual(['DACH', 'Iberia', 'Nordics', 'France']);
    expect(model.newRegion.value).toBe('');
    await model.removeRegion('DACH');
    expect(model.regions.value).toEqual(['Iberia', 'Nordics', 'France']);
    // The change is sent, never the whole list: a list read before another admin's change would undo it.
    expect(patches).toEqual([{ addRegion: 'France' }, { removeRegion: 'DACH' }]);
    await model.setShowSellers(true);
    expect(model.showSellers.value).toBe(true);
  });

  it('says under the webhook what became of its messages: last delivered, waiting, refused since, lost', async () => {
    const hook = 'https://hooks.slack.com/services/T0/B0/x';
    let status: WebhookStatus = {
      deliveredAt: '2026-12-01T09:12:00.000Z',
      refusedAt: '2026-12-07T08:00:00.000Z',
      refusal: 'HTTP 404',
      lost: 3,
      waiting: 2,
    };
    let saved = hook;
    stubWorkspace({
      'GET /api/v1/workspace': () => ({
        json: { ...SETTINGS.json, webhookUrl: saved, webhookStatus: status },
      }),
      'PATCH /api/v1/workspace': (body) => {
        // As the workspace does: another address starts with a clean slate.
        saved = (body as { webhookUrl: string }).webhookUrl;
        status = NO_STATUS;
        return { json: meAnswer().workspace };
      },
    });
    const model = createSettingsModel();
    // Until the settings are read, no address can be typed (the saved one, read later, overwrote it).
    render(<Settings model={model} />, document.body);
    const field = () => document.body.querySelector<HTMLInputElement>('input[type="url"]')!;
    expect(field().disabled).toBe(true);
    await model.load();
    await new Promise((resolve) => setTimeout(resolve));
    expect(field().disabled).toBe(false);
    expect(field().value).toBe(hook);
    const lines = () =>
      [...document.body.querySelectorAll('.webhook-status li')].map((line) => [
        line.textContent,
        line.className,
      ]);
    expect(lines()).toEqual([
      ['Last message delivered: Dec 1, 2026, 9:12 AM UTC.', ''],
      ['2 messages waiting to be sent.', ''],
      ['Last refused (Dec 7, 2026, 8:00 AM UTC): HTTP 404', 'error'],
      [
        "3 verdicts' messages were not delivered since this address was saved: check the address, or the webhook in your chat app.",
        'error',
      ],
    ]);
    // A delivery since the refusal: the address works again, the refusal is not repeated.
    status = { ...status, deliveredAt: '2026-12-07T08:05:00.000Z', lost: 1, waiting: 0 };
    await model.load();
    await new Promise((resolve) => setTimeout(resolve));
    expect(lines().map(([text]) => text)).toEqual([
      expect.stringMatching(/^Last message delivered: /),
      "1 verdict's message was not delivered since this address was saved: check the address, or the webhook in your chat app.",
    ]);
    model.webhook.value = 'https://hooks.slack.com/services/T0/B0/y';
    await model.saveWebhook();
    await new Promise((resolve) => setTimeout(resolve));
    expect(lines().map(([text]) => text)).toEqual(['No message delivered to this address yet.']);
    // No address: nothing said.
    model.webhook.value = '';
    await model.saveWebhook();
    await new Promise((resolve) => setTimeout(resolve));
    expect(document.body.querySelector('.webhook-status')).toBeNull();
  });

  it('lets the admin choose the language of the webhook’s messages, once the settings are read', async () => {
    let language = 'en';
    const patches: unknown[] = [];
    stubWorkspace({
      'GET /api/v1/workspace': () => ({ json: { ...SETTINGS.json, webhookLanguage: language } }),
      'PATCH /api/v1/workspace': (body) => {
        patches.push(body);
        language = (body as { webhookLanguage: string }).webhookLanguage;
        return { json: meAnswer().workspace };
      },
    });
    const model = createSettingsModel();
    render(<Settings model={model} />, document.body);
    const select = () => document.body.querySelector<HTMLSelectElement>('select')!;
    expect(select().disabled).toBe(true);
    await model.load();
    await new Promise((resolve) => setTimeout(resolve));
    expect(select().disabled).toBe(false);
    expect(select().value).toBe('en');
    // Each language by its own name.
    expect([...select().options].map((option) => [option.value, option.textContent])).toEqual([
      ['en', 'English'],
      ['es', 'Español'],
    ]);
    select().value = 'es';
    select().dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(patches).toEqual([{ webhookLanguage: 'es' }]));
    await vi.waitFor(() =>
      expect(document.body.querySelector('[role="status"]')?.textContent).toBe('Saved.'),
    );
    expect(model.webhookLanguage.value).toBe('es');
  });

  it('says why the settings cannot be shown when their answer is malformed', async () => {
    stubWorkspace({ 'GET /api/v1/workspace': { json: { name: 'Acme' } } });
    const model = createSettingsModel();
    await model.load();
    expect(model.webhook.value).toBeNull();
    expect(model.problem.value).toMatch(/cannot read/);
  });
});

describe('the team page', () => {
  it('has three parts (members, invites, settings); a malformed member list is an error in its part only', async () => {
    stubWorkspace({
      'GET /api/v1/members': { json: { members: 'everyone' } },
      'GET /api/v1/workspace': SETTINGS,
    });
    render(<Team />, document.body);
    await vi.waitFor(() => expect(document.body.querySelectorAll('[role="alert"]')).toHaveLength(1));
    expect([...document.body.querySelectorAll('h2')].map((h) => h.textContent)).toEqual([
      'Members',
      'Invite someone',
      'Workspace settings',
    ]);
    const alerts = [...document.body.querySelectorAll('[role="alert"]')];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.closest('section')?.querySelector('h2')?.textContent).toBe('Members');
  });

  it('tells a marketer only admins manage the team', () => {
    me.value = meAnswer('marketer');
    stubWorkspace({});
    render(<Team />, document.body);
    expect(document.body.textContent).toContain('Only admins manage the team.');
  });
});

describe('revoking a linked browser', () => {
  it('says why it was refused, after the list is read again', async () => {
    const TOKEN = '77777777-7777-4777-8777-777777777777';
    stubWorkspace({
      [`GET /api/v1/members/${REP_ID}/tokens`]: {
        json: {
          browsers: [
            {
              id: TOKEN,
              kind: 'extension',
              browser: null,
              createdAt: '2026-11-02T08:00:00.000Z',
              lastUsedAt: null,
            },
          ],
        },
      },
      [`DELETE /api/v1/members/${REP_ID}/tokens/${TOKEN}`]: {
        status: 429,
        json: {
          error: {
            code: 'rate_limited',
            message: 'Too many requests with this sign-in: wait a little and try again.',
          },
        },
      },
    });
    const model = createBrowsersModel(REP_ID);
    await model.load();
    await model.revoke(model.browsers.value![0]!);
    expect(model.problem.value).toBe('Too many requests with this sign-in: wait a little and try again.');
    expect(model.browsers.value).toHaveLength(1);
  });
});
