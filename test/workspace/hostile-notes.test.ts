import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, readFeedbackPage } from '../../lib/protocol';
import { webhookText } from '../../workspace/webhook';
import { feedbackItem } from '../support/examples';
import { HOSTILE } from '../support/hostile-strings';
import { startTestWorkspace, type TestWorkspace } from './harness';

/** RFC 4180 rows: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

// Notes as a careless or hostile rep might type them, cut to what the protocol accepts. A NUL is refused
// at the door (its own test below); everything else is stored as typed.
const NOTES = Object.entries(HOSTILE)
  .filter(([name]) => name !== 'nul')
  .map(([name, text]) => [name, text.slice(0, LIMITS.note)] as const);

describe('hostile notes through the workspace', () => {
  let ws: TestWorkspace;
  let rep: { id: string; token: string };
  let marketer: { id: string; token: string };
  const ids = new Map<string, string>();

  beforeAll(async () => {
    ws = await startTestWorkspace('pglite');
    rep = await ws.join('rep', '<b>Ana</b> "Ruiz"', 'Iberia');
    marketer = await ws.join('marketer');
    const items = NOTES.map(([name, note], n) => {
      const id = randomUUID();
      ids.set(name, id);
      return feedbackItem({
        id,
        campaignId: null,
        note,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: `${n}` },
        createdAt: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
      });
    });
    const answer = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items } });
    const { results } = (await answer.json()) as { results: Array<{ status: string; error?: string }> };
    expect(results.map((r) => r.error ?? r.status)).toEqual(Array(NOTES.length).fill('created'));
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  it('a note with a NUL is refused as invalid, saying why, and nothing is stored', async () => {
    const item = feedbackItem({
      id: randomUUID(),
      campaignId: null,
      note: HOSTILE.nul,
      lead: { crm: 'hubspot', objectType: 'contact', recordId: 'nul' },
    });
    const answer = await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items: [item] } });
    expect(((await answer.json()) as { results: unknown[] }).results).toEqual([
      { id: item.id, status: 'invalid', error: 'note: must be readable text (no NUL or broken characters)' },
    ]);
  });

  it('come back from the API as typed (trimmed, as every text field is)', async () => {
    const page = readFeedbackPage(
      await (await ws.call('GET', '/api/v1/feedback', { token: marketer.token })).json(),
    );
    expect(page.ok).toBe(true);
    const byId = new Map(page.ok ? page.items.map((item) => [item.id, item.note]) : []);
    for (const [name, note] of NOTES) expect(byId.get(ids.get(name)!), name).toBe(note.trim());
  });

  it.each(NOTES)(
    '%s: the CSV keeps every row in shape, each note in its own cell, shown as text',
    async (name, note) => {
      const csv = await (
        await ws.call('GET', '/api/v1/feedback?format=csv', { token: marketer.token })
      ).text();
      const [header, ...rows] = parseCsv(csv);
      for (const row of rows) expect(row).toHaveLength(header!.length);
      const row = rows.find((r) => r[header!.indexOf('id')] === ids.get(name))!;
      const cell = row[header!.indexOf('note')]!;
      // A spreadsheet shows it as typed; one that starts like a formula is kept from running.
      const stored = note.trim();
      expect(cell).toBe(/^[=+\-@\t\r]/.test(stored) ? `'${stored}` : stored);
    },
  );

  it.each(NOTES)(
    '%s: the chat message carries it as text, with no markup or mention Slack would act on',
    (_, note) => {
      const text = webhookText({
        verdict: 'good_fit',
        note,
        region: '<!channel>',
        rep: '<@U123>',
        campaign: '<http://evil|x>',
      });
      const body = text.split('\n> ').slice(1).join('\n> ');
      // Slack's own control sequences are <…>: none may come through from any field.
      expect(text).not.toMatch(/<[^>]*>/);
      expect(
        body.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\n> /g, '\n'),
      ).toBe(note);
    },
  );
});
