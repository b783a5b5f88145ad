import { type IDBPDatabase, unwrap } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { type BackgroundDeps, handleMessage } from '../../../lib/background/router';
import { adapterFor } from '../../../lib/crm';
import { inWords } from '../../../lib/errors';
import { t } from '../../../lib/i18n';
import type { SenderInfo, VerdictInput } from '../../../lib/messages';
import { saveVerdict } from '../../../lib/outbox/outbox';
import { DEFAULT_SETTINGS, type Settings } from '../../../lib/settings';
import { keptDb, openSameroomDb, type SameroomDb } from '../../../lib/store/db';
import { keepDraft, keptDraft, leadDraftKey } from '../../../lib/store/drafts';
import { brief, VERDICT_MESSAGE as VERDICT, withCustomSite } from '../../support/examples';

const OURS = { id: 'sameroom-test-id', origin: 'chrome-extension://sameroom-test-id/' };
const OPTIONS_PAGE: SenderInfo = { id: OURS.id, url: `${OURS.origin}options.html`, hasTab: true };
/** The panel view framed into a CRM tab: its requests reach the router as an extension page's. */
const POPUP: SenderInfo = { id: OURS.id, url: `${OURS.origin}popup.html`, hasTab: false };
const PANEL_VIEW: SenderInfo = { id: OURS.id, url: `${OURS.origin}panel.html`, hasTab: false };
const CRM_TAB: SenderInfo = {
  id: OURS.id,
  url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
  hasTab: true,
};

function deps(overrides: Partial<BackgroundDeps> = {}): BackgroundDeps {
  return {
    ours: OURS,
    isCrmUrl: (url) => adapterFor(url) !== null,
    db: openSameroomDb,
    openOptions: vi.fn(async () => undefined),
    sync: vi.fn(async () => undefined),
    outboxChanged: vi.fn(),
    ...overrides,
  };
}

