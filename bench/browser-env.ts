import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { type ChromiumSession, launchChromium, linkInOptions } from '../test/e2e/harness/chromium';
import { type FixtureServer, startFixtureServer } from '../test/e2e/harness/fixture-server';
import { startHoldProxy } from '../test/e2e/harness/hold-proxy';
import { panelFrame } from '../test/e2e/harness/panel';
import { E2E_DIR } from '../test/e2e/harness/paths';
import { briefInput } from '../test/support/examples';
import { startTestWorkspace, type TestWorkspace } from '../test/workspace/harness';

/** The two briefs the bench's Salesforce pages match, by the page they match. */
export const LEAD = { fixture: 'salesforce-lightning/lead', brief: 'Hannover Messe 2026' } as const;
export const OPPORTUNITY = {
  fixture: 'salesforce-lightning/opportunity',
  brief: 'Partner referrals Q4',
} as const;

/**
 * What the browser rows share: the saved CRM pages over HTTPS, a workspace with the two briefs (behind
 * a proxy that can refuse connections), and a Chromium profile linked to it once, through Options, as a
 * rep would. `launch()` starts a fresh Chromium on that profile: "after browser start", already linked.
 */
export interface BenchEnv {
  server: FixtureServer;
  ws: TestWorkspace;
  proxy: Awaited<ReturnType<typeof startHoldProxy>>;
  launch(): Promise<ChromiumSession>;
  close(): Promise<void>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const server = await startFixtureServer();
  const proxy = await startHoldProxy(() => ws.url);
  // As `npm start` runs it: with ingest warmed up as it starts (workspace/domain/ingest.ts).
  const ws = await startTestWorkspace('pglite', { publicUrl: proxy.url, warmUp: true });
  const profile = mkdtempSync(join(E2E_DIR, 'chromium-bench-'));
  try {
    const marketer = await ws.join('marketer');
    const rules = (campaignIds: string[], utmCampaigns: string[]) => ({
      campaignIds,
      utmCampaigns,
      leadSources: [],
      keywords: [],
    });
    for (const body of [
      briefInput({ name: LEAD.brief, match: rules([], ['hm26']) }),
      briefInput({ name: OPPORTUNITY.brief, match: rules(['7015g000000XyZaAAK'], []) }),
    ]) {
      const created = await ws.call('POST', '/api/v1/campaigns', { token: marketer.token, body });
      if (!created.ok) throw new Error(`brief not created: ${created.status}`);
    }
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Bench', role: 'rep', region: 'DACH' },
    });
    const { joinUrl } = (await invite.json()) as { joinUrl: string };
    // A busy machine can miss the worker's start within launchChromium's 15 s: try again, twice.
    const launch = async (): Promise<ChromiumSession> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await launchChromium({ hosts: server.hosts, port: server.port, profile });
        } catch (error) {
          if (attempt === 3) throw error;
          console.error(`bench: Chromium did not start (${String(error).split('\n')[0]}); again`);
        }
      }
    };
    const first = await launch();
    try {
      await linkInOptions(first, joinUrl);
    } finally {
      await first.close();
    }
    return {
      server,
      ws,
      proxy,
      launch,
      async close() {
        await ws.destroy();
        await proxy.close();
        await server.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await ws.destroy();
    await proxy.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** The panel's frame in this tab, once the content script has framed it in (looked for every 5 ms). */
export const panelFrameOf = (page: Page, timeout = 15_000): Promise<Frame> => panelFrame(page, timeout, 5);

/**
 * Functions evaluated in a page are written as source text: tsx (esbuild's keepNames) would wrap named
 * inner functions in a `__name` helper that exists only in Node.
 */
export function evaluateSource<T>(target: Page | Frame, source: string): Promise<T> {
  return target.evaluate(source) as Promise<T>;
}

/** Waits (not timed) until the tab's panel shows this brief; throws, with what it shows, when it does not. */
export async function waitForBrief(page: Page, name: string, timeout = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await panelFrameOf(page, timeout);
    if ((await headingIn(frame).catch(() => '')) === name) return frame;
    if (Date.now() > deadline) {
      const text = await frame.evaluate(() => document.body.textContent).catch((error) => String(error));
      throw new Error(
        `the panel never showed "${name}" within ${timeout} ms; it says: ${text.slice(0, 400)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The brief heading's text in the panel frame, '' when there is none. */
export function headingIn(frame: Frame): Promise<string> {
  return frame.evaluate(() => document.querySelector('h2.sr-brief__name')?.textContent ?? '');
}

/**
 * How far this context's epoch clock (`performance.timeOrigin + performance.now()`) runs ahead of the
 * system clock (`Date.now()`), in ms. Each renderer process maps its monotonic clock to the epoch once,
 * so two processes (the CRM page, the extension's frame) may disagree by a little; subtracting each
 * one's offset puts both on the system clock. `Date.now()` floors to whole ms, so the smallest
 * difference over many readings (taken just after the ms ticked) is the offset, to within the
 * `performance.now()` resolution.
 */
export function clockOffset(context: Page | Frame): Promise<number> {
  return context.evaluate(() => {
    let least = Number.POSITIVE_INFINITY;
    const until = performance.now() + 20;
    while (performance.now() < until) {
      const precise = performance.timeOrigin + performance.now();
      least = Math.min(least, precise - Date.now());
    }
    return least;
  });
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
}

export const round = (value: number) => Math.round(value * 10) / 10;
