import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { CRM_MATCHES } from '../lib/crm';
import { hostResolverRules, launchChromium, linkInOptions } from '../test/e2e/harness/chromium';
import { startFixtureServer } from '../test/e2e/harness/fixture-server';
import { CHROMIUM } from '../test/e2e/harness/paths';
import { briefInput } from '../test/support/examples';
import { startTestWorkspace } from '../test/workspace/harness';
import type { BenchRow } from './row';

const NAVIGATIONS = 30;

/** Installed before the page's own scripts: notes when the panel's brief heading shows a given text. */
const WATCH_BRIEF = `
  window.__briefShown = (name) => new Promise((resolve) => {
    const check = () => {
      const heading = document.querySelector('sameroom-panel')?.shadowRoot?.querySelector('h2');
      if (heading && heading.textContent === name) { resolve(performance.now()); return true; }
      return false;
    };
    if (check()) return;
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    observer.observe(document, { subtree: true, childList: true, characterData: true });
    const host = () => document.querySelector('sameroom-panel')?.shadowRoot;
    const timer = setInterval(() => {
      const root = host();
      if (root) { clearInterval(timer); observer.observe(root, { subtree: true, childList: true, characterData: true }); check(); }
    }, 1);
  });
`;

/** A page that changes its DOM all the time, as CRMs with live feeds and timers do. */
const CHURN = `
  setInterval(() => {
    const feed = document.getElementById('churn') ?? document.body.appendChild(Object.assign(document.createElement('ul'), { id: 'churn' }));
    const item = document.createElement('li');
    item.textContent = 'Activity ' + Date.now();
    feed.prepend(item);
    if (feed.children.length > 50) feed.lastElementChild.remove();
    document.title = 'Lead ' + (Date.now() % 1000);
  }, 16);
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.startTime); }).observe({ type: 'longtask', buffered: true });
`;

function quantiles(values: number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { median: at(0.5), p95: at(0.95) };
}

/** Long tasks in a new tab on a churning lead page: while it loads (first 2 s) and while it churns (next 6 s). */
async function longTasks(
  page: import('playwright-core').Page,
  url: string,
): Promise<{ load: number; churn: number }> {
  await page.addInitScript(CHURN);
  await page.goto(url);
  await page.waitForTimeout(8_000);
  const starts = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  return { load: starts.filter((t) => t < 2_000).length, churn: starts.filter((t) => t >= 2_000).length };
}

export async function leadPanelRows(): Promise<BenchRow[]> {
  const server = await startFixtureServer();
  const ws = await startTestWorkspace('pglite');
  const browser = await launchChromium({ hosts: server.hosts, port: server.port });
  try {
    const marketer = await ws.join('marketer');
    const rules = (campaignIds: string[], utmCampaigns: string[]) => ({
      campaignIds,
      utmCampaigns,
      leadSources: [],
      keywords: [],
    });
    await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ match: rules([], ['hm26']) }),
    });
    await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ name: 'Partner referrals Q4', match: rules(['7015g000000XyZaAAK'], []) }),
    });
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Bench', role: 'rep' },
    });
    const { joinUrl } = (await invite.json()) as { joinUrl: string };
    await linkInOptions(browser, joinUrl);

    const page = await browser.context.newPage();
    await page.addInitScript(WATCH_BRIEF);
    const lead = server.url('salesforce-lightning/lead');
    // First load: from the record's page being parsed (DOMContentLoaded) to the brief on screen.
    const firstLoad: number[] = [];
    for (let n = 0; n < NAVIGATIONS + 3; n++) {
      await page.goto(lead);
      const shown = await page.evaluate(() =>
        (window as unknown as { __briefShown: (n: string) => Promise<number> }).__briefShown(
          'Hannover Messe 2026',
        ),
      );
      const rendered = await page.evaluate(
        () =>
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
            .domContentLoadedEventEnd,
      );
      if (n >= 3) firstLoad.push(shown - rendered);
    }
    // SPA lead → lead: the next record rendered in place, then the URL moves; to the brief on screen.
    const spa: number[] = [];
    const pages = [
      {
        html: server.html('salesforce-lightning/opportunity'),
        path: '/lightning/r/Opportunity/0065g00000Qr7StAAJ/view',
        name: 'Partner referrals Q4',
      },
      {
        html: server.html('salesforce-lightning/lead'),
        path: '/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
        name: 'Hannover Messe 2026',
      },
    ];
    for (let n = 0; n < NAVIGATIONS + 2; n++) {
      const next = pages[n % 2]!;
      const elapsed = await page.evaluate(async ({ html, path, name }) => {
        for (const child of [...document.body.children])
          if (child.tagName !== 'SAMEROOM-PANEL') child.remove();
        document.body.prepend(...new DOMParser().parseFromString(html, 'text/html').body.children);
        const started = performance.now();
        history.pushState({}, '', path);
        const shown = await (
          window as unknown as { __briefShown: (n: string) => Promise<number> }
        ).__briefShown(name);
        return shown - started;
      }, next);
      if (n >= 2) spa.push(elapsed);
    }
    const withExtension = await longTasks(await browser.context.newPage(), lead);

    const plain = await playwright.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        `--host-resolver-rules=${hostResolverRules(server.hosts, server.port)}`,
        '--ignore-certificate-errors',
      ],
    });
    const withoutExtension = await longTasks(await plain.newPage(), lead);
    await plain.close();

    // The same CRM pages with an extension whose content script does nothing: what the browser itself
    // costs a new tab to inject any content script, so the row counts only what ours adds to that.
    const emptyDir = mkdtempSync(join(tmpdir(), 'sameroom-empty-extension-'));
    writeFileSync(join(emptyDir, 'empty.js'), '');
    writeFileSync(
      join(emptyDir, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Empty content script',
        version: '1.0',
        content_scripts: [{ matches: [...CRM_MATCHES], js: ['empty.js'], run_at: 'document_idle' }],
      }),
    );
    const empty = await launchChromium({
      hosts: server.hosts,
      port: server.port,
      extension: emptyDir,
      withoutWorker: true,
    });
    const withEmptyScript = await longTasks(await empty.context.newPage(), lead);
    await empty.close();
    rmSync(emptyDir, { recursive: true, force: true });

    const load = quantiles(firstLoad);
    const nav = quantiles(spa);
    return [
      {
        name: 'brief visible after the record renders, first load, median',
        value: load.median,
        unit: 'ms',
        budget: 100,
        better: 'lower',
      },
      {
        name: 'brief visible after the record renders, first load, p95',
        value: load.p95,
        unit: 'ms',
        budget: 100,
        better: 'lower',
      },
      {
        name: 'brief visible after SPA lead → lead, median',
        value: nav.median,
        unit: 'ms',
        budget: 100,
        better: 'lower',
      },
      {
        name: 'brief visible after SPA lead → lead, p95',
        value: nav.p95,
        unit: 'ms',
        budget: 100,
        better: 'lower',
      },
      {
        name: 'extra long tasks (>50 ms) while a lead page churns its DOM, 6 s',
        value: Math.max(0, withExtension.churn - withoutExtension.churn),
        unit: 'tasks',
        budget: 0,
        better: 'lower',
      },
      {
        name: 'extra long tasks (>50 ms) as a new tab loads a lead page, over an empty content script',
        value: Math.max(0, withExtension.load - withEmptyScript.load),
        unit: 'tasks',
        budget: 0,
        better: 'lower',
      },
    ];
  } finally {
    await browser.close();
    await ws.destroy();
    await server.close();
  }
}
