/**
 * `npm start`: Sameroom on this machine, end to end. Builds the extension and the dashboard, starts the
 * workspace (embedded database, demo data when empty), serves demo CRM pages at their real hostnames,
 * links the extension through its options page as a rep would, and opens Chromium with it: a window
 * where there is a display, otherwise a headless tour that prints what the panel showed and what the
 * workspace received, with screenshots in .sameroom/. Stays up until Ctrl+C.
 *
 * Options: --port N (workspace, default 8787), --data DIR (default .sameroom/start), --skip-build,
 * --debug, --help. Flags are checked, the data folder claimed and the port tried before anything is
 * built; SIGINT and SIGTERM stop the browser, the fixture server and the workspace it started.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import type { Page } from 'playwright-core';
import { type ChromiumSession, launchChromium, linkInOptions } from '../test/e2e/harness/chromium';
import { type FixtureServer, startFixtureServer } from '../test/e2e/harness/fixture-server';
import { panelAside } from '../test/e2e/harness/panel';
import { CHROME_BUILD, CHROMIUM, ROOT } from '../test/e2e/harness/paths';
import { makeSelfSignedCertificate } from '../test/support/certificate';
import { runCommand } from '../workspace/commands';
import { DASHBOARD_DIR } from '../workspace/dashboard-assets';
import {
  claimDataFolder,
  type DataFolderClaim,
  DataFolderInUse,
  ownerOnlyFolder,
  refuseUnreachableSocket,
} from '../workspace/data-folder';
import { memberNamed } from '../workspace/domain/workspace';
import { type RunningWorkspace, startWorkspace } from '../workspace/server';

const HELP = `Usage: npm start [-- FLAGS]

Builds Sameroom, starts its workspace with demo data, serves demo CRM pages and opens Chromium with the
extension linked. Without a display it takes a headless tour and saves screenshots in DIR/tour/.

Flags:
  --port N       the workspace's port (default 8787)
  --data DIR     the data folder: database, backups, browser profile, screenshots (default .sameroom/start)
  --skip-build   use the extension and dashboard as last built
  --debug        print stack traces with errors
  --help         show this help`;

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function readFlags() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        data: { type: 'string', default: '.sameroom/start' },
        'skip-build': { type: 'boolean', default: false },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    return values;
  } catch (error) {
    const message = (error as Error).message
      .split('\n')[0]!
      .replace(/\.? To specify.*$/, '')
      .replace(/\.?$/, '.');
    return fail(`${message} See: npm start -- --help`);
  }
}

const values = readFlags();
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const port = Number(values.port);
if (!/^\d+$/.test(values.port!) || port > 65_535)
  fail(`--port must be a port number from 0 to 65535, not "${values.port}". See: npm start -- --help`);
const dataDir = resolve(ROOT, values.data!);
const SCREENSHOTS = join(dataDir, 'tour');

/** What this run started, stopped in reverse order on Ctrl+C, SIGTERM or a failure. */
const started: Array<() => Promise<unknown>> = [];
/** When stopping began: Ctrl+C reaches this process twice (from the terminal, and again from npm). */
let stoppingSince: number | null = null;
/** The one shutdown: a failure it causes in the start still under way (Chromium closed under it) waits for it. */
let stopped: Promise<void> | null = null;
/** A signal this long after the first is the user's second Ctrl+C, not the first one's copy. */
const INSIST_MS = 2_000;
async function stopAll(code: number): Promise<never> {
  if (stopped === null) {
    stoppingSince = Date.now();
    stopped = (async () => {
      for (const stop of started.reverse()) await stop().catch(() => undefined);
      if (code === 0) console.log('Stopped.');
    })();
    await stopped;
    process.exit(code);
  }
  // Already stopping: the first caller's code stands, once everything is closed.
  await stopped;
  return new Promise<never>(() => undefined);
}
function onSignal(): void {
  if (stoppingSince === null) {
    console.log('\nStopping Chromium, the demo CRM pages and the workspace…');
    void stopAll(0);
  } else if (Date.now() - stoppingSince > INSIST_MS) {
    // Asked again while still closing: leave now. The workspace's database is safe to reopen after a
    // stop like this (it recovers as after a crash), but what it was closing is cut short.
    console.log('Stopping at once, without waiting for the rest to close.');
    process.exit(130);
  }
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
/** The demo lead pages the tour opens, one per CRM. */
const TOUR = [
  ['salesforce-lightning/lead', 'Salesforce Lightning lead'],
  ['hubspot/contact', 'HubSpot contact'],
  ['pipedrive/deal', 'Pipedrive deal'],
  ['dynamics/lead', 'Dynamics 365 lead'],
  ['zoho/lead', 'Zoho CRM lead'],
] as const;

function checkTools(): void {
  if (!existsSync(CHROMIUM))
    fail(
      `Chromium was not found at ${CHROMIUM}. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium\n` +
        'or point SAMEROOM_CHROMIUM at a Chromium or Chrome binary.',
    );
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    fail(
      'openssl was not found (it makes the demo CRM pages’ certificate). Install it with:\n  sudo apt-get install -y openssl',
    );
  }
}

