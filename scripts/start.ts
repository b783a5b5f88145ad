/**
 * `npm start`: Sameroom on this machine, end to end. Builds the extension and the dashboard, starts the
 * workspace (embedded database, demo data when empty), serves demo CRM pages at their real hostnames,
 * links the extension through its options page as a rep would, and opens Chromium with it: a window
 * where there is a display, otherwise a headless tour that prints what the panel showed and what the
 * workspace received, with screenshots in .sameroom/. Stays up until Ctrl+C.
 *
 * Options: --port N (workspace, default 8787), --data DIR (default .sameroom/start), --skip-build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { type ChromiumSession, launchChromium, linkInOptions } from '../test/e2e/harness/chromium';
import { type FixtureServer, startFixtureServer } from '../test/e2e/harness/fixture-server';
import { CHROMIUM, ROOT } from '../test/e2e/harness/paths';
import { makeSelfSignedCertificate } from '../test/support/certificate';
import { runCommand } from '../workspace/commands';
import { type RunningWorkspace, startWorkspace } from '../workspace/server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    data: { type: 'string', default: '.sameroom/start' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const dataDir = resolve(ROOT, values.data!);
const SCREENSHOTS = resolve(ROOT, '.sameroom');
/** The demo lead pages the tour opens, one per CRM. */
const TOUR = [
  ['salesforce-lightning/lead', 'Salesforce Lightning lead'],
  ['hubspot/contact', 'HubSpot contact'],
  ['pipedrive/deal', 'Pipedrive deal'],
  ['dynamics/lead', 'Dynamics 365 lead'],
  ['zoho/lead', 'Zoho CRM lead'],
] as const;

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

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

function build(): void {
  console.log('Building the extension and the dashboard…');
  for (const script of ['build', 'build:dashboard'])
    execFileSync('npm', ['run', '-s', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function startDemoWorkspace(): Promise<{ workspace: RunningWorkspace; signIn: string }> {
  const port = Number(values.port);
  let workspace: RunningWorkspace;
  try {
    workspace = await startWorkspace({ dataDir, port, log: () => undefined });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      fail(`Port ${port} is taken (is Sameroom already running?). Stop it, or run: npm start -- --port 8788`);
    throw error;
  }
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

async function isLinked(session: ChromiumSession): Promise<boolean> {
  const options = await session.context.newPage();
  await options.goto(`chrome-extension://${session.extensionId}/options.html`);
  const linkedAs = options.getByText(/^Linked to /);
  await linkedAs.or(options.getByText('Not linked to a workspace')).first().waitFor();
  const linked = (await linkedAs.count()) > 0;
  await options.close();
  return linked;
}

async function panelText(page: Page): Promise<string> {
  const panel = page.locator('sameroom-panel aside');
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
      await page
        .locator('sameroom-panel .sr-reason')
        .textContent()
        .catch(() => null)
    )?.trim();
    const file = join(SCREENSHOTS, `tour-${index + 1}-${fixture.replace('/', '-')}.png`);
    await page.screenshot({ path: file });
    console.log(
      `  ${label}: the panel shows “${heading}”${reason ? ` — ${reason}` : ''}\n    screenshot ${file}`,
    );
  }
  await page.goto(fixtures.url('salesforce-lightning/lead'));
  await panelText(page);
  const panel = page.locator('sameroom-panel aside');
  const note = 'Demo: asked for the retrofit assessment at the booth.';
  await panel.getByLabel('Note for marketing (optional)').fill(note);
  await panel.getByRole('button', { name: /Good fit/ }).click();
  const status = panel.locator('.sr-verdict__status');
  await status.getByText('Saved.').waitFor();
  console.log(
    '  Clicked “Good fit” on the Salesforce lead: the panel says “Saved.” and offers Undo for 10 s.',
  );
  await status.getByText('Sent to the workspace.').waitFor({ timeout: 30_000 });
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
}

async function main(): Promise<void> {
  checkTools();
  if (!values['skip-build']) build();
  mkdirSync(dataDir, { recursive: true });
  const certFile = join(dataDir, 'crm-cert.pem');
  const keyFile = join(dataDir, 'crm-key.pem');
  if (!existsSync(certFile)) makeSelfSignedCertificate(certFile, keyFile);

  const { workspace, signIn } = await startDemoWorkspace();
  const fixtures = await startFixtureServer(0, { certFile, keyFile });
  const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const session = await launchChromium({
    hosts: fixtures.hosts,
    port: fixtures.port,
    profile: join(dataDir, 'browser'),
    headless: !display,
  });
  if (!(await isLinked(session))) {
    const [, joinLink] = await runCommand(
      workspace.db,
      { command: 'invite', name: 'Demo Rep', role: 'rep', region: 'Iberia' },
      workspace.url,
    );
    await linkInOptions(session, joinLink!);
    console.log('Linked the extension in its options page with a join link, as “Demo Rep”.');
  }

  if (display) {
    const page = await session.context.newPage();
    await page.goto(fixtures.url('salesforce-lightning/lead'));
  } else {
    await tour(session, fixtures, workspace).catch((error: unknown) => {
      console.error(
        `  The tour stopped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    });
  }

  console.log(`
Sameroom is running.
  Workspace and dashboard: ${workspace.url}
  Sign in to the dashboard (one-time link): ${signIn}
  Demo CRM pages, in the Sameroom browser: ${TOUR.map(([fixture]) => fixtures.url(fixture)).join(' ')}
Press Ctrl+C to stop.`);

  const stop = async () => {
    await session.close().catch(() => undefined);
    await fixtures.close();
    await workspace.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

await main();