describe('messages to the background', () => {
  it('answers "not linked" when its database holds no link', async () => {
    expect(await handleMessage({ type: 'status' }, PANEL_VIEW, deps())).toEqual({
      ok: true,
      reply: { linked: false, me: null },
    });
  });

  it('answers who is linked once its database holds a link', async () => {
    const db = await openSameroomDb();
    const member = {
      id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f',
      name: 'Ana Ruiz',
      role: 'rep' as const,
      region: 'Iberia',
    };
    const workspace = {
      id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
      name: 'Acme Robotics',
      regions: ['Iberia'],
    };
    await db.put(
      'link',
      {
        token: 'a'.repeat(43),
        member,
        workspace,
        workspaceUrl: 'https://sameroom.acme.test',
        linkedAt: '2026-11-22T09:00:00Z',
      },
      'current',
    );
    const answer = await handleMessage({ type: 'status' }, OPTIONS_PAGE, deps());
    expect(answer).toEqual({ ok: true, reply: { linked: true, me: { member, workspace } } });
    expect(JSON.stringify(answer)).not.toContain('a'.repeat(43));

    // The workspace then refuses the link (revoked by an admin): sync pauses with words (sync.ts), and
    // the status says them beside "Linked as …", where before it said only that.
    const refused = 'The workspace no longer accepts this browser’s link: link Sameroom again in Options.';
    await db.put(
      'sync',
      {
        workspaceUrl: 'https://sameroom.acme.test',
        cursor: '',
        lastSyncAt: null,
        lastError: refused,
        paused: true,
        failures: 0,
        retryAt: null,
      },
      'current',
    );
    expect(await handleMessage({ type: 'status' }, OPTIONS_PAGE, deps())).toEqual({
      ok: true,
      reply: { linked: true, me: { member, workspace }, notice: refused },
    });
    // Linked to another workspace since, before its first sync: the old one's refusal is not its.
    const link = await db.get('link', 'current');
    await db.put('link', { ...link!, workspaceUrl: 'https://sameroom.other.test' }, 'current');
    expect(await handleMessage({ type: 'status' }, OPTIONS_PAGE, deps())).toEqual({
      ok: true,
      reply: { linked: true, me: { member, workspace } },
    });
  });

  it('opens the options page for the panel view', async () => {
    const openOptions = vi.fn(async () => undefined);
    expect(await handleMessage({ type: 'openOptions' }, PANEL_VIEW, deps({ openOptions }))).toEqual({
      ok: true,
      reply: { ok: true },
    });
    expect(openOptions).toHaveBeenCalledOnce();
  });

  it('tells a content script which CRMs are on under the admin’s policy, from memory', async () => {
    const enabledCrms = vi.fn(async () => ({ hubspot: false, 'salesforce-lightning': true }));
    expect(await handleMessage({ type: 'enabledCrms' }, CRM_TAB, deps({ enabledCrms }))).toEqual({
      ok: true,
      reply: { hubspot: false, 'salesforce-lightning': true },
    });
  });

  it('refuses our content script on a page Sameroom does not serve, saying it is off there', async () => {
    const openOptions = vi.fn(async () => undefined);
    const sender = { ...CRM_TAB, url: 'https://evil.example/lightning/r/Lead/x/view' };
    expect(await handleMessage({ type: 'enabledCrms' }, sender, deps({ openOptions }))).toEqual({
      ok: false,
      error: 'That request is not allowed from here.',
      off: true,
    });
    expect(openOptions).not.toHaveBeenCalled();
  });

  it.each([
    ['another extension', { ...OPTIONS_PAGE, id: 'someone-else' }],
    ['a CRM URL with no tab (not a content script)', { ...CRM_TAB, hasTab: false }],
    ['a sender without a URL', { id: OURS.id, hasTab: true }],
    ['a sender with a malformed URL', { ...CRM_TAB, url: 'not a url' }],
  ])('refuses %s', async (_, sender) => {
    const openOptions = vi.fn(async () => undefined);
    const answer = await handleMessage({ type: 'openOptions' }, sender as SenderInfo, deps({ openOptions }));
    expect(answer).toEqual({ ok: false, error: 'That request is not allowed from here.' });
    expect(openOptions).not.toHaveBeenCalled();
  });

  it.each([
    ['no type', {}],
    ['an unknown type', { type: 'getToken' }],
    ['extra keys', { type: 'status', token: 'x' }],
    ['a string', 'status'],
    ['null', null],
  ])('refuses a message with %s', async (_, message) => {
    expect(await handleMessage(message, OPTIONS_PAGE, deps())).toEqual({
      ok: false,
      error: 'Sameroom did not understand that request.',
    });
  });

  it('turns a failure into words instead of throwing', async () => {
    const answer = await handleMessage(
      { type: 'status' },
      PANEL_VIEW,
      deps({ db: () => Promise.reject(new Error('The database connection is closing.')) }),
    );
    expect(answer).toEqual({
      ok: false,
      error: 'Sameroom could not do that: The database connection is closing.',
    });
  });

  it('says what to do when the browser has no room left to store anything', async () => {
    for (const full of [
      new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
      Object.assign(new Error('Encountered full disk while opening backing store for indexedDB.open.'), {
        name: 'UnknownError',
      }),
      // Chromium 156, its profile on a full disk (test/e2e/full-disk.chromium.test.ts).
      Object.assign(
        new Error(
          'Connection is closing because of: IO error: .../chrome-extension_x_0.indexeddb.leveldb/000003.log: FILE_ERROR_NO_SPACE (ChromeMethodBFE: 3::WritableFileAppend::8)',
        ),
        { name: 'UnknownError' },
      ),
    ]) {
      const answer = await handleMessage(
        { type: 'status' },
        PANEL_VIEW,
        deps({ db: () => Promise.reject(full) }),
      );
      expect(answer).toEqual({
        ok: false,
        error:
          'This browser has no room left to store it (the disk is full, or its storage for extensions is used up): nothing was saved. Free some space, then try again.',
      });
    }
  });

  it('says what to do when the browser cannot open its storage again (Chromium, on a full disk)', async () => {
    const answer = await handleMessage(
      { type: 'status' },
      PANEL_VIEW,
      deps({
        db: () =>
          Promise.reject(
            Object.assign(new Error('Internal error opening backing store for indexedDB.open.'), {
              name: 'UnknownError',
            }),
          ),
      }),
    );
    expect(answer).toEqual({ ok: false, error: t('errStorageOpen') });
    // Firefox, its profile on a full disk (lead-panel.firefox.test.ts).
    const firefox = await handleMessage(
      { type: 'status' },
      PANEL_VIEW,
      deps({
        db: () =>
          Promise.reject(
            new DOMException(
              'A mutation operation was attempted on a database that did not allow mutations.',
              'InvalidStateError',
            ),
          ),
      }),
    );
    expect(firefox).toEqual({ ok: false, error: t('errStorageOpen') });
  });

  it('makes a request once more on a new connection when the old one went bad (Firefox, after a full disk)', async () => {
    const broken = new DOMException(
      'A mutation operation was attempted on a database that did not allow mutations.',
      'InvalidStateError',
    );
    let uses = 0;
    const db = keptDb(openSameroomDb);
    const dbFailed = vi.fn((error: unknown) => db.failed(error));
    const answer = await handleMessage(
      { type: 'status' },
      PANEL_VIEW,
      deps({ db: () => (++uses === 1 ? Promise.reject(broken) : db()), dbFailed }),
    );
    expect(answer).toEqual({ ok: true, reply: { linked: false, me: null } });
    expect(dbFailed).toHaveBeenCalledWith(broken);
    // An error of one operation is said at once, not made again.
    const refused = await handleMessage(
      { type: 'status' },
      PANEL_VIEW,
      deps({ db: () => Promise.reject(new Error('The disk was busy')), dbFailed }),
    );
    expect(refused).toEqual({ ok: false, error: 'Sameroom could not do that: The disk was busy' });
  });

  it('makes a request again on a new connection when the browser aborted it (Chromium, closing its connection on a full disk)', async () => {
    // Chromium, its profile on a full disk, aborts what runs on the connection it closes, then refuses
    // the connection as closing: a CI run of test/e2e/full-disk.chromium.test.ts told the rep only
    // "The transaction was aborted", where the next use of a new connection says what to do.
    const real = await openSameroomDb();
    await real.put('link', LINK_RECORD, 'current');
    const kept = keptDb(openSameroomDb);
    const dbFailed = vi.fn((error: unknown) => kept.failed(error));
    const closing = new DOMException('The database connection is closing.', 'InvalidStateError');
    const noStore = Object.assign(new Error('Internal error opening backing store for indexedDB.open.'), {
      name: 'UnknownError',
    });
    const uses = (...connections: (() => Promise<IDBPDatabase<SameroomDb>>)[]) => {
      let use = 0;
      return () => (connections[use++] ?? kept)();
    };
    const refused = await handleMessage(
      VERDICT,
      PANEL_VIEW,
      deps({
        db: uses(
          async () => abortingWith(real, null),
          () => Promise.reject(closing),
          () => Promise.reject(noStore),
        ),
        dbFailed,
        now: () => NOW,
      }),
    );
    expect(refused).toEqual({ ok: false, error: t('errStorageOpen') });
    expect(await real.count('outbox')).toBe(0);
    // Room again: the rep's next click, whose first attempt is aborted too, saves it once.
    const saved = await handleMessage(
      VERDICT,
      PANEL_VIEW,
      deps({ db: uses(async () => abortingWith(real, null)), dbFailed, now: () => NOW }),
    );
    expect(saved).toMatchObject({ ok: true, reply: { status: 'held' } });
    expect(await real.count('outbox')).toBe(1);
  });

  it('says a full disk when a save is aborted for it while it still reads', async () => {
    const full = Object.assign(
      new Error('Connection is closing because of: IO error: .../000003.log: FILE_ERROR_NO_SPACE'),
      { name: 'UnknownError' },
    );
    const real = await openSameroomDb();
    await real.put('link', LINK_RECORD, 'current');
    const saving = saveVerdict(
      abortingWith(real, full),
      { ...VERDICT, lead: { ...VERDICT.lead, objectType: 'lead' } } as VerdictInput,
      LINK_RECORD,
      NOW,
    );
    await expect(saving).rejects.toBe(full);
    expect(inWords(await saving.catch((error: unknown) => error))).toBe(t('errStorageFull'));
  });

  describe('verdicts', () => {
    const verdict = (overrides: Record<string, unknown> = {}) => ({
      type: 'verdict',
      id: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      lead: { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB', signals: {} },
      campaignId: null,
      verdict: 'good_fit',
      ...overrides,
    });

    it('saves a verdict from the panel view, says when Undo ends, and reports the change', async () => {
      const db = await openSameroomDb();
      await db.put('link', LINK_RECORD, 'current');
      const outboxChanged = vi.fn();
      const answer = await handleMessage(verdict(), PANEL_VIEW, deps({ outboxChanged, now: () => NOW }));
      expect(answer).toMatchObject({
        ok: true,
        reply: {
          status: 'held',
          undoUntil: new Date(NOW.getTime() + 10_000).toISOString(),
          region: 'Iberia',
        },
      });
      expect(outboxChanged).toHaveBeenCalledOnce();
      expect(await db.count('outbox')).toBe(1);
    });

    it("forgets the popup's draft once its verdict is saved (it may have closed meanwhile), keeping the campaign", async () => {
      const db = await openSameroomDb();
      await db.put('link', LINK_RECORD, 'current');
      const url = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
      const quick = { campaignId: '', leadLink: url, verdict: 'spam' as const, region: 'Iberia' };
      await keepDraft(db, 'quick', { note: 'Fake company', answers: {}, quick }, NOW);
      await handleMessage(
        verdict({ note: 'Fake company', url, draft: 'quick' }),
        POPUP,
        deps({ now: () => NOW }),
      );
      await vi.waitFor(async () => expect(await keptDraft(db, 'quick')).toBeNull());
      // Written on since the click: kept.
      await keepDraft(db, 'quick', { note: 'Fake company, and a fake phone', answers: {}, quick }, NOW);
      await handleMessage(
        verdict({ id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', note: 'Fake company', url, draft: 'quick' }),
        POPUP,
        deps({ now: () => NOW }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await keptDraft(db, 'quick'))?.note).toBe('Fake company, and a fake phone');
    });

    it('puts an undone verdict’s note back in its draft as it answers, for a popup or tab closed before the answer', async () => {
      const db = await openSameroomDb();
      await db.put('link', LINK_RECORD, 'current');
      const url = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
      const quick = { campaignId: '', leadLink: url, verdict: 'spam' as const, region: 'Iberia' };
      await keepDraft(db, 'quick', { note: 'Fake company', answers: {}, quick }, NOW);
      const at = deps({ now: () => NOW });
      await handleMessage(verdict({ note: 'Fake company', url, draft: 'quick' }), POPUP, at);
      await vi.waitFor(async () => expect(await keptDraft(db, 'quick')).toBeNull());
      // Undone from the popup: its note beside the form (which cannot tell the lead it held), before the
      // answer reaches a popup that may have closed. Before, only the popup put it back, once answered.
      const id = verdict().id as string;
      expect(await handleMessage({ type: 'undo', id, draft: 'quick' }, POPUP, at)).toEqual({
        ok: true,
        reply: { undone: true },
      });
      expect((await keptDraft(db, 'quick'))?.quick?.aside).toBe('Fake company');
      // Asked again (a double click, a worker gone with the answer): undone, and put back once.
      expect(await handleMessage({ type: 'undo', id, draft: 'quick' }, POPUP, at)).toEqual({
        ok: true,
        reply: { undone: true },
      });
      expect((await keptDraft(db, 'quick'))?.quick?.aside).toBe('Fake company');

      // Undone from a panel: back in the lead's draft, before what was written there since.
      const answers = [{ question: 'Budget?', answer: 'Q3' }];
      const panelVerdict = verdict({
        id: '8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        note: 'Wants a demo',
        answers,
      });
      await handleMessage(panelVerdict, PANEL_VIEW, at);
      const leadKey = leadDraftKey('salesforce:lead:00Q5g00000A1b2cEAB');
      await keepDraft(db, leadKey, { note: 'Typed since', answers: {} }, NOW);
      // Two tabs on the record undoing it at once: put back by the one that took it, once; its answer
      // names the lead whose draft it went to (the panel sessions show it in the record's other tabs).
      const both = await Promise.all([
        handleMessage({ type: 'undo', id: panelVerdict.id as string }, PANEL_VIEW, at),
        handleMessage({ type: 'undo', id: panelVerdict.id as string }, PANEL_VIEW, at),
      ]);
      expect(both).toContainEqual({
        ok: true,
        reply: { undone: true, leadKey: 'salesforce:lead:00Q5g00000A1b2cEAB' },
      });
      expect(both).toContainEqual({ ok: true, reply: { undone: true } });
      expect(await keptDraft(db, leadKey)).toEqual({
        note: 'Wants a demo\n\nTyped since',
        answers: { 'Budget?': 'Q3' },
      });
      // Too late to undo: nothing put back.
      const late = verdict({ id: '9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', note: 'Sent already' });
      await handleMessage(late, PANEL_VIEW, at);
      const later = deps({ now: () => new Date(NOW.getTime() + 11_000) });
      expect(await handleMessage({ type: 'undo', id: late.id as string }, PANEL_VIEW, later)).toEqual({
        ok: true,
        reply: { undone: false },
      });
      expect((await keptDraft(db, leadKey))?.note).not.toContain('Sent already');
    });

    it('sends the record’s own address, made with the settings in force, or none when Privacy says so', async () => {
      const db = await openSameroomDb();
      await db.put('link', LINK_RECORD, 'current');
      const id = '5e1a3c2b-7d4f-4a6e-9b8c-1d2e3f4a5b6c';
      const lead = { crm: 'dynamics', objectType: 'lead', recordId: id, signals: {} };
      const page = `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=lead&id=${id}&q=ana`;
      const saved = async (n: number, settings: Settings) => {
        const verdictId = `${n}a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
        const message = verdict({ id: verdictId, lead, url: page });
        await handleMessage(message, PANEL_VIEW, deps({ now: () => NOW, settings: async () => settings }));
        return (await db.get('outbox', verdictId))?.item.lead.url;
      };
      expect(await saved(1, DEFAULT_SETTINGS)).toBe(
        `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=lead&id=${id}`,
      );
      expect(await saved(2, { ...DEFAULT_SETTINGS, sendRecordUrl: false })).toBeUndefined();
      // A custom site of the settings in force keeps the query parameter its record pattern reads.
      const site = withCustomSite();
      const custom = { crm: 'custom', objectType: 'lead', recordId: '42', signals: {} };
      const verdictId = '3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      await handleMessage(
        verdict({ id: verdictId, lead: custom, url: 'https://crm.acme-internal.test/servlet?q=ana&lid=42' }),
        PANEL_VIEW,
        deps({ now: () => NOW, settings: async () => site }),
      );
      expect((await db.get('outbox', verdictId))?.item.lead.url).toBe(
        'https://crm.acme-internal.test/servlet?lid=42',
      );
    });

    it("saves the rep's answers with the verdict, and refuses more answers than a brief has questions", async () => {
      const db = await openSameroomDb();
      await db.put('link', LINK_RECORD, 'current');
      const answers = [{ question: 'Did they mention a 2027 budget?', answer: 'Yes' }];
      const answer = await handleMessage(verdict({ answers }), PANEL_VIEW, deps({ now: () => NOW }));
      expect(answer).toMatchObject({ ok: true, reply: { answers } });
      expect((await db.getAll('outbox'))[0]?.item.answers).toEqual(answers);
      const tooMany = Array.from({ length: 21 }, (_, n) => ({ question: `Q${n}`, answer: 'A' }));
      expect(await handleMessage(verdict({ answers: tooMany }), PANEL_VIEW, deps())).toEqual({
        ok: false,
        error: 'Sameroom did not understand that request.',
      });
    });

    it('refuses a verdict with words when nothing is linked, saving nothing, worded once', async () => {
      const answer = await handleMessage(verdict(), PANEL_VIEW, deps());
      // Already worded for the rep: passed on as it is, not wrapped in "could not do that".
      expect(answer).toEqual({
        ok: false,
        error: 'Sameroom is not linked to a workspace: link it in Options, then send the verdict.',
      });
    });

    it.each([
      ['a verdict that is not on the list', verdict({ verdict: 'meh' })],
      ['an id that is not a UUID', verdict({ id: '1' })],
      ['an unknown key', verdict({ token: 'x' })],
    ])('refuses %s', async (_, message) => {
      expect(await handleMessage(message, PANEL_VIEW, deps())).toEqual({
        ok: false,
        error: 'Sameroom did not understand that request.',
      });
    });

    it.each([
      ['outbox', { type: 'outbox' }],
      ['resend', { type: 'resend', id: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }],
      ['discard', { type: 'discard', id: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }],
      ['campaigns', { type: 'campaigns' }],
    ])('answers %s only to extension pages', async (_, message) => {
      expect(await handleMessage(message, CRM_TAB, deps())).toEqual({
        ok: false,
        error: 'That request is not allowed from here.',
      });
    });

    it('runs sync on "Sync now", forced past any backoff', async () => {
      const sync = vi.fn(async () => undefined);
      const answer = await handleMessage({ type: 'syncNow' }, OPTIONS_PAGE, deps({ sync }));
      expect(sync).toHaveBeenCalledWith(true);
      expect(answer).toMatchObject({ ok: true, reply: { linked: false, pending: 0, held: 0 } });
    });
  });
});

const NOW = new Date('2026-11-22T09:00:00.000Z');
const LINK_RECORD = {
  token: 'a'.repeat(43),
  member: {
    id: '9c1d3f7a-2b4e-4c6d-8e0f-1a2b3c4d5e6f',
    name: 'Ana Ruiz',
    role: 'rep' as const,
    region: 'Iberia',
  },
  workspace: { id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876', name: 'Acme Robotics', regions: ['Iberia'] },
  workspaceUrl: 'https://sameroom.acme.test',
  linkedAt: '2026-11-22T08:00:00Z',
};

describe('answers from memory', () => {
  it('answers our own pages without asking whether they are a CRM page (a fresh settings read is slow)', async () => {
    const isCrmUrl = vi.fn(() => new Promise<boolean>(() => {}));
    const answer = await handleMessage({ type: 'status' }, PANEL_VIEW, { ...deps(), isCrmUrl });
    expect(answer).toMatchObject({ ok: true, reply: { linked: false } });
    expect(isCrmUrl).not.toHaveBeenCalled();
  });
});

describe('a lead page never waits for the workspace when it has briefs to show', () => {
  const LEAD = { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB', signals: {} };
  const staleCache = (name: string) => ({
    workspaceUrl: LINK_RECORD.workspaceUrl,
    etag: '"v1"',
    fetchedAt: '2026-11-22T08:00:00.000Z', // an hour old: stale
    briefs: [brief({ name, status: 'active' })],
    rejected: [],
  });

  it('shows the cached brief at once, revalidates behind, and says when that is done', async () => {
    const db = await openSameroomDb();
    await db.put('link', LINK_RECORD, 'current');
    await db.put('campaigns', staleCache('Hannover Messe 2026'), 'current');
    let answerWorkspace: (response: Response) => void = () => undefined;
    const fetchFn = vi.fn(() => new Promise<Response>((resolve) => (answerWorkspace = resolve)));
    const campaignsRefreshed = vi.fn();
    const pick = { type: 'pick', lead: LEAD, campaignId: null };
    const shown = await handleMessage(pick, PANEL_VIEW, {
      ...deps({ now: () => NOW, fetchFn: fetchFn as unknown as typeof fetch }),
      campaignsRefreshed,
    });
    // Answered while the workspace has not said a word.
    expect(shown).toMatchObject({ ok: true, reply: { state: 'noMatch' } });
    expect(fetchFn).toHaveBeenCalledOnce();
    expect(campaignsRefreshed).not.toHaveBeenCalled();
    answerWorkspace(new Response(null, { status: 304, headers: { etag: '"v1"' } }));
    await vi.waitFor(() => expect(campaignsRefreshed).toHaveBeenCalledOnce());
    // Revalidated: fresh again, so the next page asks nobody.
    await handleMessage(pick, PANEL_VIEW, { ...deps({ now: () => NOW, fetchFn: fetchFn as never }) });
    expect(fetchFn).toHaveBeenCalledOnce();
  });
});

/**
 * `db` as the browser closing it leaves it: every transaction made on it is aborted once its first
 * requests are on their way, each request failing with a bare AbortError and the transaction holding
 * `why` (null: none given).
 */
function abortingWith(db: IDBPDatabase<SameroomDb>, why: Error | null): IDBPDatabase<SameroomDb> {
  const aborting: IDBPDatabase<SameroomDb> = new Proxy(db, {
    get(target, property) {
      if (property === 'transaction')
        return (...args: Parameters<typeof db.transaction>) => {
          const tx = target.transaction(...args);
          if (why) Object.defineProperty(unwrap(tx), 'error', { value: why });
          tx.done.catch(() => undefined);
          queueMicrotask(() => tx.abort());
          return tx;
        };
      const value: unknown = Reflect.get(target, property, target);
      // idb's shortcuts (get, put, count) make their transaction through `this`: this proxy's.
      return typeof value === 'function' ? (...args: unknown[]) => value.apply(aborting, args) : value;
    },
  });
  return aborting;
}
