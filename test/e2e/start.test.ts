import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E2E_DIR, ROOT } from './harness/paths';

const data = mkdtempSync(join(E2E_DIR, 'start-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(data, { recursive: true, force: true });
});

/** Runs `npm start`'s script without a display, as on a fresh server, collecting what it prints. */
function start(env: Record<string, string> = {}) {
  const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...rest } = process.env;
  const spawned = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', '--skip-build', '--port', '0', '--data', data],
    { cwd: ROOT, env: { ...rest, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = { stdout: '', stderr: '' };
  spawned.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  spawned.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => spawned.on('exit', resolve));
  return { spawned, output, exited };
}

describe('npm start', () => {
  it('says how to install Chromium when it is missing', async () => {
    const run = start({ SAMEROOM_CHROMIUM: '/nonexistent/chromium' });
    expect(await run.exited).toBe(1);
    expect(run.output.stderr).toContain('sudo apt-get update && sudo apt-get install -y chromium');
  });

  it('without a display: links through Options, tours demo CRM pages, sends a verdict the workspace receives, stays up', {
    timeout: 200_000,
  }, async () => {
    const began = Date.now();
    const run = start();
    child = run.spawned;
    await expect
      .poll(() => run.output.stdout, { timeout: 150_000, interval: 500 })
      .toContain('Press Ctrl+C to stop.');
    const out = run.output.stdout;
    expect(out).toContain('Linked the extension in its options page with a join link, as “Demo Rep”.');
    expect(out).toContain(
      'Salesforce Lightning lead: the panel shows “Hannover Messe 2026” — Matched by utm_campaign “hm26”.',
    );
    expect(out).toContain('HubSpot contact: the panel shows “Retrofit search — Q4”');
    expect(out).toContain('…then “Sent to the workspace.”');
    expect(out).toContain('The workspace received: good_fit on “Hannover Messe 2026” from Demo Rep');
    for (const file of ['tour-1-salesforce-lightning-lead.png', 'tour-verdict-sent.png'])
      expect(statSync(join(ROOT, '.sameroom', file)).mtimeMs).toBeGreaterThan(began);
    // It stays up: the dashboard answers, and the sign-in link is a join link for it.
    const dashboard = out.match(/Workspace and dashboard: (\S+)/)![1]!;
    expect((await fetch(`${dashboard}/healthz`)).status).toBe(200);
    expect(out).toMatch(
      new RegExp(`Sign in to the dashboard \\(one-time link\\): ${dashboard}/join#\\S{20,}`),
    );
    run.spawned.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});
