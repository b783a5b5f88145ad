import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { keepDraft, loadDraft } from '../../../lib/platform/drafts';

const LEAD = 'salesforce:lead:00Q5g00000A1b2cEAB';

describe('half-typed notes kept for a panel frame that loads again', () => {
  it('gives back what was kept for the lead, and nothing for another', async () => {
    await keepDraft(LEAD, { note: 'Ask about the second line.', answers: { 'Budget?': 'Q3' } });
    expect(await loadDraft(LEAD)).toEqual({
      note: 'Ask about the second line.',
      answers: { 'Budget?': 'Q3' },
    });
    expect(await loadDraft('salesforce:deal:0065g00000Qr7StAAJ')).toBeNull();
  });

  it('forgets a draft emptied (as a saved verdict empties it)', async () => {
    await keepDraft(LEAD, { note: 'Call back.', answers: {} });
    await keepDraft(LEAD, { note: '', answers: {} });
    expect(await loadDraft(LEAD)).toBeNull();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('takes nothing stored in another shape, and never throws when storage fails', async () => {
    await fakeBrowser.storage.session.set({ [`draft:${LEAD}`]: 'not a draft' });
    expect(await loadDraft(LEAD)).toBeNull();
    const session = fakeBrowser.storage.session;
    const broken = { ...session, set: () => Promise.reject(new Error('quota')) };
    Object.defineProperty(fakeBrowser.storage, 'session', { value: broken, configurable: true });
    try {
      await expect(keepDraft(LEAD, { note: 'x', answers: {} })).resolves.toBeUndefined();
    } finally {
      Object.defineProperty(fakeBrowser.storage, 'session', { value: session, configurable: true });
    }
  });
});
