import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '../../../lib/background/router';
import type { SenderInfo } from '../../../lib/messages';
import { LIMITS } from '../../../lib/protocol';
import { openSameroomDb } from '../../../lib/store/db';
import { DRAFT_NOTE_LIMIT, draftWasSent, noteTooLong, withUndone } from '../../../lib/store/draft-text';
import {
  Draft,
  forgetPrivateDrafts,
  forgetSentDraft,
  keepDraft,
  keepUndone,
  keptDraft,
  leadDraftKey,
  privateLeadDraftKey,
} from '../../../lib/store/drafts';
import { backgroundDeps, OURS } from '../background/deps';

const LEAD = leadDraftKey('salesforce:lead:00Q5g00000A1b2cEAB');
const NOW = new Date('2026-12-03T10:00:00Z');
const POPUP: SenderInfo = { id: OURS.id, url: `${OURS.origin}popup.html`, hasTab: false };

describe('what a rep typed and did not send, kept in the background’s database', () => {
  it('gives back what was kept for a lead, and nothing for another', async () => {
    const db = await openSameroomDb();
    await keepDraft(db, LEAD, { note: 'Ask about the second line.', answers: { 'Budget?': 'Q3' } }, NOW);
    expect(await keptDraft(db, LEAD)).toEqual({
      note: 'Ask about the second line.',
      answers: { 'Budget?': 'Q3' },
    });
    expect(await keptDraft(db, leadDraftKey('salesforce:opportunity:0065g00000Qr7StAAJ'))).toBeNull();
  });

  it('survives the database being closed and opened again (a browser that crashed and started again)', async () => {
    const first = await openSameroomDb();
    await keepDraft(first, LEAD, { note: 'Call back after the fair.', answers: {} }, NOW);
    first.close();
    const again = await openSameroomDb();
    expect(await keptDraft(again, LEAD)).toEqual({ note: 'Call back after the fair.', answers: {} });
  });

  it('forgets a draft emptied (as a saved verdict empties it), blank answers included', async () => {
    const db = await openSameroomDb();
    await keepDraft(db, LEAD, { note: 'Call back.', answers: {} }, NOW);
    await keepDraft(db, LEAD, { note: '', answers: { 'Budget?': '' } }, NOW);
    expect(await keptDraft(db, LEAD)).toBeNull();
    expect(await db.count('drafts')).toBe(0);
  });

  it('keeps the popup’s quick form with the lead’s address typed or a campaign picked, and no note', async () => {
    const db = await openSameroomDb();
    const quick = {
      campaignId: '',
      leadLink: 'https://acme.my.salesforce.com/00Q5g00000A1b2cEAB',
      verdict: 'spam',
      region: '',
    } as const;
    await keepDraft(db, 'quick', { note: '', answers: {}, quick }, NOW);
    expect((await keptDraft(db, 'quick'))?.quick).toEqual(quick);
  });

  it('takes nothing stored in another shape', async () => {
    const db = await openSameroomDb();
    await db.put('drafts', { note: 42, answers: {}, keptAt: NOW.toISOString() } as never, LEAD);
    expect(await keptDraft(db, LEAD)).toBeNull();
  });
});

