import { describe, expect, it, vi } from 'vitest';
import { type BackgroundDeps, handleMessage } from '../../../lib/background/router';
import { adapterFor } from '../../../lib/crm';
import type { MessageType, SenderInfo } from '../../../lib/messages';
import { openSameroomDb } from '../../../lib/store/db';

const OURS = { id: 'sameroom-test-id', origin: 'chrome-extension://sameroom-test-id/' };
const CRM_URL = 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view';
const ID = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const LEAD = { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB', signals: {} };

/** One valid message of every type the background takes. */
const MESSAGES: Record<MessageType, Record<string, unknown>> = {
  status: { type: 'status' },
  openOptions: { type: 'openOptions' },
  link: { type: 'link', joinLink: `https://sameroom.acme.test/join#${'c'.repeat(24)}` },
  lead: { type: 'lead', lead: LEAD },
  pick: { type: 'pick', lead: LEAD, campaignId: null },
  verdict: { type: 'verdict', id: ID, lead: LEAD, campaignId: null, verdict: 'good_fit' },
  undo: { type: 'undo', id: ID },
  history: { type: 'history', lead: LEAD },
  outbox: { type: 'outbox' },
  syncNow: { type: 'syncNow' },
  resend: { type: 'resend', id: ID },
  discard: { type: 'discard', id: ID },
  repliesSeen: { type: 'repliesSeen' },
  campaigns: { type: 'campaigns' },
  draft: { type: 'draft', key: 'quick' },
  keepDraft: {
    type: 'keepDraft',
    key: 'lead:salesforce:lead:00Q5g00000A1b2cEAB',
    draft: { note: 'x', answers: {} },
  },
  forgetSent: {
    type: 'forgetSent',
    key: 'lead:salesforce:lead:00Q5g00000A1b2cEAB',
    note: 'x',
    answers: [],
  },
  unlink: { type: 'unlink' },
  enabledCrms: { type: 'enabledCrms' },
  panelCommand: { type: 'panelCommand', command: 'focus-verdicts' },
};

const SENDERS = {
  'the popup': { id: OURS.id, url: `${OURS.origin}popup.html`, hasTab: false },
  'the options page': { id: OURS.id, url: `${OURS.origin}options.html`, hasTab: true, frameId: 0 },
  // The panel view's requests reach the router as an extension page's, once its port was checked.
  'the panel view': { id: OURS.id, url: `${OURS.origin}panel.html`, hasTab: false },
  'a content script on a CRM tab': { id: OURS.id, url: CRM_URL, hasTab: true, frameId: 0 },
  'a content script on a non-CRM tab': { id: OURS.id, url: 'https://news.example/article', hasTab: true },
  'another extension’s page': {
    id: 'other-extension',
    url: 'chrome-extension://other-extension/popup.html',
    hasTab: false,
  },
  'another extension’s content script on a CRM tab': { id: 'other-extension', url: CRM_URL, hasTab: true },
  'a web page (no extension id)': { url: CRM_URL, hasTab: true },
  'a frame of another site on a CRM tab': {
    id: OURS.id,
    url: 'https://ads.example/frame.html',
    hasTab: true,
    frameId: 7,
  },
  'a CRM page framed inside another site': { id: OURS.id, url: CRM_URL, hasTab: true, frameId: 3 },
  'a look-alike of our origin': { id: OURS.id, url: 'https://sameroom-test-id/options.html', hasTab: true },
} satisfies Record<string, SenderInfo>;
type SenderName = keyof typeof SENDERS;

const PAGES: SenderName[] = ['the popup', 'the options page', 'the panel view'];
const CRM: SenderName[] = ['a content script on a CRM tab'];

/**
 * Who may send what: the rule as a person would state it, not read back from ALLOWED_SENDERS. The
 * content script only reports its lead and passes keyboard commands on; everything a rep does in the
 * panel comes from the panel view, an extension page the CRM page cannot reach (issue 11).
 */
const MAY_SEND: Record<MessageType, SenderName[]> = {
  status: PAGES,
  openOptions: PAGES,
  link: PAGES,
  lead: [...PAGES, ...CRM],
  pick: PAGES,
  verdict: PAGES,
  undo: PAGES,
  history: PAGES,
  outbox: PAGES,
  syncNow: PAGES,
  resend: PAGES,
  discard: PAGES,
  repliesSeen: PAGES,
  campaigns: PAGES,
  // What a rep typed is read and kept by the pages they typed it in; a CRM page never sees it.
  draft: PAGES,
  keepDraft: PAGES,
  forgetSent: PAGES,
  unlink: PAGES,
  enabledCrms: CRM,
  panelCommand: CRM,
};

/** Senders that can only be our own content script, on a page no CRM in force serves: told it is off. */
const OFF_HERE: SenderName[] = ['a content script on a non-CRM tab', 'a look-alike of our origin'];

function deps(): BackgroundDeps & { touched: ReturnType<typeof vi.fn> } {
  const touched = vi.fn();
  return {
    touched,
    ours: OURS,
    isCrmUrl: (url) => adapterFor(url) !== null,
    db: () => {
      touched('db');
      return openSameroomDb();
    },
    openOptions: vi.fn(async () => void touched('openOptions')),
    sync: vi.fn(async () => void touched('sync')),
    outboxChanged: vi.fn(() => void touched('outboxChanged')),
    managedWorkspaceUrl: async () => {
      touched('managed');
      return undefined;
    },
    fetchFn: vi.fn(async () => {
      touched('fetch');
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch,
  };
}

const NOT_ALLOWED = { ok: false, error: 'That request is not allowed from here.' };
const cases = (Object.keys(MESSAGES) as MessageType[]).flatMap((type) =>
  (Object.keys(SENDERS) as SenderName[]).map(
    (sender) => [type, sender, MAY_SEND[type].includes(sender)] as const,
  ),
);

describe('who may send each message to the background', () => {
  it.each(cases)('%s from %s: allowed %s', async (type, sender, allowed) => {
    const background = deps();
    const answer = await handleMessage(MESSAGES[type], SENDERS[sender], background);
    if (allowed) {
      expect(answer).not.toEqual(NOT_ALLOWED);
    } else {
      // Our content script on a page Sameroom does not serve (switched off) is told so, to hide its panel.
      expect(answer).toEqual(OFF_HERE.includes(sender) ? { ...NOT_ALLOWED, off: true } : NOT_ALLOWED);
      // Refused before anything happens: no database, no network, no sync, no page opened.
      expect(background.touched).not.toHaveBeenCalled();
    }
  });
});

describe('the message registry', () => {
  it('names, for every message the background takes, its shape, its senders and its handler', async () => {
    const { REGISTRY } = await import('../../../lib/background/registry');
    expect(Object.keys(REGISTRY).sort()).toEqual(Object.keys(MESSAGES).sort());
    for (const [type, registered] of Object.entries(REGISTRY)) {
      expect(registered.schema.safeParse(MESSAGES[type as MessageType]).success, type).toBe(true);
      expect(registered.senders.length, type).toBeGreaterThan(0);
      expect(typeof registered.handle, type).toBe('function');
    }
  });
});
