import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E2E_DIR, ROOT } from './harness/paths';

const data = mkdtempSync(join(E2E_DIR, 'start-'));
const otherData = mkdtempSync(join(E2E_DIR, 'start-other-'));
let child: ChildProcess | undefined;

afterAll(() => {
  // An npm start runs in a group of its own: the group goes, the script under npm included.
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
  rmSync(data, { recursive: true, force: true });
  rmSync(otherData, { recursive: true, force: true });
});

/**
 * Runs `npm start`'s script without a display, as on a fresh server, collecting what it prints; with
 * `npm`, through `npm start` itself, in a process group of its own as a terminal would run it.
 */
function start(
  env: Record<string, string> = {},
  args = ['--skip-build', '--port', '0', '--data', data],
  { npm = false, group = npm, path = '' }: { npm?: boolean; group?: boolean; path?: string } = {},
) {
  const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...rest } = process.env;
  const [command, commandArgs] = npm
    ? ['npm', ['start', '--', ...args]]
    : [process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args]];
  const spawned = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...rest, ...env, ...(path ? { PATH: `${path}:${rest.PATH}` } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
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
  it('answers --help, and a wrong flag or value in one line before anything is built or claimed', async () => {
    const help = start({}, ['--help']);
    expect(await help.exited).toBe(0);
    for (const flag of ['--port N', '--data DIR', '--skip-build', '--debug'])
      expect(help.output.stdout).toContain(flag);
    const fresh = join(data, 'never-made');
    for (const [args, message] of [
      [['--bogus'], "Unknown option '--bogus'. See: npm start -- --help"],
      [['--prot', '8788'], "Unknown option '--prot'. See: npm start -- --help"],
      [
        ['--port', 'abc'],
        '--port must be a port number from 0 to 65535, not "abc". See: npm start -- --help',
      ],
      [
        ['--port', '80000'],
        '--port must be a port number from 0 to 65535, not "80000". See: npm start -- --help',
      ],
    ] as const) {
      const began = Date.now();
      const run = start({}, [...args, '--data', fresh]);
      expect(await run.exited).toBe(1);
      expect(run.output.stderr.trim()).toBe(message);
      expect(Date.now() - began).toBeLessThan(5_000);
    }
    expect(existsSync(fresh)).toBe(false);
  });

  it('stopped with Ctrl+C while it builds, says it stopped, not that the build failed', async () => {
    // A builder that takes its time and dies of Ctrl+C as npm run build does, half its output printed.
    const bin = mkdtempSync(join(E2E_DIR, 'start-bin-'));
    try {
      writeFileSync(
        join(bin, 'npm'),
        "#!/bin/sh\necho 'vite v6 building for production...'\ntrap 'echo \"ELIFECYCLE Command failed.\" >&2; exit 130' INT\nwhile :; do sleep 0.1; done\n",
        { mode: 0o755 },
      );
      const run = start({}, ['--port', '0', '--data', join(bin, 'data')], { group: true, path: bin });
      child = run.spawned;
      await expect
        .poll(() => run.output.stdout, { timeout: 30_000, interval: 100 })
        .toContain('Building the extension and the dashboard…');
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.kill(-run.spawned.pid!, 'SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.output.stdout).toContain('Stopped.');
      expect(run.output.stderr).not.toContain('failed');
      expect(existsSync(join(bin, 'data', 'owner.json'))).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('with --skip-build where nothing was built, says so at once and leaves its data folder as it was', async () => {
    const unbuilt = mkdtempSync(join(E2E_DIR, 'start-unbuilt-'));
    try {
      const began = Date.now();
      const run = start({ SAMEROOM_CHROME_BUILD: unbuilt }, [
        '--skip-build',
        '--port',
        '0',
        '--data',
        join(unbuilt, 'data'),
      ]);
      expect(await run.exited).toBe(1);
      expect(run.output.stderr).toContain(
        '--skip-build uses what was last built, and the extension has not been built here yet. Run npm start without it once.',
      );
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(existsSync(join(unbuilt, 'data', 'owner.json'))).toBe(false);
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });

  it('says how to install Chromium when it is missing', async () => {
    const run = start({ SAMEROOM_CHROMIUM: '/nonexistent/chromium' });
    expect(await run.exited).toBe(1);
    expect(run.output.stderr).toContain('sudo apt-get update && sudo apt-get install -y chromium');
  });

  it('without a display: links through Options, tours demo CRM pages, sends a verdict the workspace receives, stays up', {
    timeout: 200_000,
  }, async () => {
    const began = Date.now();
    const run = start({}, undefined, { npm: true });
    child = run.spawned;
    await expect
      .poll(() => run.output.stdout, { timeout: 150_000, interval: 500 })
      .toContain('Press Ctrl+C to stop.');
    const out = run.output.stdout;
    expect(out).toContain('Linked the extension in its options page with a join link, as “Demo Rep”.');
    expect(out).toContain(
      'Salesforce Lightning lead: the panel shows “Hannover Messe 2026” — Matched by utm_campaign “hm26”.\n',
    );
    expect(out).toContain('HubSpot contact: the panel shows “Retrofit search — Q4”');
    expect(out).toContain('…then “Sent to the workspace.”');
    expect(out).toContain('The workspace received: good_fit on “Hannover Messe 2026” from Demo Rep');
    // The demo CRM pages one to a line, each with its CRM's name.
    expect(out).toMatch(
      /Demo CRM pages, in the Sameroom browser:\n {4}Salesforce Lightning lead: https:\/\/\S+\n {4}HubSpot contact: https:\/\/\S+\n/,
    );
    for (const file of ['tour-1-salesforce-lightning-lead.png', 'tour-verdict-sent.png'])
      expect(statSync(join(data, 'tour', file)).mtimeMs).toBeGreaterThan(began);
    // It stays up: the dashboard answers, and the sign-in link is a join link for it.
    const dashboard = out.match(/Workspace and dashboard: (\S+)/)![1]!;
    expect((await fetch(`${dashboard}/healthz`)).status).toBe(200);
    expect(out).toMatch(
      new RegExp(`Sign in to the dashboard \\(one-time link\\): ${dashboard}/join#\\S{20,}`),
    );
    // A second npm start on the same folder says at once what runs there, and where.
    const began2 = Date.now();
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output.stderr).toMatch(
      new RegExp(`Sameroom is already running on ${data}: PID \\d+, workspace and dashboard at ${dashboard}`),
    );
    expect(Date.now() - began2).toBeLessThan(5_000);
    // One on another folder but the same port says a Sameroom workspace holds it, and leaves its folder
    // as it found it (no claim left behind).
    const port = new URL(dashboard).port;
    const third = start({}, ['--skip-build', '--port', port, '--data', otherData]);
    expect(await third.exited).toBe(1);
    expect(third.output.stderr).toContain(`Port ${port} is taken by another Sameroom workspace`);
    expect(existsSync(join(otherData, 'owner.json'))).toBe(false);

    // Ctrl+C: SIGINT to the whole group, so the script's process gets it twice (from the terminal, and
    // again from npm). It still closes everything it started, the workspace's database and claim too.
    process.kill(-run.spawned.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
    await expect(fetch(`${dashboard}/healthz`)).rejects.toThrow();
    expect(run.output.stdout).toContain('Stopped.');
    expect(existsSync(join(data, 'owner.json'))).toBe(false);
    expect(existsSync(join(data, 'workspace.sock'))).toBe(false);
    const left = execFileSync('ps', ['-eo', 'args']).toString();
    expect(left).not.toContain(join(data, 'browser'));
    expect(left).not.toContain(`--data ${data}`);
  });

  it('stopped with Ctrl+C while it starts, still closes all it started and reports no error', {
    timeout: 120_000,
  }, async () => {
    // The browser's profile deleted, the workspace's data kept: Demo Rep is a member already (names are
    // unique) and is linked again with a fresh code.
    rmSync(join(data, 'browser'), { recursive: true, force: true });
    const run = start({}, undefined, { npm: true });
    child = run.spawned;
    // Mid-tour. What is closed under the start's awaits is no error.
    await expect
      .poll(() => run.output.stdout, { timeout: 90_000, interval: 200 })
      .toContain('Salesforce Lightning lead: the panel shows');
    expect(run.output.stdout).toContain(
      'Linked the extension in its options page with a join link, as “Demo Rep”.',
    );
    process.kill(-run.spawned.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output.stdout).toContain('Stopped.');
    expect(run.output.stderr).not.toContain('run again with --debug');
    expect(run.output.stderr).not.toContain('The tour stopped');
    expect(run.output.stdout).not.toContain('Sameroom is running.');
    expect(existsSync(join(data, 'owner.json'))).toBe(false);
    const left = execFileSync('ps', ['-eo', 'args']).toString();
    expect(left).not.toContain(join(data, 'browser'));
    expect(left).not.toContain(`--data ${data}`);
  });
});
