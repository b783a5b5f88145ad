import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../lib/protocol';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, closeServiceWorker, launchChromium, linkInOptions } from './harness/chromium';
import { draftNotesInExtension } from './harness/drafts';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { startHoldProxy } from './harness/hold-proxy';
import { panelAside, renderRecordInPlace } from './harness/panel';
import { E2E_DIR } from './harness/paths';

let server: FixtureServer;
let ws: TestWorkspace;
let proxy: Awaited<ReturnType<typeof startHoldProxy>>;
let chromium: ChromiumSession;
let page: Page;
let marketer: { id: string; token: string };
let hannoverId: string;
const profile = mkdtempSync(join(E2E_DIR, 'chromium-verdicts-'));

beforeAll(async () => {
  server = await startFixtureServer();
  proxy = await startHoldProxy(() => ws.url);
  ws = await startTestWorkspace('pglite', { publicUrl: proxy.url });
  marketer = await ws.join('marketer', 'Mara Jensen');
  const created = await ws.call('POST', '/api/v1/campaigns', {
    token: marketer.token,
    body: briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
  });
  hannoverId = ((await created.json()) as { id: string }).id;
  const invite = await ws.call('POST', '/api/v1/invites', {
    token: ws.adminToken,
    body: { name: 'Ana Ruiz', role: 'rep', region: 'Iberia' },
  });
  chromium = await launchChromium({ hosts: server.hosts, port: server.port, profile });
  await linkInOptions(chromium, ((await invite.json()) as { joinUrl: string }).joinUrl);
  page = await chromium.context.newPage();
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy();
  await proxy?.close();
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

const panel = () => panelAside(page);
const status = async () => (await panel()).locator('.sr-verdict__status');

/** Note and region sit behind the verdict bar's "Note" toggle; opens it unless it is open. */
async function openNote(): Promise<void> {
  const toggle = (await panel()).locator('.sr-verdict__more-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

async function received(): Promise<FeedbackRecord[]> {
  const answer = await ws.call('GET', '/api/v1/feedback', { token: marketer.token });
  return ((await answer.json()) as { items: FeedbackRecord[] }).items;
}

/** The toolbar badge: its text, and whether it has the warning colour. */
async function badge(): Promise<{ text: string; warning: boolean }> {
  const [worker] = chromium.context.serviceWorkers();
  return worker!.evaluate(async () => {
    const action = (
      globalThis as unknown as {
        chrome: {
          action: {
            getBadgeText(o: object): Promise<string>;
            getBadgeBackgroundColor(o: object): Promise<number[]>;
          };
        };
      }
    ).chrome.action;
    const [text, colour] = await Promise.all([action.getBadgeText({}), action.getBadgeBackgroundColor({})]);
    return { text, warning: colour[0] === 0xb3 && colour[1] === 0x26 };
  });
}

async function openLead(): Promise<void> {
  await page.goto(server.url('salesforce-lightning/lead'));
  // After the test that makes the campaign a draft and active again, the briefs the extension read while
  // it was a draft stay fresh for 10 s (FRESH_MS, lib/background/campaigns.ts): a lead opened within
  // them shows "No campaign matched this lead", as a rep's would, and nothing asks again until a page
  // does once they are stale (or the sync alarm). Asked again as a rep would: by loading the page again.
  // (Two CI runs on a slow machine opened the lead within those 10 s and waited 5, then 15, in vain.)
  const heading = async () => (await panel()).locator('h2').first().textContent();
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await expect.poll(heading, { timeout: 6_000 }).toBe('Hannover Messe 2026');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.reload();
    }
  }
}

describe('Chromium: one-click verdicts reach the workspace, and replies come back', () => {
  it('sends a verdict clicked on a Salesforce lead: Saved, then Sent; the workspace has it once', async () => {
    await openLead();
    await openNote();
    await (await panel()).getByLabel('Note for marketing (optional)').fill('Only asked for the price list.');
    expect(await (await panel()).getByLabel('Region').inputValue()).toBe('Iberia');
    await (await panel()).getByRole('button', { name: /Tire-kicker/ }).click();
    await expect.poll(async () => (await status()).textContent()).toMatch(/^Saved\. Undo \(\d+ s\)$/);
    expect(await (await panel()).getByLabel('Note for marketing (optional)').inputValue()).toBe('');
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 20_000 })
      .toBe('Sent to the workspace.');
    const items = await received();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      campaignId: hannoverId,
      verdict: 'tire_kicker',
      note: 'Only asked for the price list.',
      region: 'Iberia',
      rep: { name: 'Ana Ruiz' },
      lead: { crm: 'salesforce', objectType: 'lead' },
    });
    expect(await (await panel()).locator('.sr-history').textContent()).toContain('Tire-kicker (price only)');
  });

  it("shows a marketer's reply in the popup and in the panel", async () => {
    const [item] = await received();
    // No panel on the lead while the reply comes: the last test's panel, its History open and its tab
    // visible (headless tabs all are), is pushed the reply the Sync now pulls and rightly marks it seen,
    // which may come before the badge below is read (a CI run met that order; reproduced by a wait).
    await page.goto('about:blank');
    // The popup open, its outbox shown, before the marketer replies: a reply the background pulled
    // before the popup opened (a retry's sync, say) would be shown at opening, and so seen (a CI run
    // met that order).
    const popup = await chromium.context.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await popup.getByText('Every verdict has been sent.').waitFor();
    const reply = await ws.call('POST', `/api/v1/feedback/${item!.id}/replies`, {
      token: marketer.token,
      body: { text: 'Thanks, we will drop the price from the ad.' },
    });
    expect(reply.status).toBe(201);
    await popup.getByRole('button', { name: 'Sync now' }).click();
    await popup.getByText('New replies (1)').waitFor();
    await popup.getByText('Thanks, we will drop the price from the ad.').waitFor();
    await popup.close();
    // Pulled by that Sync now while the popup was open: still new, and the toolbar badge says so.
    const badge = async () => {
      const worker =
        chromium.context.serviceWorkers()[0] ?? (await chromium.context.waitForEvent('serviceworker'));
      return worker.evaluate(async () => {
        type Action = {
          getBadgeText(details: object): Promise<string>;
          getTitle(details: object): Promise<string>;
        };
        const action = (globalThis as unknown as { chrome: { action: Action } }).chrome.action;
        return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
      });
    };
    await expect.poll(badge, { timeout: 10_000 }).toEqual({
      text: '1',
      title: 'Sameroom: new replies from marketing (1)',
    });
    await openLead();
    await expect
      .poll(async () => (await panel()).locator('.sr-history').textContent())
      .toContain('Mara Jensen: Thanks, we will drop the price from the ad.');
    // Read on the lead's panel (its History open): seen, so the badge clears and the popup lists none.
    await expect.poll(badge, { timeout: 10_000 }).toEqual({ text: '', title: 'Sameroom' });
    const again = await chromium.context.newPage();
    await again.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await again.getByText('Every verdict has been sent.').waitFor();
    expect(await again.getByText(/^New replies/).count()).toBe(0);
    await again.close();
  });

  it('sends nothing after Undo within 10 s (a digit key picks the verdict), and gives the note back', async () => {
    await openLead();
    await openNote();
    await (await panel()).getByLabel('Note for marketing (optional)').fill('Signed on the spot!');
    await (await panel()).getByRole('heading', { name: 'Your verdict on this lead' }).click();
    await (await panel()).getByRole('button', { name: /Good fit/ }).focus();
    await page.keyboard.press('7');
    await expect.poll(async () => (await status()).textContent()).toMatch(/^Saved\. Undo/);
    // The keyboard focus stayed on the verdict pressed (a disabled button would have dropped it).
    const won = (await panel()).getByRole('button', { name: /Won/ });
    expect(await won.evaluate((button) => button === document.activeElement)).toBe(true);
    await (await status()).getByRole('button', { name: /Undo/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await status()).textContent()).toContain('nothing was sent');
    // Undo's button is gone: the focus is back on the verdict taken back, not on the page's body.
    expect(await won.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await (await panel()).getByLabel('Note for marketing (optional)').inputValue()).toBe(
      'Signed on the spot!',
    );
    await page.waitForTimeout(12_000);
    expect((await received()).map((item) => item.verdict)).toEqual(['tire_kicker']);
  });

  it('keeps a half-typed note when the rep moves to another record and comes back', async () => {
    await openLead();
    await openNote();
    const note = async () => (await panel()).getByLabel('Note for marketing (optional)');
    await (await note()).fill('Call back after the fair.');
    await renderRecordInPlace(
      page,
      server.html('salesforce-lightning/opportunity'),
      '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view',
    );
    await expect.poll(async () => (await panel()).textContent()).toContain('Salesforce Lightning · Deal');
    await expect.poll(async () => (await note()).inputValue()).toBe('');
    await page.evaluate(() => history.pushState({}, '', '/lightning/r/Lead/00Q5g00000A1b2cEAB/view'));
    await expect.poll(async () => (await note()).inputValue()).toBe('Call back after the fair.');
    await (await note()).fill('');
  });

  it('sends the address of the record moved to within the CRM, not of the one before', async () => {
    await openLead();
    // The content script tells the background within the page's pushState, while the tab's address
    // is still the lead's.
    const path = '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view';
    await renderRecordInPlace(page, server.html('salesforce-lightning/opportunity'), path);
    await expect.poll(async () => (await panel()).textContent()).toContain('Salesforce Lightning · Deal');
    await (await panel()).getByRole('button', { name: /Good fit/ }).click();
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 20_000 })
      .toBe('Sent to the workspace.');
    const sent = (await received()).filter((item) => item.lead.recordId === '0065g00000Qr7StAAJ');
    expect(sent.map((item) => item.lead.url)).toEqual([new URL(path, page.url()).href]);
  });

  it('keeps a half-typed note when the CRM drops the panel and it comes back as a new frame', async () => {
    await openLead();
    await openNote();
    const note = async () => (await panel()).getByLabel('Note for marketing (optional)');
    await (await note()).fill('Ask about the second line.');
    // The CRM re-renders and takes our node with it; the content script puts it back, and the frame
    // loads its page again.
    const before = await (await panel()).evaluate(() => performance.timeOrigin);
    await page.evaluate(() => document.querySelector('sameroom-panel')?.remove());
    await expect.poll(async () => (await panel()).evaluate(() => performance.timeOrigin)).not.toBe(before);
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    await openNote();
    await expect.poll(async () => (await note()).inputValue()).toBe('Ask about the second line.');
    await (await note()).fill('');
  });

  it('lists a verdict the workspace refused in the open popup with the reason; fixed and resent, it arrives', async () => {
    await openLead();
    // Open before the verdict: the refusal shows in it without "Sync now" or opening it again.
    let popup = await chromium.context.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await popup.getByRole('button', { name: 'Sync now' }).waitFor();
    await page.bringToFront();
    await (await panel()).getByRole('button', { name: /Wrong audience/ }).click();
    await expect.poll(async () => (await status()).textContent()).toMatch(/^Saved\./);
    // Made a draft while the verdict waits out its Undo window: the campaign it names is refused when it
    // is sent. (Made a draft before the click, the panel could learn of it first on a loaded machine,
    // show no campaign, and send the verdict without one, which the workspace takes.)
    const setStatus = (status: 'draft' | 'active') =>
      ws.call('PATCH', `/api/v1/campaigns/${hannoverId}`, { token: marketer.token, body: { status } });
    expect((await setStatus('draft')).status).toBe(200);
    try {
      await expect
        .poll(async () => (await status()).textContent(), { timeout: 20_000 })
        .toContain('The workspace did not accept it: campaignId: no such campaign in this workspace');
      expect(await badge()).toEqual({ text: '!', warning: true });
    } finally {
      // Active again even when the above failed: the file's later tests open a lead under it.
      expect((await setStatus('active')).status).toBe(200);
    }
    await popup.getByText('Not accepted (1)').waitFor();
    await popup.getByText('The workspace said: campaignId: no such campaign in this workspace').waitFor();
    await popup
      .locator('.sr-dead')
      .getByLabel('Note for marketing (optional)')
      .fill('Resent after the campaign came back.');
    // Kept in the background's database as it is typed (the popup closes at any click in the page):
    // there again when it opens.
    const [worker] = chromium.context.serviceWorkers();
    await expect
      .poll(() => worker!.evaluate(draftNotesInExtension))
      .toContain('Resent after the campaign came back.');
    await popup.close();
    popup = await chromium.context.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await expect
      .poll(() => popup.locator('.sr-dead').getByLabel('Note for marketing (optional)').inputValue())
      .toBe('Resent after the campaign came back.');
    await popup.getByRole('button', { name: 'Fix and resend' }).click();
    await expect
      .poll(async () => (await received()).filter((item) => item.verdict === 'wrong_audience').length, {
        timeout: 20_000,
      })
      .toBe(1);
    const resent = (await received()).find((item) => item.verdict === 'wrong_audience');
    expect(resent?.note).toBe('Resent after the campaign came back.');
    await popup.close();
    await expect.poll(badge, { timeout: 10_000 }).toEqual({ text: '', warning: false });
  });

  it('with the workspace stopped says Saved, then sends after it returns, with no duplicate', async () => {
    await openLead();
    await ws.close();
    await (await panel()).getByRole('button', { name: /Not ready/ }).click();
    await expect.poll(async () => (await status()).textContent()).toMatch(/^Saved\./);
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 20_000 })
      .toMatch(/^Saved — will retry: /);
    expect(await badge()).toEqual({ text: '1', warning: false });
    ws = await startTestWorkspace('pglite', {
      dataDir: ws.dataDir,
      adminToken: ws.adminToken,
      publicUrl: proxy.url,
    });
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 45_000 })
      .toBe('Sent to the workspace.');
    const notReady = (await received()).filter((item) => item.verdict === 'not_ready');
    expect(notReady).toHaveLength(1);
  });

  it('resumes after its service worker is killed while the answer is held open; nothing lost or doubled', async () => {
    await openLead();
    proxy.hold(true);
    const postsBefore = proxy.feedbackPosts.length;
    await (await panel()).getByRole('button', { name: /Bad contact data/ }).click();
    await expect.poll(async () => (await status()).textContent()).toMatch(/^Saved\./);
    await expect.poll(() => proxy.held.length, { timeout: 20_000 }).toBe(1);
    // The workspace stored the item; the extension never heard so. Now its worker dies.
    expect(await closeServiceWorker(chromium, page)).toBe(true);
    proxy.hold(false);
    proxy.dropHeld();
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 45_000 })
      .toBe('Sent to the workspace.');
    const sent = proxy.feedbackPosts.slice(postsBefore);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent).size).toBe(1); // resent exactly as first sent
    expect((await received()).filter((item) => item.verdict === 'bad_contact')).toHaveLength(1);
  });

  it('saves a verdict clicked as its service worker dies once the worker is back: Saved, stored once', async () => {
    await openLead();
    await openNote();
    const note = 'Clicked as the worker went away.';
    await (await panel()).getByLabel('Note for marketing (optional)').fill(note);
    const button = (await panel()).getByRole('button', { name: /Wrong audience/ });
    // The click lands while the view's port is gone (it reconnects 200 ms later) or on the dying one.
    expect(await closeServiceWorker(chromium, page)).toBe(true);
    await button.click();
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 15_000 })
      .toMatch(/^Saved\. Undo/);
    await expect
      .poll(async () => (await received()).filter((item) => item.note === note).length, { timeout: 45_000 })
      .toBe(1);
    await expect
      .poll(async () => (await status()).textContent(), { timeout: 20_000 })
      .toBe('Sent to the workspace.');
    expect((await received()).filter((item) => item.note === note)).toHaveLength(1);
  });

  it("takes a verdict in the popup's quick form with its worker just gone: Saved, stored once", async () => {
    const popup = await chromium.context.newPage();
    try {
      await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
      const note = 'Quick verdict from the popup.';
      const select = (label: RegExp) => popup.locator('label', { hasText: label }).locator('select');
      await select(/^Campaign/).selectOption(hannoverId);
      // Copied without its scheme, as some address bars give it: taken as https.
      await popup
        .getByLabel("The lead's address in your CRM")
        .fill(server.url('salesforce-lightning/lead').replace(/^https:\/\//, ''));
      await select(/^Verdict/).selectOption('good_fit');
      await popup.getByLabel('Note for marketing (optional)').fill(note);
      expect(await closeServiceWorker(chromium, popup)).toBe(true);
      await popup.getByRole('button', { name: 'Send verdict' }).click();
      await popup.getByText(/^Saved: Good fit\./).waitFor({ timeout: 15_000 });
      await expect
        .poll(async () => (await received()).filter((item) => item.note === note).length, { timeout: 45_000 })
        .toBe(1);
      const [item] = (await received()).filter((entry) => entry.note === note);
      expect(item).toMatchObject({
        campaignId: hannoverId,
        verdict: 'good_fit',
        lead: { crm: 'salesforce' },
      });
      // Its Undo went with its window: the line says so, with no Undo left to click.
      await popup.getByText(/^Saved: Good fit\. Past its Undo/).waitFor({ timeout: 5_000 });
      expect(await popup.getByRole('button', { name: 'Undo' }).count()).toBe(0);
      // A next attempt that fails clears that line: the rep sees the failure alone.
      await popup.getByLabel("The lead's address in your CRM").fill('https://example.com/not-a-record');
      await popup.getByRole('button', { name: 'Send verdict' }).click();
      await popup.getByText(/does not recognise that address/).waitFor({ timeout: 5_000 });
      expect(await popup.getByText(/^Saved:/).count()).toBe(0);
    } finally {
      await popup.close();
    }
  });

  it("keeps an undone verdict's note beside the popup's form through its closing, until dismissed", async () => {
    const note = 'Undone in the popup, its note kept beside the form.';
    const open = async () => {
      const popup = await chromium.context.newPage();
      await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
      return popup;
    };
    const popup = await open();
    await popup
      .locator('label', { hasText: /^Campaign/ })
      .locator('select')
      .selectOption(hannoverId);
    await popup.getByLabel("The lead's address in your CRM").fill(server.url('salesforce-lightning/lead'));
    await popup.getByLabel('Note for marketing (optional)').fill(note);
    await popup.getByRole('button', { name: 'Send verdict' }).click();
    await popup.getByText(/^Saved: Good fit\./).waitFor();
    // The next lead begun, then the first verdict undone: its note goes beside the form, not into it.
    await popup
      .getByLabel("The lead's address in your CRM")
      .fill('https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000Z9y8xEAB/view');
    await popup.getByRole('button', { name: 'Undo' }).click();
    const aside = (page: typeof popup) =>
      page.getByText(`The verdict you undid had this note (the form holds your next one): ${note}`);
    await aside(popup).waitFor();
    // Closed (any click outside does it) and opened again: still there. Before, it was gone for good.
    await popup.close();
    const again = await open();
    await aside(again).waitFor();
    await again.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => aside(again).count()).toBe(0);
    // Dismissed is kept as a keystroke is: once the worker's database has it, the popup may close.
    const [worker] = chromium.context.serviceWorkers();
    await expect
      .poll(() =>
        worker!.evaluate(
          () =>
            new Promise<string>((resolve, reject) => {
              const opened = indexedDB.open('sameroom');
              opened.onerror = () => reject(opened.error);
              opened.onsuccess = () => {
                const read = opened.result.transaction('drafts').objectStore('drafts').get('quick');
                read.onsuccess = () => resolve(String(read.result?.quick?.aside ?? 'none'));
              };
            }),
        ),
      )
      .toBe('none');
    await again.close();
    const third = await open();
    await third.getByRole('button', { name: 'Send verdict' }).waitFor();
    expect(await aside(third).count()).toBe(0);
    await third.getByLabel("The lead's address in your CRM").fill('');
    await third.close();
    expect((await received()).filter((item) => item.note === note)).toHaveLength(0);
  });

  it('keeps a verdict through a SIGKILL of the browser right after Saved, and sends it after relaunch', async () => {
    await openLead();
    await (await panel()).getByRole('button', { name: /Spam/ }).click();
    await expect.poll(async () => (await status()).textContent()).toMatch(/^Saved\./);
    execFileSync('pkill', ['-KILL', '-f', `user-data-dir=${profile}`]);
    await chromium.close().catch(() => undefined);
    expect((await received()).filter((item) => item.verdict === 'spam')).toHaveLength(0);
    chromium = await launchChromium({ hosts: server.hosts, port: server.port, profile });
    await expect
      .poll(async () => (await received()).filter((item) => item.verdict === 'spam').length, {
        timeout: 60_000,
      })
      .toBe(1);
    page = await chromium.context.newPage();
    await openLead();
    expect(await (await panel()).locator('.sr-history').textContent()).toContain('Spam / fake');
  });

  it("gives back a half-typed note and the popup's half-filled form after the browser was SIGKILLed", async () => {
    await openLead();
    await openNote();
    const note = async () => (await panel()).getByLabel('Note for marketing (optional)');
    await (await note()).fill('Wants a demo for the plant in Porto, call Tuesday.');
    const popup = await chromium.context.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    const leadLink = server.url('salesforce-lightning/lead');
    await popup.getByLabel("The lead's address in your CRM").fill(leadLink);
    await popup.getByLabel('Note for marketing (optional)').fill('Met at the booth, price only.');
    await popup
      .locator('label', { hasText: /^Verdict/ })
      .locator('select')
      .selectOption('tire_kicker');
    // Kept once the worker's database has both (the panel writes 150 ms after the last keystroke).
    const [worker] = chromium.context.serviceWorkers();
    await expect
      .poll(() =>
        worker!.evaluate(
          () =>
            new Promise<number>((resolve, reject) => {
              const open = indexedDB.open('sameroom');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const count = open.result.transaction('drafts').objectStore('drafts').count();
                count.onsuccess = () => resolve(count.result);
              };
            }),
        ),
      )
      .toBe(2);
    execFileSync('pkill', ['-KILL', '-f', `user-data-dir=${profile}`]);
    await chromium.close().catch(() => undefined);
    chromium = await launchChromium({ hosts: server.hosts, port: server.port, profile });
    page = await chromium.context.newPage();
    await openLead();
    await openNote();
    await expect
      .poll(async () => (await note()).inputValue())
      .toBe('Wants a demo for the plant in Porto, call Tuesday.');
    const reopened = await chromium.context.newPage();
    await reopened.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    expect(await reopened.getByLabel("The lead's address in your CRM").inputValue()).toBe(leadLink);
    expect(await reopened.getByLabel('Note for marketing (optional)').inputValue()).toBe(
      'Met at the booth, price only.',
    );
    expect(
      await reopened
        .locator('label', { hasText: /^Verdict/ })
        .locator('select')
        .inputValue(),
    ).toBe('tire_kicker');
    // Sent, the popup's draft is gone; emptied, the panel's is.
    await reopened
      .locator('label', { hasText: /^Campaign/ })
      .locator('select')
      .selectOption(hannoverId);
    await reopened.getByRole('button', { name: 'Send verdict' }).click();
    await reopened.getByText(/^Saved: Tire-kicker/).waitFor();
    expect(await reopened.getByLabel("The lead's address in your CRM").inputValue()).toBe('');
    await reopened.close();
    await (await note()).fill('');
  });

  it("dates verdicts by the workspace's time when the browser's clock runs three hours ahead", async () => {
    const hour = 3_600_000;
    // The workspace's answers say it is three hours earlier than this browser's clock does.
    proxy.shiftDate(-3 * hour);
    try {
      // A sync hears the workspace's time (here the popup's Sync now); the link keeps the difference.
      const popup = await chromium.context.newPage();
      await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
      await popup.getByRole('button', { name: 'Sync now' }).click();
      const [worker] = chromium.context.serviceWorkers();
      await expect
        .poll(() =>
          worker!.evaluate(
            () =>
              new Promise<number | undefined>((resolve, reject) => {
                const open = indexedDB.open('sameroom');
                open.onerror = () => reject(open.error);
                open.onsuccess = () => {
                  const read = open.result.transaction('link').objectStore('link').get('current');
                  read.onsuccess = () => resolve((read.result as { clockOffsetMs?: number }).clockOffsetMs);
                };
              }),
          ),
        )
        .toBeLessThan(-3 * hour + 2_000);
      await popup.close();
      await openLead();
      await openNote();
      const note = 'Dated by the workspace.';
      await (await panel()).getByLabel('Note for marketing (optional)').fill(note);
      await (await panel()).getByRole('button', { name: /Good fit/ }).click();
      await expect
        .poll(async () => (await status()).textContent(), { timeout: 20_000 })
        .toBe('Sent to the workspace.');
      const [item] = (await received()).filter((record) => record.note === note);
      // As the workspace's clock has it (the Date header is to the second), not three hours ahead.
      expect(Math.abs(Date.parse(item!.createdAt) - (Date.now() - 3 * hour))).toBeLessThan(60_000);
    } finally {
      proxy.shiftDate(0);
    }
  });

  it('gives one verdict for a key held down: a digit, and Enter on the focused verdict button', async () => {
    await openLead();
    const before = (await received()).filter((record) => record.verdict === 'not_ready').length;
    const notReady = (await panel()).getByRole('button', { name: /Not ready/ });
    await notReady.focus();
    // About a second held, as the keyboard repeats it (Playwright marks each further keydown a repeat),
    // then the verdict sent.
    const hold = async (key: string) => {
      for (let n = 0; n < 30; n++) {
        await page.keyboard.down(key);
        await page.waitForTimeout(33);
      }
      await page.keyboard.up(key);
      await expect
        .poll(async () => (await status()).textContent(), { timeout: 20_000 })
        .toBe('Sent to the workspace.');
    };
    await hold('4');
    await hold('Enter');
    await page.waitForTimeout(1_000);
    // One verdict for each key held, not one per repeat after "Saved".
    expect((await received()).filter((record) => record.verdict === 'not_ready')).toHaveLength(before + 2);
  });
});
