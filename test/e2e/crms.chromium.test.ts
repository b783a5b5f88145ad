import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchCampaign } from '../../lib/campaigns';
import { ADAPTERS } from '../../lib/crm';
import { type Brief, readCampaigns } from '../../lib/protocol';
import { briefInput } from '../support/examples';
import { loadFixtures } from '../support/fixtures';
import { startTestWorkspace, type TestWorkspace } from '../workspace/harness';
import { type ChromiumSession, launchChromium, linkInOptions } from './harness/chromium';
import { type FixtureServer, startFixtureServer } from './harness/fixture-server';
import { panelAside } from './harness/panel';

const fixtures = loadFixtures();
const records = fixtures.filter((f) => f.expect !== null);
const nonRecords = fixtures.filter((f) => f.expect === null);

/** Four briefs whose lead-source rules cover the fixtures' sources, as a team's real briefs would. */
const BRIEFS = [
  ['Trade shows', ['Trade Show', 'Events', 'Salon professionnel', 'Messe']],
  [
    'Digital',
    ['Paid Search', 'Web', 'Organische Suche', 'Email Marketing', 'Paid social', 'Offline Sources'],
  ],
  ['Partners', ['Partner Referral', 'Partner']],
  ['Radio and mail', ['Radio', 'Direct Mail', 'Webinar']],
] as const;

let server: FixtureServer;
let ws: TestWorkspace;
let chromium: ChromiumSession;
let page: Page;
let briefs: Brief[];

beforeAll(async () => {
  server = await startFixtureServer();
  ws = await startTestWorkspace('pglite');
  const marketer = await ws.join('marketer');
  for (const [name, sources] of BRIEFS) {
    await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({
        name,
        match: {
          campaignIds: [],
          utmCampaigns: [],
          keywords: [],
          leadSources: sources.map((value) => ({ value })),
        },
      }),
    });
  }
  const read = readCampaigns(
    await (await ws.call('GET', '/api/v1/campaigns', { token: marketer.token })).json(),
  );
  briefs = read.ok ? read.items : [];
  chromium = await launchChromium({ hosts: server.hosts, port: server.port });
  const invite = await ws.call('POST', '/api/v1/invites', {
    token: ws.adminToken,
    body: { name: 'Ana Ruiz', role: 'rep' },
  });
  const { joinUrl } = (await invite.json()) as { joinUrl: string };
  await linkInOptions(chromium, joinUrl);
  page = await chromium.context.newPage();
});

afterAll(async () => {
  await chromium?.close();
  await ws?.destroy();
  await server?.close();
});

describe('Chromium: every CRM at its real hostname', () => {
  it('covers every adapter', () => {
    expect(new Set(records.map((f) => f.adapterId))).toEqual(new Set(ADAPTERS.map((a) => a.id)));
  });

  it.each(records.map((f) => [`${f.adapterId}/${f.name}`, f] as const))(
    '%s shows the right campaign',
    async (_, fixture) => {
      await page.goto(fixture.url);
      const expected = matchCampaign(briefs, fixture.expect!.signals)?.brief.name;
      const panel = await panelAside(page);
      await expect
        .poll(
          // Bounded, so that a panel without its heading fails the poll with what it shows instead.
          () =>
            panel
              .locator('h2')
              .first()
              .textContent({ timeout: 2_000 })
              .catch(
                async () =>
                  `no heading; the panel says "${await panel.textContent({ timeout: 1_000 }).catch(() => '')}"`,
              ),
          { timeout: 10_000 },
        )
        .toBe(expected ?? 'No campaign matched this lead');
      const label = ADAPTERS.find((a) => a.id === fixture.adapterId)!.label;
      expect(await panel.textContent()).toContain(`${label} · `);
    },
  );

  it.each(nonRecords.map((f) => [`${f.adapterId}/${f.name}`, f] as const))(
    '%s shows nothing',
    async (_, fixture) => {
      await page.goto(fixture.url);
      await page.waitForLoadState('load');
      await page.waitForTimeout(800);
      expect(await page.locator('sameroom-panel').count()).toBe(0);
    },
  );
});
