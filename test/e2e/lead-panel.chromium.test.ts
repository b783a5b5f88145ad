import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { briefInput } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, launchChromium } from './harness/chromium';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { panelAside, renderRecordInPlace } from './harness/panel';

let server: FixtureServer;
let ws: TestWorkspace;
let chromium: ChromiumSession;
let page: Page;
let hannoverId: string;
let marketerToken: string;

beforeAll(async () => {
  server = await startFixtureServer();
  ws = await startTestWorkspace('pglite');
  const marketer = await ws.join('marketer', 'Mara Jensen');
  marketerToken = marketer.token;
  const post = async (body: unknown) =>
    (
      (await (await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body })).json()) as {
        id: string;
      }
    ).id;
  hannoverId = await post(
    briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
  );
  await post(
    briefInput({
      name: 'Partner referrals Q4',
      keyMessage: 'Your partner already vouched for us.',
      match: { campaignIds: ['7015g000000XyZaAAK'], utmCampaigns: [], leadSources: [], keywords: [] },
    }),
  );
  chromium = await launchChromium({ hosts: server.hosts, port: server.port });
  page = await chromium.context.newPage();
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy().catch(() => undefined); // the last test stops the workspace itself
  await server?.close();
});

const panel = () => panelAside(page);

/** The lead the page's content script holds, asked as the background asks it. */
async function heldLead(): Promise<unknown> {
  const worker = chromium.context.serviceWorkers()[0]!;
  return worker.evaluate(async (url) => {
    const { tabs } = (
      globalThis as unknown as {
        chrome: {
          tabs: {
            query(query: object): Promise<Array<{ id?: number; url?: string }>>;
            sendMessage(tabId: number, message: unknown, options: object): Promise<unknown>;
          };
        };
      }
    ).chrome;
    const tab = (await tabs.query({})).find((candidate) => candidate.url === url);
    return tabs.sendMessage(tab!.id!, { sameroom: 'lead' }, { frameId: 0 });
  }, page.url());
}