/** Runs `npm run -s script`, what it printed collected; its exit code, or the error that kept it from running. */
function runScript(script: string): Promise<{ code: number | null; output: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // Stopped by a signal to this script alone (a process manager's SIGTERM): the build goes with it.
    started.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => resolve({ code: null, output, error }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * Builds the extension and the dashboard. Not in a blocking child: Ctrl+C during the build reached the
 * builder too, which died of it, and this script, its handler held off until the build returned, said
 * "npm run build failed" with the builder's half output. Now the stop is heard as it comes, and a build
 * cut short by it is no failure.
 */
async function build(): Promise<void> {
  console.log('Building the extension and the dashboard…');
  for (const script of ['build', 'build:dashboard']) {
    // The builders' progress (a spinner's cursor codes in a log file) is kept out; a failure prints it.
    const built = await runScript(script);
    if (stoppingSince !== null) await stopAll(0);
    if (built.code === 0) continue;
    const output = stripVTControlCharacters(built.output).trim();
    fail(`npm run ${script} failed${built.error ? ` (${built.error.message})` : ''}:\n${output}`);
  }
}

/** Whether the port can be listened on: tried at once, before any build. */
function portFree(): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** What holds the port: a Sameroom workspace (another npm start, on another data folder), or not. */
async function portTakenMessage(): Promise<string> {
  const instead = `Stop it, or run: npm start -- --port ${port + 1}`;
  const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) })
    .then((response) => response.json() as Promise<{ ok?: unknown }>)
    .catch(() => null);
  return health?.ok === true
    ? `Port ${port} is taken by another Sameroom workspace (another npm start, on another data folder than ${dataDir}?). ${instead}`
    : `Port ${port} is taken by another program. ${instead}`;
}

async function claim(): Promise<DataFolderClaim> {
  try {
    refuseUnreachableSocket(dataDir);
    return await claimDataFolder(dataDir, 'npm start');
  } catch (error) {
    if (error instanceof DataFolderInUse)
      fail(
        error.owner?.role === 'npm start'
          ? `Sameroom is already running on ${dataDir}: PID ${error.owner.pid}${error.owner.url ? `, workspace and dashboard at ${error.owner.url}` : ''}. Use that one, stop it (kill ${error.owner.pid}), or run another with --data DIR --port N.`
          : error.message,
      );
    throw error;
  }
}

async function startDemoWorkspace(
  folder: DataFolderClaim,
): Promise<{ workspace: RunningWorkspace; signIn: string }> {
  const workspace = await startWorkspace({ dataDir, port, claim: folder, log: () => undefined });
  started.push(() => workspace.close());
  const seeded = await runCommand(workspace.db, { command: 'seed-demo' }, workspace.url);
  if (!seeded[0]?.startsWith('This workspace already')) console.log(`Demo data: ${seeded[0]}`);
  const [admin] = await workspace.db.query<{ id: string }>(
    "SELECT id FROM members WHERE role = 'admin' AND removed_at IS NULL ORDER BY created_at LIMIT 1",
  );
  const signIn =
    workspace.adminJoinUrl ??
    (await runCommand(workspace.db, { command: 'code', member: admin!.id }, workspace.url))[0]!;
  return { workspace, signIn };
}

/**
 * Chromium with the extension, for a person to use: it accepts the demo CRM pages' certificate and no
 * other site's bad one, and keeps its sandbox where it can have one (not as root, where Chromium refuses
 * it, nor where the system gives it none: then without, and said so).
 */
async function launchDemoBrowser(
  fixtures: FixtureServer,
  certFile: string,
  display: boolean,
): Promise<ChromiumSession> {
  const launch = (sandbox: boolean) =>
    launchChromium({
      hosts: fixtures.hosts,
      port: fixtures.port,
      profile: join(dataDir, 'browser'),
      headless: !display,
      trustedCertificate: readFileSync(certFile, 'utf8'),
      sandbox,
    });
  if (process.getuid?.() === 0) return launch(false);
  try {
    return await launch(true);
  } catch (error) {
    if (!/sandbox/i.test(String(error))) throw error;
    console.log('Chromium has no sandbox on this system (no user namespaces): it runs without one.');
    return launch(false);
  }
}

async function isLinked(session: ChromiumSession): Promise<boolean> {
  const options = await session.context.newPage();
  await options.goto(`chrome-extension://${session.extensionId}/options.html`);
  const linkedAs = options.getByText(/^Linked to /);
  await linkedAs.or(options.getByText('Not linked to a workspace')).first().waitFor();
  const linked = (await linkedAs.count()) > 0;
  await options.close();
  return linked;
}

