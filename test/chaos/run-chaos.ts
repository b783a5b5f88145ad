/**
 * The chaos suite: the built extension in real Chromium, the workspace as its own server process on an
 * embedded database, and a loopback proxy between them. Each round a rep clicks verdicts (sometimes
 * Undo at the very edge of its window) while one fault strikes: the service worker killed, the browser
 * SIGKILLed and relaunched, the workspace SIGKILLed mid-batch and restarted, the proxy answering 5xx
 * (before or after the workspace stored the batch), 429 with Retry-After, hanging, resetting or
 * truncating answers, or the network gone for a spell. Then everything heals, and the round checks:
 * every verdict the panel called "Saved" is stored exactly once, nothing Undone is stored, the rollups
 * equal a rebuild from the feedback, and the outbox is empty.
 *
 * Seeded (mulberry32), so a failing seed replays the same choices.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort } from '../../scripts/postgres-server';
import {
  type ChromiumSession,
  closeServiceWorker,
  launchChromium,
  linkInOptions,
} from '../e2e/harness/chromium';
import {
  ensureFixtureCertificate,
  type FixtureServer,
  startFixtureServer,
} from '../e2e/harness/fixture-server';
import { panelAside } from '../e2e/harness/panel';
import { E2E_DIR } from '../e2e/harness/paths';
import { briefInput } from '../support/examples';
import { linkWithCode } from '../support/link';
import { mulberry32 } from '../support/random';
import { type ChaosProxy, type Fault, startChaosProxy } from './chaos-proxy';
import { WorkspaceProcess } from './workspace-process';

export type Strike = Exclude<Fault, 'pass'> | 'worker-kill' | 'browser-kill' | 'workspace-kill';
const STRIKES: Strike[] = [
  'worker-kill',
  'browser-kill',
  'workspace-kill',
  'error-before',
  'error-after',
  'rate-limited',
  'hang',
  'reset',
  'truncate',
  'offline',
];
const VERDICT_BUTTONS = [
  /Good fit/,
  /Tire-kicker/,
  /Wrong audience/,
  /Not ready/,
  /Bad contact data/,
  /Spam/,
];

export interface ChaosFigures {
  seed: number;
  rounds: number;
  /** Verdicts the panel called "Saved" and the rep did not take back. */
  verdicts: number;
  undone: number;
  lost: number;
  duplicated: number;
  undoneStored: number;
  rollupMismatches: number;
  outboxLeft: number;
  strikes: Partial<Record<Strike, number>>;
  /** Network faults that began with a feedback batch (which met the fault). */
  faultsMet: number;
  /** Network faults in rounds with verdicts to send that no batch met: each one a round that tested less. */
  faultsMissed: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`chaos: timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export async function runChaos(options: {
  rounds: number;
  seed: number;
  log?: (line: string) => void;
}): Promise<ChaosFigures> {
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed);
  const began = Date.now();
  ensureFixtureCertificate();
  const scratch = mkdtempSync(join(tmpdir(), 'sameroom-chaos-'));
  const profile = mkdtempSync(join(E2E_DIR, 'chromium-chaos-'));
  let fixtures: FixtureServer | undefined;
  let proxy: ChaosProxy | undefined;
  let workspace: WorkspaceProcess | undefined;
  let chromium: ChromiumSession | undefined;
  const figures: ChaosFigures = {
    seed: options.seed,
    rounds: 0,
    verdicts: 0,
    undone: 0,
    lost: 0,
    duplicated: 0,
    undoneStored: 0,
    rollupMismatches: 0,
    outboxLeft: 0,
    strikes: {},
    faultsMet: 0,
    faultsMissed: 0,
    seconds: 0,
  };
  try {
    fixtures = await startFixtureServer();
    const port = await freePort();
    proxy = await startChaosProxy(() => `http://127.0.0.1:${port}`);
    workspace = new WorkspaceProcess(join(scratch, 'workspace'), port, proxy.url);
    await workspace.start();
    const ws = workspace;
    const link = (code: string) => linkWithCode(ws.url, code);
    const marketer = await link(
      (await ws.command('invite', '--name', 'Mara Jensen', '--role', 'marketer')).at(-1)!,
    );
    await fetch(`${ws.url}/api/v1/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${marketer}` },
      body: JSON.stringify(
        briefInput({ match: { campaignIds: [], utmCampaigns: ['hm26'], leadSources: [], keywords: [] } }),
      ),
    });
    const repInvite = await ws.command(
      'invite',
      '--name',
      'Ana Ruiz',
      '--role',
      'rep',
      '--region',
      'Iberia',
      '--public-url',
      proxy.url,
    );
    chromium = await launchChromium({ hosts: fixtures.hosts, port: fixtures.port, profile });
    await linkInOptions(chromium, repInvite.at(-2)!);
    let page: Page = await chromium.context.newPage();

    /** How often each note is stored in the workspace (through the CSV export, all rows). */
    const storedNotes = async (): Promise<string> => {
      const answer = await fetch(`${ws.url}/api/v1/feedback?format=csv`, {
        headers: { authorization: `Bearer ${marketer}` },
      });
      if (answer.status !== 200) throw new Error(`feedback export: ${answer.status}`);
      return answer.text();
    };
    const occurrences = (text: string, note: string) => text.split(note).length - 1;
    const saved: string[] = [];
    const undone: string[] = [];
    const panel = () => panelAside(page);
    const status = async () => (await panel()).locator('.sr-verdict__status');
    const openLead = async () => {
      await page.goto(fixtures!.url('salesforce-lightning/lead'));
      await (await panel()).locator('h2').first().waitFor({ timeout: 30_000 });
    };
    const relaunch = async () => {
      execFileSync('pkill', ['-KILL', '-f', `user-data-dir=${profile}`]);
      await chromium!.close().catch(() => undefined);
      chromium = await launchChromium({ hosts: fixtures!.hosts, port: fixtures!.port, profile });
      page = await chromium.context.newPage();
    };
    // A worker that is already stopped is as good as killed.
    const killWorker = () => closeServiceWorker(chromium!, page);
    const outboxCount = async (): Promise<number> => {
      const extensionPage = await chromium!.context.newPage();
      try {
        await extensionPage.goto(`chrome-extension://${chromium!.extensionId}/popup.html`);
        await extensionPage.getByRole('button', { name: 'Sync now' }).click();
        return await extensionPage.evaluate(
          () =>
            new Promise<number>((resolve, reject) => {
              const open = indexedDB.open('sameroom');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const count = open.result.transaction('outbox').objectStore('outbox').count();
                count.onsuccess = () => resolve(count.result);
                count.onerror = () => reject(count.error);
              };
            }),
        );
      } finally {
        await extensionPage.close();
      }
    };

    for (let round = 1; round <= options.rounds; round++) {
      const strike = STRIKES[random(STRIKES.length)]!;
      let faultNote = '';
      figures.strikes[strike] = (figures.strikes[strike] ?? 0) + 1;
      await openLead();
      const clicks = 1 + random(2);
      const roundNotes: string[] = [];
      for (let k = 1; k <= clicks; k++) {
        const note = `chaos ${options.seed}/${round}/${k}.`;
        const more = (await panel()).locator('.sr-verdict__more-toggle');
        if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click();
        await (await panel()).getByLabel('Note for marketing (optional)').fill(note);
        await (await panel())
          .getByRole('button', { name: VERDICT_BUTTONS[random(VERDICT_BUTTONS.length)]! })
          .click();
        await until(
          'Saved',
          async () => /^Saved\./.test((await (await status()).textContent()) ?? ''),
          10_000,
        );
        const savedAt = Date.now();
        // Undo at the edge of its 10 s window: sometimes in time, sometimes a moment too late.
        if (random(4) === 0) {
          await sleep(Math.max(0, savedAt + 9_400 + random(900) - Date.now()));
          const clicked = await (await panel())
            .getByRole('button', { name: /^Undo/ })
            .click({ timeout: 500 })
            .then(
              () => true,
              () => false, // the window closed first: no Undo asked
            );
          // An Undo in time shows "Undone" once the worker's strict delete has committed, which on a
          // loaded machine can take longer than a moment; one too late leaves "Saved." as it was.
          const shown =
            clicked &&
            (await until(
              'Undone',
              async () => (await (await status()).textContent())?.startsWith('Undone') ?? false,
              3_000,
              50,
            ).then(
              () => true,
              () => false,
            ));
          if (shown) {
            undone.push(note);
            continue;
          }
        }
        roundNotes.push(note);
      }
      saved.push(...roundNotes);

      // The strike, while those verdicts are on their way.
      if (strike === 'worker-kill') await killWorker();
      else if (strike === 'browser-kill') await relaunch();
      else if (strike === 'workspace-kill') {
        let killed: Promise<void> | null = null;
        proxy.onFeedbackPost(() => {
          killed ??= sleep(random(40)).then(() => ws.kill());
        });
        await until(
          'a feedback batch to kill the workspace under',
          async () => killed !== null,
          30_000,
        ).catch(() => {
          killed ??= ws.kill(); // nothing was due (all undone): kill it anyway
        });
        await killed;
        proxy.onFeedbackPost(null);
        await sleep(500 + random(1_500));
        await ws.start();
      } else {
        // The fault begins with the first batch sent once the Undo window is over, so that batch meets it
        // (begun at once, it ended before anything was sent). When everything of the round is stored
        // already (the Undo wait of a later click outlasted an earlier one's window) or was undone, no
        // batch is coming: it begins now.
        const begun = proxy.armFault(strike).then(() => true);
        // A batch already on its way when the fault was armed passed it by: what it carried counts as
        // stored before the fault, not as waiting for it.
        await until(
          'the batch on its way to be answered',
          async () => proxy!.feedbackInFlight() === 0,
          10_000,
          20,
        );
        const text = await storedNotes();
        const waiting = roundNotes.some((note) => occurrences(text, note) === 0);
        const met = waiting && (await Promise.race([begun, sleep(15_000).then(() => false)]));
        if (!met) {
          proxy.disarm();
          proxy.fault(strike);
        }
        if (met) figures.faultsMet++;
        else if (waiting) figures.faultsMissed++;
        faultNote = met ? ', a batch met it' : waiting ? ', NO BATCH MET IT' : ', nothing left to send';
        await sleep(2_000 + random(2_000));
        proxy.fault('pass');
      }

      const struck = Date.now();
      // Healed: the rep presses Sync now, and everything Saved must arrive exactly once.
      await until(
        `round ${round}'s verdicts to arrive`,
        async () => {
          if ((await outboxCount()) > 0) return false;
          const text = await storedNotes();
          return roundNotes.every((note) => occurrences(text, note) >= 1);
        },
        120_000,
        1_500,
      );
      const arrived = Date.now();
      const text = await storedNotes();
      const lost = saved.filter((note) => occurrences(text, note) === 0);
      const doubled = saved.filter((note) => occurrences(text, note) > 1);
      const undoneStored = undone.filter((note) => occurrences(text, note) > 0);
      const verify = await ws.command('verify').catch((error: Error) => [error.message]);
      const rollupsAgree = verify[0]?.startsWith('Rollups agree') ?? false;
      figures.rounds = round;
      figures.verdicts = saved.length;
      figures.undone = undone.length;
      figures.lost = lost.length;
      figures.duplicated = doubled.length;
      figures.undoneStored = undoneStored.length;
      figures.rollupMismatches += rollupsAgree ? 0 : 1;
      figures.outboxLeft = await outboxCount();
      log(
        `round ${round}/${options.rounds} ${strike}${faultNote} (arrived ${((arrived - struck) / 1000).toFixed(1)} s after the strike, checked in ${((Date.now() - arrived) / 1000).toFixed(1)} s): saved ${roundNotes.length}, undone ${clicks - roundNotes.length}; ` +
          `totals ${saved.length} stored once, lost ${lost.length}, doubled ${doubled.length}, undone stored ${undoneStored.length}, ` +
          `rollups ${rollupsAgree ? 'agree' : `differ (${verify.join(' ')})`}`,
      );
      if (lost.length || doubled.length || undoneStored.length || !rollupsAgree) break;
    }
  } finally {
    await chromium?.close().catch(() => undefined);
    await workspace?.stop().catch(() => undefined);
    await proxy?.close();
    await fixtures?.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
  figures.seconds = Math.round((Date.now() - began) / 1000);
  return figures;
}