describe('Chromium: a rep links Sameroom and sees the campaign on Salesforce lead pages', () => {
  it('tells an unlinked rep how to link', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect.poll(async () => (await panel()).textContent()).toContain('Not linked to a workspace');
  });

  it('refuses a malformed join link in Options with words, keeping what was typed', async () => {
    const options = await chromium.context.newPage();
    await options.goto(`chrome-extension://${chromium.extensionId}/options.html`);
    await options.getByLabel('Join link').fill('http://example.com/join#abc');
    await options.getByRole('button', { name: 'Link' }).click();
    await options.getByRole('alert').getByText('must use HTTPS').waitFor();
    expect(await options.getByLabel('Join link').inputValue()).toBe('http://example.com/join#abc');
    await options.close();
  });

  it('links with a join link in Options and says as whom', async () => {
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Ana Ruiz', role: 'rep', region: 'Iberia' },
    });
    const { joinUrl } = (await invite.json()) as { joinUrl: string };
    const options = await chromium.context.newPage();
    await options.goto(`chrome-extension://${chromium.extensionId}/options.html`);
    await options.getByLabel('Join link').fill(joinUrl);
    await options.getByRole('button', { name: 'Link' }).click();
    await options.getByText('Linked to Sameroom workspace as Ana Ruiz (rep)').waitFor();
    await options.close();
    // The lead page left open since it said "Not linked" shows its campaign, without a reload.
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent(), { timeout: 10_000 })
      .toBe('Hannover Messe 2026');
  });

  it('shows the brief of the campaign the lead came from, and why', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    const text = await (await panel()).textContent();
    expect(text).toContain('Matched by utm_campaign “hm26”.');
    expect(text).toContain('Retrofit without stopping the line.');
    expect(text).toContain('0 of 12 sales needed');
    // Docked at the right edge over the page, full height, like VS Code's side bar.
    const box = await (await panel()).boundingBox();
    const viewport = page.viewportSize()!;
    expect(box && Math.round(box.x + box.width)).toBe(viewport.width);
    expect(box?.y).toBe(0);
    expect(box?.height).toBe(viewport.height);
    expect(await (await panel()).evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/system-ui/);
  });

  it('is made wider by dragging its left edge, and keeps that width after a reload', async () => {
    const host = page.locator('sameroom-panel');
    const before = (await host.boundingBox())!;
    // The handle is the panel's leftmost few pixels (in its closed shadow root: reached by the mouse).
    await page.mouse.move(before.x + 2, 300);
    await page.mouse.down();
    await page.mouse.move(before.x - 50, 300, { steps: 5 });
    await page.mouse.move(before.x - 100, 300, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => Math.round((await host.boundingBox())!.width))
      .toBe(Math.round(before.width) + 100);
    await page.reload();
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    expect(Math.round((await host.boundingBox())!.width)).toBe(Math.round(before.width) + 100);
    // The frame takes the pointer again after the drag: a click in it reaches the view.
    const fold = (await panel()).locator('button.sr-fold').first();
    const open = await fold.getAttribute('aria-expanded');
    const box = (await fold.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => fold.getAttribute('aria-expanded')).not.toBe(open);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => fold.getAttribute('aria-expanded')).toBe(open);
    // Back to where it was, for the tests after this one.
    const wide = (await host.boundingBox())!;
    await page.mouse.move(wide.x + 2, 300);
    await page.mouse.down();
    await page.mouse.move(wide.x + 100, 300, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => Math.round((await host.boundingBox())!.width))
      .toBe(Math.round(before.width));
  });

  it("keeps keys typed in the panel from the CRM's keyboard shortcuts, and is usable by keyboard", async () => {
    await page.evaluate(() => {
      (window as unknown as { crmKeys: string[] }).crmKeys = [];
      document.addEventListener('keydown', (event) =>
        (window as unknown as { crmKeys: string[] }).crmKeys.push(event.key),
      );
    });
    const separator = (await panel()).getByRole('separator', { name: 'Resize the Sameroom panel' });
    const before = Number(await separator.getAttribute('aria-valuenow'));
    await separator.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('j');
    await expect.poll(async () => Number(await separator.getAttribute('aria-valuenow'))).toBe(before + 16);
    expect(await page.evaluate(() => (window as unknown as { crmKeys: string[] }).crmKeys)).toEqual([]);
    await (await panel()).getByRole('button', { name: 'Collapse the Sameroom panel' }).press('Enter');
    await (await panel()).getByRole('button', { name: 'Expand the Sameroom panel' }).press('Enter');
    await (await panel()).getByRole('button', { name: 'Collapse the Sameroom panel' }).waitFor();
  });

  it('follows the single-page app to another record and shows its campaign; nothing on a list view', async () => {
    // As Lightning does: render the next record in place, then move the URL.
    await renderRecordInPlace(
      page,
      server.html('salesforce-lightning/opportunity'),
      '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view',
    );
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Partner referrals Q4');
    expect(await (await panel()).textContent()).toContain(
      'Matched by the CRM campaign id “7015g000000XyZaAAK”.',
    );
    expect(await page.locator('sameroom-panel').count()).toBe(1);
    await page.evaluate(() => history.pushState({}, '', '/lightning/o/Lead/list?filterName=Recent'));
    await page.locator('sameroom-panel').waitFor({ state: 'detached' });
  });

  it('reads a record the CRM renders only after the URL changed', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    const opportunity = server.html('salesforce-lightning/opportunity');
    await page.evaluate((html) => {
      for (const child of [...document.body.children]) if (child.tagName !== 'SAMEROOM-PANEL') child.remove();
      history.pushState({}, '', '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view');
      // Lightning fetches the record, then renders it a moment later.
      setTimeout(() => {
        document.body.prepend(...new DOMParser().parseFromString(html, 'text/html').body.children);
      }, 700);
    }, opportunity);
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent(), { timeout: 5_000 })
      .toBe('Partner referrals Q4');
  });

  it('stays on the record when the rep cancels leaving it for another record’s page', async () => {
    const heading = async () => (await panel()).locator('h2').first().textContent();
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect.poll(heading).toBe('Hannover Messe 2026');
    // An unsaved edit: the CRM asks before the page is left, and the rep chooses to stay.
    await page.evaluate((href) => {
      addEventListener('beforeunload', (event) => event.preventDefault());
      const away = Object.assign(document.createElement('a'), { href, id: 'away', textContent: 'Wind deal' });
      document.body.prepend(away);
    }, server.url('salesforce-lightning/opportunity'));
    const prompted = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))),
    );
    await page.click('#away', { noWaitAfter: true });
    expect(await prompted).toBe('beforeunload');
    await page.waitForTimeout(500);
    expect(page.url()).toBe(server.url('salesforce-lightning/lead'));
    // The lead the content script holds (and would tell the background): still this one.
    const held = await heldLead();
    expect((held as { lead: { recordId: string } }).lead.recordId).toBe('00Q5g00000A1b2cEAB');
    await expect.poll(heading).toBe('Hannover Messe 2026');
  });

  it('stays on the record when the page itself cancels a move within the app', async () => {
    const heading = async () => (await panel()).locator('h2').first().textContent();
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect.poll(heading).toBe('Hannover Messe 2026');
    // The content script is told of a move as it starts (the Navigation API's "navigate", inside
    // pushState); a page's own listener may cancel it after, and the address then never moves.
    const moved = await page.evaluate(() => {
      const navigation = (window as unknown as { navigation: EventTarget }).navigation;
      navigation.addEventListener('navigate', (event) => event.preventDefault(), { once: true });
      history.pushState({}, '', '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view');
      return location.pathname;
    });
    expect(moved).toBe('/lightning/r/Lead/00Q5g00000A1b2cEAB/view');
    await page.waitForTimeout(300);
    expect(((await heldLead()) as { lead: { recordId: string } }).lead.recordId).toBe('00Q5g00000A1b2cEAB');
    await expect.poll(heading).toBe('Hannover Messe 2026');
  });

  it('comes back when a site replaces its whole body on each move, as Turbo Drive does', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    await page.evaluate((html) => {
      document.body.replaceWith(new DOMParser().parseFromString(html, 'text/html').body);
      history.pushState({}, '', '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view');
    }, server.html('salesforce-lightning/opportunity'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Partner referrals Q4');
    expect(await page.locator('body > sameroom-panel').count()).toBe(1);
  });

  it('shows a change to the brief after a refresh', async () => {
    const patched = await ws.call('PATCH', `/api/v1/campaigns/${hannoverId}`, {
      token: marketerToken,
      body: { keyMessage: 'Retrofit over one weekend.' },
    });
    expect(patched.status).toBe(200);
    // The cache is fresh for 10 s; after that a lead page revalidates it by ETag.
    await page.waitForTimeout(10_500);
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).textContent(), { timeout: 10_000 })
      .toContain('Retrofit over one weekend.');
  });

  it('offers the campaigns to pick from when nothing matches, and remembers the pick', async () => {
    await page.goto(server.url('salesforce-lightning/contact-localised'));
    await expect.poll(async () => (await panel()).textContent()).toContain('No campaign matched this lead');
    expect(await (await panel()).locator('dl').textContent()).toContain('Messe');
    await (await panel())
      .getByLabel('Campaign for this lead')
      .selectOption({ label: 'Partner referrals Q4 — Trade show' });
    await (await panel()).getByRole('button', { name: 'Use this campaign' }).click();
    await expect
      .poll(async () => (await panel()).textContent())
      .toContain('You picked this campaign for this record.');
    await page.reload();
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Partner referrals Q4');
  });

  it('keeps showing the cached brief, with its age, when the workspace is down', async () => {
    await ws.close();
    await page.waitForTimeout(10_500);
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).textContent(), { timeout: 15_000 })
      .toContain('Offline — showing campaigns as of');
    expect(await (await panel()).locator('h2').first().textContent()).toBe('Hannover Messe 2026');
  });
});