/** What each tour stop shows, so a lead no campaign claims reads as a feature, not a failure. */
function story(reason: string | undefined): string {
  if (!reason)
    return 'What this shows: a lead no campaign claims. The rep picks the campaign in the panel, and the pick is remembered for this record.';
  if (reason.startsWith('Matched by utm_campaign'))
    return 'What this shows: the campaign found by the utm_campaign the CRM recorded for the lead.';
  if (reason.startsWith('Matched by the lead source'))
    return 'What this shows: the campaign found by the lead source field.';
  if (reason.startsWith('Matched by the keyword'))
    return 'What this shows: the campaign found by a keyword in what the page says about the lead’s origin.';
  if (reason.startsWith('Matched by the CRM campaign id'))
    return 'What this shows: the campaign found by the CRM’s own campaign id.';
  return 'What this shows: the campaign the rep picked for this record earlier.';
}

async function panelText(page: Page): Promise<string> {
  const panel = await panelAside(page, 15_000);
  await panel.locator('h2').first().waitFor({ timeout: 15_000 });
  return (await panel.locator('h2').first().textContent())?.trim() ?? '';
}

async function tour(
  session: ChromiumSession,
  fixtures: FixtureServer,
  workspace: RunningWorkspace,
): Promise<void> {
  console.log('\nNo display here, so a headless tour of the demo CRM pages:');
  const page = await session.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [index, [fixture, label]] of TOUR.entries()) {
    await page.goto(fixtures.url(fixture));
    const heading = await panelText(page).catch(() => '(the panel did not appear)');
    const reason = (
      await (
        await panelAside(page)
      )
        .locator('.sr-reason')
        // Its words, not its buttons' ("Wrong match?").
        .evaluate(
          (reason) =>
            [...reason.childNodes]
              .filter((node) => node.nodeType === Node.TEXT_NODE)
              .map((node) => node.textContent)
              .join(''),
          undefined,
          { timeout: 2_000 },
        )
        .catch(() => null)
    )?.trim();
    const file = join(SCREENSHOTS, `tour-${index + 1}-${fixture.replace('/', '-')}.png`);
    await page.screenshot({ path: file });
    console.log(
      `  ${label}: the panel shows “${heading}”${reason ? ` — ${reason}` : ''}\n    ${story(reason)}\n    screenshot ${file}`,
    );
  }
  await page.goto(fixtures.url('salesforce-lightning/lead'));
  await panelText(page);
  const panel = await panelAside(page);
  const note = 'Demo: asked for the retrofit assessment at the booth.';
  const more = panel.locator('.sr-verdict__more-toggle'); // note and region sit behind the verdict bar's toggle
  if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click();
  await panel.getByLabel('Note for marketing (optional)').fill(note);
  await panel.getByRole('button', { name: /Good fit/ }).click();
  const status = panel.locator('.sr-verdict__status');
  await status.getByText('Saved.').waitFor();
  console.log(
    '  Clicked “Good fit” on the Salesforce lead: the panel says “Saved.” and offers Undo for 10 s.',
  );
  await status.getByText('Sent to the workspace.').waitFor({ timeout: 30_000 });
  // The pointer onto the brief, off the verdict bar that moved under it, so no button looks hovered.
  const brief = await panel.locator('h2').first().boundingBox();
  if (brief) await page.mouse.move(brief.x + 10, brief.y + brief.height / 2, { steps: 5 });
  await page.screenshot({ path: join(SCREENSHOTS, 'tour-verdict-sent.png') });
  console.log('  …then “Sent to the workspace.”');
  const [received] = await workspace.db.query<{
    verdict: string;
    name: string;
    rep: string;
    region: string | null;
  }>(
    `SELECT f.verdict, coalesce(b.data->>'name', 'no campaign') AS name, m.name AS rep, f.region
       FROM feedback f JOIN members m ON m.id = f.member_id LEFT JOIN briefs b ON b.id = f.campaign_id
      WHERE f.note = $1 ORDER BY f.received_at DESC LIMIT 1`,
    [note],
  );
  console.log(
    received
      ? `  The workspace received: ${received.verdict} on “${received.name}” from ${received.rep}${received.region ? ` (${received.region})` : ''}, with the note.`
      : '  The workspace has not received the verdict.',
  );
  await page.close();
  await dashboardTour(session, workspace);
}

/** The dashboard's pages the tour photographs, with a text that says each has its figures. */
const DASHBOARD_PAGES = [
  ['Insights', /leads, each counted once/],
  ['Feedback', /Leads by their latest verdict/],
] as const;

