import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../lib/protocol';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, launchChromium, linkInOptions } from './harness/chromium';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { panelAside, panelFrame } from './harness/panel';

/**
 * The extension's pages and the dashboard as screen-reader and keyboard users meet them, checked by
 * axe-core (Deque's rules, which WCAG audits use) in real Chromium, in the light and the dark scheme. A
 * serious or critical violation fails; the moderate ones are printed, to be weighed by a person.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCHEMES = ['light', 'dark'] as const;
const BLOCKING = new Set(['serious', 'critical']);

let server: FixtureServer;
let ws: TestWorkspace;
let chromium: ChromiumSession;
let page: Page;
let hannoverId: string;
let repJoinUrl: string;
let marketerJoinUrl: string;
/** Violations below serious, by where they were met, for the log. */
const moderate: string[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
  ws = await startTestWorkspace('pglite');
  const marketer = await ws.join('marketer', 'Mara Jensen');
  const post = async (body: unknown) =>
    (
      (await (await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body })).json()) as {
        id: string;
      }
    ).id;
  hannoverId = await post(
    briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
  );
  // Paid for itself after one sale: the dashboard shows a campaign past break-even beside one behind.
  const partnersId = await post(
    briefInput({
      name: 'Partner referrals Q4',
      economics: { ...briefInput().economics, budget: 8_000, spendToDate: 2_000 },
      match: { campaignIds: ['7015g000000XyZaAAK'], utmCampaigns: [], leadSources: [], keywords: [] },
    }),
  );
  const invite = async (name: string, role: 'rep' | 'marketer') => {
    const answer = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name, role, ...(role === 'rep' ? { region: 'DACH' } : {}) },
    });
    return ((await answer.json()) as { joinUrl: string }).joinUrl;
  };
  repJoinUrl = await invite('Ana Ruiz', 'rep');
  marketerJoinUrl = await invite('Lena Vogel', 'marketer');
  // Verdicts from a rep, so that the dashboard's tables and charts have rows to check.
  const rep = await ws.join('rep', 'Jon Berg', 'DACH');
  const verdicts: Array<[string, Verdict]> = [
    [hannoverId, 'good_fit'],
    [hannoverId, 'tire_kicker'],
    [hannoverId, 'won'],
    [hannoverId, 'wrong_audience'],
    [partnersId, 'won'],
    [partnersId, 'good_fit'],
  ];
  await ws.call('POST', '/api/v1/feedback', {
    token: rep.token,
    body: {
      items: verdicts.map(([campaignId, verdict], n) =>
        feedbackItem({
          id: randomUUID(),
          campaignId,
          verdict,
          lead: { crm: 'salesforce', objectType: 'lead', recordId: `00Q5g00000A1b2c${n}AB` },
          createdAt: new Date(Date.now() - n * 86_400_000).toISOString(),
        }),
      ),
    },
  });
  chromium = await launchChromium({ hosts: server.hosts, port: server.port });
  page = await chromium.context.newPage();
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy();
  await server?.close();
  if (moderate.length > 0) console.info(`axe-core, moderate and minor:\n${moderate.join('\n')}`);
});

/**
 * Runs axe-core in `target` (a page, or the panel's frame) in each colour scheme, and returns the
 * serious and critical violations as lines a person can act on: rule, element, what is wrong.
 */
async function violations(page: Page, target: Page | Frame, where: string): Promise<string[]> {
  // The panel's frame is a part of the CRM's page, not a page: axe-core itself leaves its page-level
  // rules (one main landmark, a level-one heading) to the top document when it checks a page's frames.
  const rules =
    target === page
      ? {}
      : { 'landmark-one-main': { enabled: false }, 'page-has-heading-one': { enabled: false } };
  const blocking: string[] = [];
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    // The panel's frame is another process: wait until its document has the scheme, too.
    await expect
      .poll(() => target.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches))
      .toBe(scheme === 'dark');
    // Evaluated, not added as a <script>: the extension's pages allow no inline script.
    if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(AXE_SOURCE);
    const results = (await target.evaluate(
      (rules) =>
        (window as unknown as { axe: { run(options: object): Promise<unknown> } }).axe.run({
          resultTypes: ['violations'],
          rules,
        }),
      rules,
    )) as AxeResults;
    for (const rule of results.violations)
      for (const node of rule.nodes) {
        const line = `[${where}, ${scheme}] ${node.impact} ${rule.id} at ${node.target.join(' ')}: ${
          node.failureSummary?.replace(/\s+/g, ' ') ?? rule.help
        }`;
        if (BLOCKING.has(node.impact ?? '')) blocking.push(line);
        else moderate.push(line);
      }
  }
  return blocking;
}

