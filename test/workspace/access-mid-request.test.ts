/**
 * Access lost in the middle of a request: a request whose body comes after its headers is judged by
 * who the caller is once the body is in (a member removed, or a token revoked, while their body was
 * held back is refused, not served with the access they had when the headers arrived), and a CSV export
 * read a page at a time stops at the next page.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../workspace/app';
import { CSV_PAGE_ROWS } from '../../workspace/routes';
import { feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * Sends the headers of a JSON request at once and its body only after `meanwhile` has run; the answer
 * once the server gives it.
 */
function holdBody(
  url: string,
  token: string,
  method: string,
  body: unknown,
  meanwhile: () => Promise<void>,
): Promise<{ status: number; body: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
        },
      },
      (response) => {
        let answer = '';
        response.on('data', (chunk) => {
          answer += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: answer }));
      },
    );
    sent.on('error', reject);
    sent.flushHeaders();
    // The server runs the route as soon as the headers are in: the pause lets it get to the body.
    setTimeout(() => {
      meanwhile().then(() => sent.end(text), reject);
    }, 200);
  });
}

describe('a request whose body is held back while the caller loses access', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await startTestWorkspace('pglite');
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  it('is refused to an admin removed meanwhile: no new admin is invited', async () => {
    const leaving = await ws.join('admin', 'Leaving admin');
    const answer = await holdBody(
      `${ws.url}/api/v1/invites`,
      leaving.token,
      'POST',
      { name: 'Comeback', role: 'admin' },
      async () => {
        const removed = await ws.call('DELETE', `/api/v1/members/${leaving.id}`, { token: ws.adminToken });
        expect(removed.status).toBe(204);
      },
    );
    expect(answer.status, answer.body).toBe(401);
    const members = await ws.db.query<{ name: string }>('SELECT name FROM members WHERE name = $1', [
      'Comeback',
    ]);
    expect(members).toEqual([]);
  });

  it('is refused to a rep whose token was revoked meanwhile: the verdict is not stored', async () => {
    const rep = await ws.join('rep', 'Unlinking rep');
    const item = feedbackItem({ id: randomUUID(), campaignId: null });
    const answer = await holdBody(
      `${ws.url}/api/v1/feedback`,
      rep.token,
      'POST',
      { items: [item] },
      async () => {
        const revoked = await ws.call('DELETE', '/api/v1/tokens/current', { token: rep.token });
        expect(revoked.status).toBeLessThan(300);
      },
    );
    expect(answer.status, answer.body).toBe(401);
    expect(await ws.db.query('SELECT id FROM feedback WHERE id = $1', [item.id])).toEqual([]);
  });
});

describe('a CSV export read slowly while its caller loses access', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await startTestWorkspace('pglite');
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  /** `count` verdicts from `token`, sent as the extension sends them (batches of 100). */
  async function verdicts(token: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let sent = 0; sent < count; sent += 100) {
      const items = Array.from({ length: Math.min(100, count - sent) }, () =>
        feedbackItem({ id: randomUUID(), campaignId: null }),
      );
      const answer = await ws.call('POST', '/api/v1/feedback', { token, body: { items } });
      expect(answer.status).toBe(200);
      ids.push(...items.map((item) => item.id));
    }
    return ids;
  }

  /**
   * A marketer's CSV export over three pages of verdicts, started and read up to its first page. In the
   * process, so that the export's pages are read only as the test takes them (over a socket, the
   * kernel's buffers would take them all at once); three pages, as the stream reads one ahead.
   */
  async function exportStarted(repName: string, marketerName: string) {
    const rep = await ws.join('rep', repName);
    const marketer = await ws.join('marketer', marketerName);
    await verdicts(rep.token, CSV_PAGE_ROWS * 2 + 100);
    const app = createApp({
      db: ws.db,
      publicUrl: () => ws.url,
      clientIp: () => '127.0.0.1',
      linkAttempts: { limit: 20, windowSeconds: 600 },
    });
    const response = await app.request('/api/v1/feedback?format=csv', {
      headers: { authorization: `Bearer ${marketer.token}` },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const read = { csv: '' };
    while (read.csv.split('\r\n').length < CSV_PAGE_ROWS) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      read.csv += decoder.decode(value);
    }
    /** The rest of the export, read to its end: 'ended', or the error it stopped with. */
    const rest = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        read.csv += decoder.decode(value);
      }
    };
    return { rep, marketer, read, rest };
  }

  it('stops at the next page once the marketer is no longer one (a role changed in the database)', async () => {
    const { marketer, rest } = await exportStarted('Another busy rep', 'Demoted marketer');
    await ws.db.query("UPDATE members SET role = 'rep' WHERE id = $1", [marketer.id]);
    await expect(rest()).rejects.toMatchObject({ status: 401 });
  });

  it('stops at the next page once the marketer is removed, with nothing written since', async () => {
    const { rep, marketer, read, rest } = await exportStarted('Busy rep', 'Leaving marketer');
    const removed = await ws.call('DELETE', `/api/v1/members/${marketer.id}`, { token: ws.adminToken });
    expect(removed.status).toBe(204);
    const later = await verdicts(rep.token, CSV_PAGE_ROWS);
    await expect(rest()).rejects.toMatchObject({ status: 401 });
    expect(later.filter((id) => read.csv.includes(id))).toEqual([]);
  });
});