/**
 * The marketing dashboard in the same browser, signed in as the first marketer with a one-time code of
 * their own (the admin's sign-in link printed at the end stays unused), with screenshots of its pages.
 */
async function dashboardTour(session: ChromiumSession, workspace: RunningWorkspace): Promise<void> {
  const [marketer] = await workspace.db.query<{ id: string; name: string }>(
    "SELECT id, name FROM members WHERE role = 'marketer' AND removed_at IS NULL ORDER BY created_at LIMIT 1",
  );
  if (!marketer) {
    console.log('  The workspace has no marketer, so the tour leaves the dashboard out.');
    return;
  }
  const [signIn] = await runCommand(workspace.db, { command: 'code', member: marketer.id }, workspace.url);
  const page = await session.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(signIn!);
  await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor({ timeout: 30_000 });
  const files: string[] = [];
  for (const [name, ready] of DASHBOARD_PAGES) {
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, exact: true }).waitFor();
    await page.getByText(ready).first().waitFor({ timeout: 30_000 });
    const file = join(SCREENSHOTS, `tour-dashboard-${name.toLowerCase()}.png`);
    await page.screenshot({ path: file });
    files.push(file);
  }
  console.log(
    `  The dashboard, signed in as ${marketer.name} (marketer): ${DASHBOARD_PAGES.map(([name]) => name).join(' and ')}.\n    screenshots ${files.join(' ')}`,
  );
  await page.close();
}

async function main(): Promise<void> {
  checkTools();
  const folder = await claim();
  started.push(() => folder.release());
  if (!(await portFree())) {
    const message = await portTakenMessage();
    await folder.release(); // a start that never began leaves the folder as it found it
    fail(message);
  }
  if (values['skip-build']) {
    // Nothing built yet (a fresh clone): Chromium loaded no extension and the start waited 15 s for its
    // worker, then said only that it timed out.
    const unbuilt = [
      ['the extension', join(CHROME_BUILD, 'manifest.json')],
      ['the dashboard', join(DASHBOARD_DIR, 'index.html')],
    ].filter(([, file]) => !existsSync(file!));
    if (unbuilt.length > 0) {
      await folder.release();
      fail(
        `--skip-build uses what was last built, and ${unbuilt.map(([what]) => what).join(' and ')} ${unbuilt.length > 1 ? 'have' : 'has'} not been built here yet. Run npm start without it once.`,
      );
    }
  } else await build();
  if (stoppingSince !== null) return;
  ownerOnlyFolder(SCREENSHOTS);
  const certFile = join(dataDir, 'crm-cert.pem');
  const keyFile = join(dataDir, 'crm-key.pem');
  if (!existsSync(certFile)) makeSelfSignedCertificate(certFile, keyFile);

  const { workspace, signIn } = await startDemoWorkspace(folder);
  const fixtures = await startFixtureServer(0, { certFile, keyFile });
  started.push(() => fixtures.close());
  const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const session = await launchDemoBrowser(fixtures, certFile, display);
  started.push(() => session.close());
  if (!(await isLinked(session))) {
    // Demo Rep may be a member already (a browser profile deleted, the data kept): a fresh code, then.
    const demoRep = await memberNamed(workspace.db, 'Demo Rep');
    const joinLink = (
      await runCommand(
        workspace.db,
        demoRep
          ? { command: 'code', member: demoRep.id }
          : { command: 'invite', name: 'Demo Rep', role: 'rep', region: 'Iberia' },
        workspace.url,
      )
    ).at(-2);
    await linkInOptions(session, joinLink!);
    console.log('Linked the extension in its options page with a join link, as “Demo Rep”.');
  }

  if (display) {
    const page = await session.context.newPage();
    await page.goto(fixtures.url('salesforce-lightning/lead'));
  } else {
    await tour(session, fixtures, workspace).catch((error: unknown) => {
      // Stopped by Ctrl+C meanwhile: its browser was closed under it, which is no news.
      if (stoppingSince !== null) return;
      console.error(
        `  The tour stopped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    });
  }
  if (stoppingSince !== null) return;

  console.log(`
Sameroom is running.
  Workspace and dashboard: ${workspace.url}
  Sign in to the dashboard (one-time link): ${signIn}
  Demo CRM pages, in the Sameroom browser:
${TOUR.map(([fixture, label]) => `    ${label}: ${fixtures.url(fixture)}`).join('\n')}
Press Ctrl+C to stop.`);
}

await main().catch(async (error: unknown) => {
  // Stopped while starting (Ctrl+C): what failed was closed under it, which is no error to report.
  if (stoppingSince !== null) return stopAll(0);
  if (values.debug) console.error(error);
  else
    console.error(
      `\n${error instanceof Error ? error.message : String(error)}\n(run again with --debug for details)\n`,
    );
  await stopAll(1);
});
