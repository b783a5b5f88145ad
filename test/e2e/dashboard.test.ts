import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeedbackPage } from '../../lib/protocol';
import { VERDICTS } from '../../lib/protocol/constants';
import { deliverWebhooks } from '../../workspace/webhook';
import { feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { CHROMIUM } from './harness/paths';

let ws: TestWorkspace;
let browser: Browser;
let page: Page;
let rep: { id: string; token: string };

beforeAll(async () => {
  ws = await startTestWorkspace('pglite', { webhookIntervalMs: 3_600_000 });
  await ws.call('PATCH', '/api/v1/workspace', {
    token: ws.adminToken,
    body: { regions: ['DACH', 'Iberia'] },
  });
  rep = await ws.join('rep', 'Ana Ruiz', 'Iberia');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await ws?.destroy();
});

/** A new page of the dashboard with the workspace's admin signed in through a join link of theirs. */
async function adminSignedIn(): Promise<Page> {
  const admin = await browser.newPage();
  const adminId = (
    (await (await ws.call('GET', '/api/v1/me', { token: ws.adminToken })).json()) as {
      member: { id: string };
    }
  ).member.id;
  const code = await ws.call('POST', `/api/v1/members/${adminId}/codes`, { token: ws.adminToken });
  await admin.goto(((await code.json()) as { joinUrl: string }).joinUrl);
  return admin;
}

describe('the marketing dashboard in Chromium', () => {
  it('signs a marketer in with a join link and shows the campaigns page', async () => {
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Mara Jensen', role: 'marketer' },
    });
    const { joinUrl } = (await invite.json()) as { joinUrl: string };
    await page.goto(joinUrl);
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(page.url()).toBe(`${ws.url}/`);
    await page.getByText('Mara Jensen (marketer)').waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'sameroom_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('asks before a join link replaces the session this browser has, and leaves the code unspent when the marketer stays', async () => {
    // A colleague's link (an insider's login CSRF): its code signs in whoever it was made for.
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Pat Other', role: 'marketer' },
    });
    const { joinUrl, member } = (await invite.json()) as { joinUrl: string; member: { id: string } };
    await page.goto(joinUrl);
    await page
      .getByText(/^This browser is signed in as Mara Jensen \(marketer\)\. The join link would sign in/)
      .waitFor();
    await page.getByRole('button', { name: 'Stay signed in as Mara Jensen' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.getByText('Mara Jensen (marketer)').waitFor();
    // The code is still good for the one it was made for, in a browser of their own.
    const theirs = await browser.newContext();
    try {
      const other = await theirs.newPage();
      await other.goto(joinUrl);
      await other.getByText('Pat Other (marketer)').waitFor();
      // Asked in their browser too, and switching there signs in with the link's next code.
      const again = await ws.call('POST', `/api/v1/members/${member.id}/codes`, {
        token: ws.adminToken,
      });
      await other.goto(((await again.json()) as { joinUrl: string }).joinUrl);
      await other.getByRole('button', { name: 'Sign in with the link instead' }).click();
      await other.getByRole('heading', { name: 'Campaigns' }).waitFor();
      await other.getByText('Pat Other (marketer)').waitFor();
    } finally {
      await theirs.close();
    }
  });

  it('writes a brief, shows what is missing, keeps what was typed, and derives break-even', async () => {
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Hannover Messe 2026');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    await page.getByRole('alert').getByText('Some fields need attention').waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Hannover Messe 2026');

    await page.getByLabel('Status').selectOption('active');
    await page.getByLabel('Channel').fill('Trade show');
    // A region that is none of the workspace's is named beside the field, with the one meant.
    await page.getByLabel('Regions').fill('DACH\ndach');
    expect(await page.getByLabel('Regions').evaluate((field) => field.getAttribute('aria-describedby'))).toBe(
      'h-regions',
    );
    await page
      .locator('#h-regions')
      .getByText('Not among them: “dach” (did you mean “DACH”?) (an admin adds regions in Team).')
      .waitFor();
    await page.getByLabel('Regions').fill('DACH');
    await page.getByLabel('Objective').fill('Book site assessments with plant managers.');
    await page.getByLabel('Talking points').fill('Zero-downtime install\nPayback under 14 months');
    await page.getByLabel('Budget').fill('120000');
    await page.getByLabel('Average deal value').fill('25000');
    await page.getByLabel('Gross margin (%)').fill('40');
    await page.getByText('Derived break-even: ⌈120,000 EUR ÷ (25,000 EUR × 40 %)⌉ = 12 sales').waitFor();
    await page.getByLabel('utm_campaign values').fill('hm26');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    await page.getByRole('link', { name: 'Hannover Messe 2026' }).waitFor();
    await page.getByText('0 of 12 sales needed').waitFor();
    // A campaign address that names no campaign (mistyped, cut off) says so, with the way back.
    await page.goto(`${ws.url}/campaigns/hannover`);
    await page.getByRole('heading', { name: 'Campaign not found' }).waitFor();
    await page.getByRole('button', { name: 'Back to the campaigns' }).click();
    await page.getByRole('link', { name: 'Hannover Messe 2026' }).waitFor();
  });

  it("shows a rep's feedback in the matrix, drills down to it, and sends a reply the rep pulls", async () => {
    const campaigns = (await (await ws.call('GET', '/api/v1/campaigns', { token: rep.token })).json()) as {
      campaigns: Array<{ id: string }>;
    };
    const campaignId = campaigns.campaigns[0]!.id;
    const item = feedbackItem({
      id: randomUUID(),
      campaignId,
      verdict: 'tire_kicker',
      note: '=SUM(A1) asked only about price',
      region: 'Iberia',
    });
    await ws.call('POST', '/api/v1/feedback', { token: rep.token, body: { items: [item] } });

    await page.getByRole('link', { name: 'Feedback', exact: true }).click();
    const cell = page.getByRole('button', { name: '1 Tire-kicker (price only) on Hannover Messe 2026' });
    await cell.click();
    await page.getByText('=SUM(A1) asked only about price').waitFor();
    await page.getByLabel('Reply to Ana Ruiz').fill('Thanks — we are testing a price-first landing page.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page
      .getByRole('list', { name: 'Replies' })
      .getByText('Thanks — we are testing a price-first landing page.')
      .waitFor();
    // The keyboard's place is kept: a button that was busy is not disabled, which sent focus to the page.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send reply');

    const pulled = readFeedbackPage(
      await (await ws.call('GET', '/api/v1/feedback?mine=1&since=0', { token: rep.token })).json(),
    );
    expect(pulled.ok && pulled.items[0]?.replies.map((r) => [r.author.name, r.text])).toEqual([
      ['Mara Jensen', 'Thanks — we are testing a price-first landing page.'],
    ]);

    // The address names the clicked count: reloaded (or shared), the page shows its list; Back leaves it.
    expect(new URL(page.url()).search).toBe(`?campaign=${campaignId}&verdict=tire_kicker`);
    await page.reload();
    await page.getByText('=SUM(A1) asked only about price').waitFor();
    // The count's own export: its leads by their latest verdict, not every verdict under the filters.
    const [cellCsv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export these leads (CSV)' }).click(),
    ]);
    const leads = readFileSync((await cellCsv.path())!, 'utf8');
    expect(leads).toContain("'=SUM(A1) asked only about price");
    for (const verdict of VERDICTS.filter((v) => v !== 'tire_kicker'))
      expect(leads).not.toContain(`,${verdict},`);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await expect.poll(() => page.getByText('=SUM(A1) asked only about price').count()).toBe(0);
    await cell.waitFor();

    await page.getByLabel('Region').selectOption('DACH');
    await page.getByText('Leads by their latest verdict').waitFor();
    await expect.poll(() => cell.count()).toBe(0);
  });

  it('exports CSV with formula cells neutralised', async () => {
    await page.getByLabel('Region').selectOption('');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export all verdicts (CSV)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    // The file starts with the UTF-8 byte order mark, which Excel needs to read it as UTF-8.
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFid,created_at,campaign_id,verdict/);
    expect(csv).toContain("'=SUM(A1) asked only about price");
  });

  it('gives a reader in Spain the file their Excel opens as columns: semicolons, decimal commas', async () => {
    // The browser speaks Spanish (Spain), as the system's region does: Excel's list separator is ';'.
    const spanish = await browser.newContext({ locale: 'es-ES' });
    try {
      await spanish.addCookies(await page.context().cookies());
      const reader = await spanish.newPage();
      await reader.goto(page.url());
      const link = reader.getByRole('link', { name: 'Exportar todos los veredictos (CSV)' });
      expect(await link.getAttribute('title')).toMatch(/punto y coma/);
      const [download] = await Promise.all([reader.waitForEvent('download'), link.click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFid;created_at;campaign_id;verdict;region;rep;crm/);
      expect(csv).toContain("'=SUM(A1) asked only about price");
    } finally {
      await spanish.close();
    }
  });

  it('says on the page why an export failed (the session ended), and saves no file', async () => {
    const cookies = await page.context().cookies();
    await page.context().clearCookies();
    const downloads: unknown[] = [];
    const saved = (download: unknown) => downloads.push(download);
    page.on('download', saved);
    try {
      await page.getByRole('link', { name: 'Export all verdicts (CSV)' }).click();
      await page.getByRole('alert').filter({ hasText: 'Your session has ended' }).waitFor();
      await page.waitForTimeout(500);
      expect(downloads).toEqual([]);
    } finally {
      page.off('download', saved);
      await page.context().addCookies(cookies);
    }
    // Signed in again: the same link saves the file, and the words go.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export all verdicts (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('sameroom-feedback.csv');
    await expect.poll(() => page.getByText('Your session has ended').count()).toBe(0);
  });

  it('lets an admin revoke one of a rep’s linked browsers, after which that browser’s token is refused', async () => {
    const admin = await adminSignedIn();
    try {
      await admin.getByRole('link', { name: 'Team', exact: true }).click();
      const row = admin.getByRole('row').filter({ hasText: 'Ana Ruiz' });
      await row.getByRole('button', { name: 'Linked browsers' }).click();
      const list = admin.getByRole('region', { name: 'Linked browsers of Ana Ruiz' });
      await list.getByText('Sameroom extension').waitFor();
      expect((await ws.call('GET', '/api/v1/me', { token: rep.token })).status).toBe(200);
      admin.once('dialog', (dialog) => void dialog.accept());
      await list.getByRole('button', { name: /^Revoke Sameroom extension/ }).click();
      await list.getByText('No linked browsers').waitFor();
      expect((await ws.call('GET', '/api/v1/me', { token: rep.token })).status).toBe(401);
    } finally {
      await admin.close();
    }
  });

  it('tells an admin under the team webhook that its messages are refused and lost, and a new address starts afresh', async () => {
    const admin = await adminSignedIn();
    try {
      await admin.getByRole('link', { name: 'Team', exact: true }).click();
      const field = admin.getByLabel('Slack-compatible webhook for new feedback');
      await field.fill('https://8.8.8.8/services/gone');
      await admin.getByRole('button', { name: 'Save webhook' }).click();
      const status = admin.getByRole('list', { name: 'What became of its messages' });
      await status.getByText('No message delivered to this address yet.').waitFor();
      // A verdict whose message the chat app refuses at every try (its webhook deleted on its side).
      const sent = await ws.call('POST', '/api/v1/feedback', {
        token: (await ws.join('rep', 'Webhook Rep')).token,
        body: { items: [feedbackItem({ id: randomUUID(), campaignId: null })] },
      });
      expect(sent.status).toBe(200);
      const gone = async () => ({ status: 404, retryAfterSeconds: null });
      await deliverWebhooks(ws.db, { post: gone });
      await admin.reload();
      await status.getByText('1 message waiting to be sent.').waitFor();
      await status.getByText(/^Last refused \(.+\): HTTP 404$/).waitFor();
      await ws.db.query('UPDATE webhook_queue SET attempts = 11, next_attempt_at = now()');
      await deliverWebhooks(ws.db, { post: gone });
      await admin.reload();
      await status
        .getByText("1 verdict's message was not delivered since this address was saved", { exact: false })
        .waitFor();
      expect(await status.getByText(/waiting to be sent/).count()).toBe(0);
      // The admin fixes the address: its status starts afresh.
      await field.fill('https://8.8.8.8/services/new');
      await admin.getByRole('button', { name: 'Save webhook' }).click();
      await expect
        .poll(() => status.getByRole('listitem').allTextContents())
        .toEqual(['No message delivered to this address yet.']);
      await field.fill('');
      await admin.getByRole('button', { name: 'Save webhook' }).click();
      await expect.poll(() => status.count()).toBe(0);
    } finally {
      await admin.close();
    }
  });

  it('signs out, after which the dashboard asks for a join link', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are not signed in').waitFor();
    await page.reload();
    await page.getByText('You are not signed in').waitFor();
  });
});
