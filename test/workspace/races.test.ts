/**
 * Requests that meet in the database at the same moment, as they do on a real PostgreSQL server with
 * its many connections (PGlite runs one statement at a time).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCode, useCode } from '../../workspace/auth/codes';
import { issueToken } from '../../workspace/auth/tokens';
import { openDatabase } from '../../workspace/db/database';
import { removeMember } from '../../workspace/domain/workspace';
import { feedbackItem } from '../support/examples';
import { DATABASES, startTestWorkspace, type TestWorkspace } from './harness';

describe.each(DATABASES)('at the same moment on %s', (kind) => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await startTestWorkspace(kind);
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  it('two admins removing each other leave one admin: the second is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await ws.join('admin');
      const b = await ws.join('admin');
      const answers = await Promise.all([
        ws.call('DELETE', `/api/v1/members/${b.id}`, { token: a.token }),
        ws.call('DELETE', `/api/v1/members/${a.id}`, { token: b.token }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([204, 401]);
      const left = await ws.db.query(
        'SELECT id FROM members WHERE id = ANY($1::uuid[]) AND removed_at IS NULL',
        [[a.id, b.id]],
      );
      expect(left).toHaveLength(1);
    }
  });

  it('one reply id sent to two items: one is stored, the other is a conflict (409), never a 500', async () => {
    const rep = await ws.join('rep');
    const marketer = await ws.join('marketer');
    for (let round = 0; round < 5; round++) {
      const items = [0, 1].map(() => feedbackItem({ id: randomUUID(), campaignId: null }));
      await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
      const replyId = randomUUID();
      const answers = await Promise.all(
        items.map((item) =>
          ws.call('POST', `/api/v1/feedback/${item.id}/replies`, {
            token: marketer.token,
            body: { id: replyId, text: 'Call them Tuesday.' },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    }
  });
});

describe('a member removed while their join link is being redeemed (PostgreSQL)', () => {
  it('deadlocks neither: the link takes its token, the removal goes through after it', async () => {
    const ws = await startTestWorkspace('postgres');
    const link = await openDatabase({ databaseUrl: ws.databaseUrl!, dataDir: null });
    try {
      const admin = await ws.join('admin');
      const leaving = await ws.join('rep');
      const code = await ws.db.transaction((tx) => issueCode(tx, leaving.id));
      let usedCode: () => void = () => undefined;
      const codeUsed = new Promise<void>((resolve) => (usedCode = resolve));
      let goOn: () => void = () => undefined;
      const proceed = new Promise<void>((resolve) => (goOn = resolve));
      // The link: its code used (that row locked), then its token made (the member's row key-shared).
      const redeeming = link.transaction(async (tx) => {
        const member = await useCode(tx, code);
        usedCode();
        await proceed;
        return issueToken(tx, member, null);
      });
      await codeUsed;
      // The removal: the members' rows locked, then the member's codes, which waits for the link's.
      const removing = ws.db.transaction((tx) => removeMember(tx, leaving.id, admin.id));
      await new Promise((resolve) => setTimeout(resolve, 200));
      goOn();
      const [redeemed, removed] = await Promise.allSettled([redeeming, removing]);
      expect(redeemed.status, String((redeemed as PromiseRejectedResult).reason)).toBe('fulfilled');
      expect(removed.status, String((removed as PromiseRejectedResult).reason)).toBe('fulfilled');
      // The token made as the member went works no more than any of theirs.
      const token = (redeemed as PromiseFulfilledResult<string>).value;
      expect((await ws.call('GET', '/api/v1/me', { token })).status).toBe(401);
    } finally {
      await link.close();
      await ws.destroy();
    }
  });
});