describe('a draft typed in a private window (incognito), kept in the browser’s memory alone', () => {
  const PRIVATE = privateLeadDraftKey('salesforce:lead:00Q5g00000A1b2cEAB');

  it('is kept in storage.session, never in the database on disk, and apart from the same record’s draft', async () => {
    const db = await openSameroomDb();
    await keepDraft(db, LEAD, { note: 'Call back.', answers: {} }, NOW);
    await keepDraft(db, PRIVATE, { note: 'Their budget is 40k.', answers: { 'Budget?': '40k' } }, NOW);
    expect(await keptDraft(db, PRIVATE)).toEqual({
      note: 'Their budget is 40k.',
      answers: { 'Budget?': '40k' },
    });
    expect(await keptDraft(db, LEAD)).toEqual({ note: 'Call back.', answers: {} });
    expect(await db.getAllKeys('drafts')).toEqual([LEAD]);
    expect(JSON.stringify(await db.getAll('drafts'))).not.toContain('40k');
    expect(await fakeBrowser.storage.session.get(`draft:${PRIVATE}`)).toEqual({
      [`draft:${PRIVATE}`]: {
        note: 'Their budget is 40k.',
        answers: { 'Budget?': '40k' },
        keptAt: NOW.toISOString(),
      },
    });
    // Emptied, it is gone from memory too.
    await keepDraft(db, PRIVATE, { note: '', answers: {} }, NOW);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('is forgotten once sent, unless written on since, and takes an undone verdict’s note back', async () => {
    const db = await openSameroomDb();
    await keepDraft(db, PRIVATE, { note: 'Call back.', answers: {} }, NOW);
    await forgetSentDraft(db, PRIVATE, { note: 'Call' }, NOW);
    expect(await keptDraft(db, PRIVATE)).not.toBeNull();
    await forgetSentDraft(db, PRIVATE, { note: 'Call back.' }, NOW);
    expect(await keptDraft(db, PRIVATE)).toBeNull();
    await keepUndone(db, PRIVATE, { note: 'Asked for a reseller.', answers: [] }, NOW);
    expect(await keptDraft(db, PRIVATE)).toEqual({ note: 'Asked for a reseller.', answers: {} });
    expect(await db.count('drafts')).toBe(0);
  });

  it('applies changes made at once in the order they were made (storage.session has no transactions)', async () => {
    const db = await openSameroomDb();
    await keepDraft(db, PRIVATE, { note: 'Asked for a demo.', answers: {} }, NOW);
    await Promise.all([
      keepUndone(db, PRIVATE, { note: 'Asked for a reseller.', answers: [] }, NOW),
      keepUndone(db, PRIVATE, { note: 'Wants a call.', answers: [] }, NOW),
      keepDraft(db, PRIVATE, { note: 'Last keystroke.', answers: {} }, NOW),
    ]);
    expect(await keptDraft(db, PRIVATE)).toEqual({ note: 'Last keystroke.', answers: {} });
    await Promise.all([
      keepUndone(db, PRIVATE, { note: 'One.', answers: [] }, NOW),
      keepUndone(db, PRIVATE, { note: 'Two.', answers: [] }, NOW),
    ]);
    expect((await keptDraft(db, PRIVATE))?.note).toBe('Two.\n\nOne.\n\nLast keystroke.');
  });

  it('is forgotten with every other private draft once no private window is left, and nothing else is', async () => {
    const db = await openSameroomDb();
    const other = privateLeadDraftKey('hubspot:contact:101');
    await keepDraft(db, PRIVATE, { note: 'Their budget is 40k.', answers: {} }, NOW);
    await keepDraft(db, other, { note: 'Call back.', answers: {} }, NOW);
    await keepDraft(db, LEAD, { note: 'On disk.', answers: {} }, NOW);
    await fakeBrowser.storage.session.set({ somethingElse: 1 });
    await forgetPrivateDrafts();
    expect(await keptDraft(db, PRIVATE)).toBeNull();
    expect(await keptDraft(db, other)).toBeNull();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({ somethingElse: 1 });
    expect(await keptDraft(db, LEAD)).toEqual({ note: 'On disk.', answers: {} });
  });

  it('goes on keeping drafts after a change that failed (the browser refused it)', async () => {
    const db = await openSameroomDb();
    const set = vi.spyOn(fakeBrowser.storage.session, 'set').mockRejectedValueOnce(new Error('quota'));
    await expect(keepDraft(db, PRIVATE, { note: 'Refused.', answers: {} }, NOW)).rejects.toThrow('quota');
    set.mockRestore();
    await keepDraft(db, PRIVATE, { note: 'Kept.', answers: {} }, NOW);
    expect(await keptDraft(db, PRIVATE)).toEqual({ note: 'Kept.', answers: {} });
  });

  it('is a lead’s only: the popup’s and a refused verdict’s forms have no private key', async () => {
    expect(Draft.safeParse({ note: '', answers: {} }).success).toBe(true);
    const deps = backgroundDeps();
    const draft = { note: 'x', answers: {} };
    for (const key of ['private:quick', 'private:dead:6a1b2c3d', PRIVATE.replace('lead:', 'leads:')])
      expect((await handleMessage({ type: 'keepDraft', key, draft }, POPUP, deps)).ok).toBe(false);
    expect((await handleMessage({ type: 'keepDraft', key: PRIVATE, draft }, POPUP, deps)).ok).toBe(true);
  });
});

describe('drafts through the background’s messages', () => {
  const deps = () => backgroundDeps();

  it('keeps and gives back a draft for the popup, and refuses one longer than a draft can be', async () => {
    const draft = { note: 'Half a thought', answers: {} };
    expect(await handleMessage({ type: 'keepDraft', key: 'quick', draft }, POPUP, deps())).toEqual({
      ok: true,
      reply: { ok: true },
    });
    expect(await handleMessage({ type: 'draft', key: 'quick' }, POPUP, deps())).toEqual({
      ok: true,
      reply: draft,
    });
    // Longer than a verdict's note is kept (an Undo puts one back before what was typed since)...
    const twoNotes = { note: 'x'.repeat(2 * LIMITS.note + 2), answers: {} };
    const kept = await handleMessage({ type: 'keepDraft', key: 'quick', draft: twoNotes }, POPUP, deps());
    expect(kept.ok).toBe(true);
    await handleMessage({ type: 'keepDraft', key: 'quick', draft }, POPUP, deps());
    // ... but not without end.
    const tooLong = { note: 'x'.repeat(DRAFT_NOTE_LIMIT + 1), answers: {} };
    const refused = await handleMessage({ type: 'keepDraft', key: 'quick', draft: tooLong }, POPUP, deps());
    expect(refused.ok).toBe(false);
    expect(await handleMessage({ type: 'draft', key: 'quick' }, POPUP, deps())).toEqual({
      ok: true,
      reply: draft,
    });
  });

  it('refuses a key that names neither a lead nor the popup', async () => {
    const answer = await handleMessage({ type: 'draft', key: 'link' }, POPUP, deps());
    expect(answer.ok).toBe(false);
  });
});

describe('a draft forgotten once its verdict is saved', () => {
  it('counts a draft as sent whatever order its answers were typed in, and blank answers as none', () => {
    const draft = { note: 'Budget later', answers: { 'Timeline?': 'Q3', 'Budget?': '20k', 'Team?': ' ' } };
    const given = [
      { question: 'Budget?', answer: '20k' },
      { question: 'Timeline?', answer: 'Q3' },
      { question: 'Team?', answer: '' },
    ];
    expect(draftWasSent(draft, { note: 'Budget later', answers: given })).toBe(true);
    expect(draftWasSent(draft, { note: 'Budget later', answers: given.slice(0, 1) })).toBe(false);
    expect(draftWasSent(draft, { note: 'Budget', answers: given })).toBe(false);
  });

  it('counts the popup’s quick form as sent when its link was typed without https://, as the popup sends it', () => {
    const quick = {
      leadLink: ' acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view ',
      campaignId: '',
      verdict: 'good_fit',
      region: '',
    } as const;
    const sent = {
      note: 'Call back',
      url: 'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
    };
    expect(draftWasSent({ note: 'Call back', answers: {}, quick }, sent)).toBe(true);
    expect(
      draftWasSent(
        { note: 'Call back', answers: {}, quick: { ...quick, leadLink: 'other.example/x' } },
        sent,
      ),
    ).toBe(false);
  });

  it('forgets a lead’s draft that holds only what was sent, and keeps one written on since', async () => {
    const db = await openSameroomDb();
    await keepDraft(db, LEAD, { note: 'Call back.', answers: {} }, NOW);
    await forgetSentDraft(db, LEAD, { note: 'Call back' }, NOW);
    expect(await keptDraft(db, LEAD)).not.toBeNull();
    await forgetSentDraft(db, LEAD, { note: 'Call back.' }, NOW);
    expect(await keptDraft(db, LEAD)).toBeNull();
  });

  it('keeps the note of an undone verdict set beside the popup’s form when the next verdict is sent, and alone', async () => {
    const db = await openSameroomDb();
    const quick = {
      campaignId: '',
      leadLink: 'https://acme.my.salesforce.com/00Q5g00000A1b2cEAB',
      verdict: 'good_fit',
      region: '',
      aside: 'Asked for a reseller.',
    } as const;
    await keepDraft(db, 'quick', { note: 'Call back', answers: {}, quick }, NOW);
    await forgetSentDraft(db, 'quick', { note: 'Call back', url: quick.leadLink }, NOW);
    expect(await keptDraft(db, 'quick')).toEqual({
      note: '',
      answers: {},
      quick: { ...quick, leadLink: '' },
    });
  });
});

describe('an undone verdict back in a draft', () => {
  const undone = { note: 'Asked for a reseller.', answers: [{ question: 'Budget?', answer: 'Q3' }] };

  it('puts its note and answers back, before what was written since, which stays', () => {
    expect(withUndone({ note: '', answers: {} }, undone)).toEqual({
      note: 'Asked for a reseller.',
      answers: { 'Budget?': 'Q3' },
    });
    expect(
      withUndone({ note: 'Typed after Saved.', answers: { 'Budget?': 'Q4', 'Team?': '' } }, undone),
    ).toEqual({
      note: 'Asked for a reseller.\n\nTyped after Saved.',
      answers: { 'Budget?': 'Q4' },
    });
    // Nothing cut off when the two together are longer than a verdict's note: a draft keeps it whole.
    const long = withUndone(
      { note: 'b'.repeat(LIMITS.note), answers: {} },
      {
        note: 'a'.repeat(LIMITS.note),
        answers: [],
      },
    );
    expect(long.note).toBe(`${'a'.repeat(LIMITS.note)}\n\n${'b'.repeat(LIMITS.note)}`);
    expect(noteTooLong(long.note)).toBe(true);
    expect(Draft.safeParse(long).success).toBe(true);
    // The same note typed again is not doubled.
    expect(withUndone({ note: ' Asked for a reseller. ', answers: {} }, undone).note).toBe(
      'Asked for a reseller.',
    );
  });
});