const panel = () => panelAside(page);

describe('Chromium: the UI passes axe-core’s serious and critical rules, light and dark', () => {
  it('the panel on a lead page, not linked', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect.poll(async () => (await panel()).textContent()).toContain('Not linked to a workspace');
    expect(await violations(page, await panelFrame(page), 'panel, not linked')).toEqual([]);
  });

  it('Options, not linked and linked', async () => {
    const options = await chromium.context.newPage();
    await options.goto(`chrome-extension://${chromium.extensionId}/options.html`);
    await options.getByLabel('Join link').waitFor();
    const found = await violations(options, options, 'options, not linked');
    await linkInOptions(chromium, repJoinUrl);
    await options.getByText(/^Linked to .+ as /).waitFor();
    found.push(...(await violations(options, options, 'options, linked')));
    await options.close();
    expect(found).toEqual([]);
  });

  it('the panel with a matched brief and the verdict bar, its note open', async () => {
    await page.goto(server.url('salesforce-lightning/lead'));
    await expect
      .poll(async () => (await panel()).locator('h2').first().textContent())
      .toBe('Hannover Messe 2026');
    await (await panel()).locator('.sr-verdict__more-toggle').click();
    await (await panel()).getByLabel('Note for marketing (optional)').waitFor();
    expect(await violations(page, await panelFrame(page), 'panel, matched')).toEqual([]);
  });

  it('the panel folded to its strip', async () => {
    await (await panel()).getByRole('button', { name: 'Collapse the Sameroom panel' }).click();
    await (await panel()).getByRole('button', { name: 'Expand the Sameroom panel' }).waitFor();
    expect(await violations(page, await panelFrame(page), 'panel, folded')).toEqual([]);
    await (await panel()).getByRole('button', { name: 'Expand the Sameroom panel' }).click();
  });

  it('the panel with no match, offering the campaigns to pick from', async () => {
    await page.goto(server.url('salesforce-lightning/contact-localised'));
    await (await panel()).getByLabel('Campaign for this lead').waitFor();
    expect(await violations(page, await panelFrame(page), 'panel, campaign picker')).toEqual([]);
  });

  it('the popup', async () => {
    const popup = await chromium.context.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await popup.getByRole('button', { name: 'Send verdict' }).waitFor();
    expect(await violations(popup, popup, 'popup')).toEqual([]);
    await popup.close();
  });

  it('the dashboard: sign-in, campaigns, a brief, feedback and insights', async () => {
    const dashboard = await chromium.context.newPage();
    await dashboard.goto(`${ws.url}/`);
    await dashboard.getByText('You are not signed in').waitFor();
    const found = await violations(dashboard, dashboard, 'dashboard, signed out');
    await dashboard.goto(`${ws.url}/join#not-a-code`);
    await dashboard.getByRole('alert').waitFor();
    found.push(...(await violations(dashboard, dashboard, 'dashboard, join link refused')));
    // Another document: from /join#… to /join#… alone the browser only moves to the other fragment.
    await dashboard.goto('about:blank');
    await dashboard.goto(marketerJoinUrl);
    await dashboard.getByRole('link', { name: 'Hannover Messe 2026' }).waitFor();
    found.push(...(await violations(dashboard, dashboard, 'dashboard, campaigns')));
    await dashboard.goto(`${ws.url}/campaigns/${hannoverId}`);
    await dashboard.getByRole('button', { name: 'Save campaign' }).waitFor();
    found.push(...(await violations(dashboard, dashboard, 'dashboard, brief editor')));
    await dashboard.goto(`${ws.url}/feedback`);
    await dashboard.getByText('Leads by their latest verdict').waitFor();
    found.push(...(await violations(dashboard, dashboard, 'dashboard, feedback')));
    await dashboard.goto(`${ws.url}/insights`);
    await dashboard.locator('.chart').first().waitFor();
    found.push(...(await violations(dashboard, dashboard, 'dashboard, insights')));
    await dashboard.close();
    expect(found).toEqual([]);
  });
});
