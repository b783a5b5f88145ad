import { launchChromium, linkInOptions } from '../test/e2e/harness/chromium';
import { startFixtureServer } from '../test/e2e/harness/fixture-server';
import { startHoldProxy } from '../test/e2e/harness/hold-proxy';
import { briefInput } from '../test/support/examples';
import { startTestWorkspace } from '../test/workspace/harness';
import type { BenchRow } from './row';

const CLICKS = 60;
const QUEUED = 1_000;

/**
 * Clicks the verdict button with this key inside the panel and resolves with the milliseconds until
 * the panel says "Saved." (the background has committed the item to IndexedDB and answered).
 */
const CLICK_TO_SAVED = `
  window.__clickToSaved = (key) => new Promise((resolve, reject) => {
    const root = document.querySelector('sameroom-panel').shadowRoot;
    const status = () => root.querySelector('.sr-verdict__status')?.textContent ?? '';
    const button = root.querySelector('[data-verdict-key="' + key + '"]');
    const observer = new MutationObserver(() => {
      if (status().startsWith('Saved.')) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
    setTimeout(() => reject(new Error('no "Saved." within 5 s: ' + status())), 5000);
    const started = performance.now();
    button.click();
  });
`;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]! * 10) / 10;
}

/** Verdicts in real Chromium against the real workspace: click → "Saved", and draining a long outbox. */
export async function verdictRows(): Promise<BenchRow[]> {
  const server = await startFixtureServer();
  const proxy = await startHoldProxy(() => ws.url);
  const ws = await startTestWorkspace('pglite', { publicUrl: proxy.url });
  const browser = await launchChromium({ hosts: server.hosts, port: server.port });
  try {
    const marketer = await ws.join('marketer');
    await ws.call('POST', '/api/v1/campaigns', {
      token: marketer.token,
      body: briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
    });
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Bench', role: 'rep', region: 'DACH' },
    });
    await linkInOptions(browser, ((await invite.json()) as { joinUrl: string }).joinUrl);
    const page = await browser.context.newPage();
    await page.addInitScript(CLICK_TO_SAVED);
    await page.goto(server.url('salesforce-lightning/lead'));
    await page.locator('sameroom-panel [data-verdict-key="1"]').waitFor();

    // The workspace is unreachable while the outbox fills, so every click stays queued.
    proxy.refuse(true);
    const saved: number[] = [];
    for (let n = 0; n < QUEUED; n++) {
      const elapsed = await page.evaluate(
        (key) =>
          (window as unknown as { __clickToSaved: (k: number) => Promise<number> }).__clickToSaved(key),
        (n % 8) + 1,
      );
      if (n >= 5 && n < 5 + CLICKS) saved.push(elapsed);
    }
    await page.waitForTimeout(11_000); // every undo window closed
    proxy.refuse(false);

    const count = async () =>
      Number(
        (await ws.db.query<{ count: number }>('SELECT count(*)::int AS count FROM feedback'))[0]?.count ?? 0,
      );
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    const started = performance.now();
    await popup.getByRole('button', { name: 'Sync now' }).click();
    while ((await count()) < QUEUED) {
      if (performance.now() - started > 60_000) throw new Error(`only ${await count()} of ${QUEUED} arrived`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const drained = Math.round(performance.now() - started);

    return [
      {
        name: `click → "Saved" in the panel, p95 of ${CLICKS} clicks`,
        value: p95(saved),
        unit: 'ms',
        budget: 50,
        better: 'lower',
      },
      {
        name: `${QUEUED} queued verdicts delivered to a local workspace after "Sync now"`,
        value: drained,
        unit: 'ms',
        budget: 5_000,
        better: 'lower',
      },
    ];
  } finally {
    await browser.close();
    await ws.destroy();
    await proxy.close();
    await server.close();
  }
}
