import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readCampaigns } from '../../lib/protocol';
import { schemaOneDatabase, seedFromTemplate, startTestWorkspace, type TestWorkspace } from './harness';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/**
 * `npm run workspace -- …` as a person types it, by the command that script runs (`node --import tsx
 * workspace/cli.ts`; `npx tsx` started a second Node process and took a second longer for each of the
 * file's 23 commands); resolves with its output lines, or rejects with its error.
 */
async function workspaceCli(...args: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'workspace/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
  });
  return stdout.trim().split('\n');
}

async function cliError(...args: string[]): Promise<string> {
  try {
    await workspaceCli(...args);
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error('the command succeeded');
}

const folders: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sameroom-cli-'));
  folders.push(dir);
  return dir;
}

let server: TestWorkspace | undefined;
afterAll(async () => {
  await server?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('the workspace CLI', () => {
  it('invites with no server running, backs up, and restores into a new data folder where the code still works', async () => {
    const data = folder();
    const lines = await workspaceCli(
      'invite',
      '--name',
      'Ana Ruiz',
      '--role',
      'rep',
      '--region',
      'Iberia',
      '--data',
      data,
    );
    const code = lines.at(-1)!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines.at(-2)).toBe(`http://localhost:8787/join#${code}`);
    // The first command on an empty folder made the workspace, and says its first admin's link.
    expect(lines[0]).toBe(
      'A new workspace was created. Open this link to sign in as its first admin (valid for 7 days, once):',
    );
    expect(lines[1]).toMatch(/^ {2}http:\/\/localhost:8787\/join#[A-Za-z0-9_-]{43}$/);
    // No server runs there: the links work once one does, and the command says so.
    expect(lines[2]).toBe(
      `No server runs on ${data}: its links work once one does (npm run workspace -- --data ${data}).`,
    );
    expect(lines[3]).toMatch(/^Invited Ana Ruiz \(rep, Iberia\), member [0-9a-f-]{36}\.$/);
    expect(await cliError('invite', '--name', 'Ana Ruiz', '--role', 'marketer', '--data', data)).toBe(
      'Ana Ruiz is already a member. Add a surname or an initial, so feedback and filters tell the two apart; for the same person in a new browser, give them a new join link instead.\n',
    );

    const file = join(folder(), 'backup.jsonl');
    expect((await workspaceCli('backup', file, '--data', data)).at(-1)).toMatch(/^Backed up \d+ rows/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const restored = folder();
    // A damaged copy fails, and leaves no half-made database behind: the good one then restores there.
    const damaged = join(folder(), 'damaged.jsonl');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      damaged,
      `${text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1)}{"table": "feedback", "rows": [`,
    );
    expect(await cliError('restore', damaged, '--data', restored)).not.toBe('');
    expect(existsSync(join(restored, 'db'))).toBe(false);
    // A file that is no backup at all, into a folder that did not exist: refused, and no folder made.
    const notMade = join(folder(), 'not-made');
    expect(await cliError('restore', join(ROOT, 'package.json'), '--data', notMade)).toMatch(
      /not a Sameroom backup/,
    );
    expect(existsSync(notMade)).toBe(false);
    expect(await cliError('backup', join(folder(), 'no-such-folder', 'b.jsonl'), '--data', data)).toBe(
      `No folder ${join(folders.at(-1)!, 'no-such-folder')} to write the backup in.\n`,
    );
    expect((await workspaceCli('restore', file, '--data', restored)).at(-1)).toMatch(/^Restored \d+ rows/);
    server = await startTestWorkspace('pglite', { dataDir: restored, adminToken: 'unused' });
    expect(server.adminJoinUrl).toBeNull(); // the workspace came from the backup, not a first start
    const link = await server.call('POST', '/api/v1/link', { body: { code } });
    expect(link.status).toBe(200);
    expect(((await link.json()) as { member: { name: string } }).member.name).toBe('Ana Ruiz');
    const admin = await server.call('POST', '/api/v1/link', { body: { code: lines[1]!.split('#')[1] } });
    expect(((await admin.json()) as { member: { role: string } }).member.role).toBe('admin');
    // Five CLI processes and a server, each opening PGlite: 24 s on a quiet machine, and over the
    // suite's 60 s once in CI beside the chaos rounds.
  }, 180_000);

  it('backs up a data folder from before this code before migrating it, as a server start does', async () => {
    const data = folder();
    await (await schemaOneDatabase(data, 'Older')).close();
    const lines = await workspaceCli('verify', '--data', data);
    expect(lines[0]).toMatch(/^Backed up the workspace to .*before-migration\.jsonl before migrating \(002_/);
    expect(
      readdirSync(join(data, 'backups')).filter((name) => name.endsWith('before-migration.jsonl')),
    ).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^Rollups agree/);
  });

  it('reaches a running server through its socket: invite, code, seed-demo, and refuses to restore under it', async () => {
    const data = server!.dataDir;
    expect(statSync(server!.socketPath).mode & 0o777).toBe(0o600);
    const invite = await workspaceCli(
      'invite',
      '--name',
      'Mara Jensen',
      '--role',
      'marketer',
      '--data',
      data,
    );
    const memberId = invite[0]!.match(/member ([0-9a-f-]{36})/)![1]!;
    expect(invite.at(-2)).toBe(`${server!.url}/join#${invite.at(-1)}`);
    // A current member's name is refused in words, as the dashboard refuses it.
    expect(await cliError('invite', '--name', 'mara jensen', '--role', 'rep', '--data', data)).toBe(
      'Mara Jensen is already a member. Add a surname or an initial, so feedback and filters tell the two apart; for the same person in a new browser, give them a new join link instead.\n',
    );
    const fresh = await workspaceCli('code', '--member', memberId, '--data', data);
    const linked = await server!.call('POST', '/api/v1/link', { body: { code: fresh.at(-1) } });
    expect(linked.status).toBe(200);
    const token = ((await linked.json()) as { token: string }).token;

    expect((await workspaceCli('seed-demo', '--data', data)).at(-1)).toMatch(
      /^Seeded 2 marketers, 6 reps, 6 briefs, 320 verdicts/,
    );
    const campaigns = readCampaigns(await (await server!.call('GET', '/api/v1/campaigns', { token })).json());
    expect(campaigns.ok && campaigns.items.map((b) => b.channel).sort()).toEqual([
      'Direct mail',
      'Paid search',
      'Radio',
      'Trade show',
      'Webinar',
    ]);
    expect(campaigns.ok && campaigns.items.reduce((sum, b) => sum + b.stats.leads, 0)).toBeGreaterThan(200);
    expect((await workspaceCli('seed-demo', '--data', data)).at(-1)).toMatch(/already has campaigns/);

    expect(await cliError('restore', join(data, 'none.jsonl'), '--data', data)).toMatch(/^No backup at /);
    const file = join(folder(), 'backup.jsonl');
    await workspaceCli('backup', file, '--data', data);
    expect(await cliError('restore', file, '--data', data)).toMatch(
      /already holds a database: restore into a new folder/,
    );
  });

  it('serves and answers the CLI on a data folder whose path is too long for a socket address', async () => {
    // 128 bytes with the socket's name: Node cut the path short to 107 without a word, and the start
    // failed on the missing socket; the CLI then found no server and refused on the folder's lock.
    const data = join(folder(), 'a-data-folder-deep-in-a-home-directory-'.padEnd(100, 'x'));
    const deep = await startTestWorkspace('pglite', { dataDir: data, fromTemplate: true });
    try {
      expect(Buffer.byteLength(deep.socketPath)).toBeGreaterThan(107);
      expect(statSync(deep.socketPath).isSocket()).toBe(true);
      expect(statSync(deep.socketPath).mode & 0o777).toBe(0o600);
      expect((await workspaceCli('verify', '--data', data)).at(-1)).toMatch(/^Rollups agree/);
    } finally {
      await deep.close();
    }
    expect(existsSync(deep.socketPath)).toBe(false);
    expect(readdirSync(data).filter((name) => name.startsWith('works'))).toEqual([]);
  });

  it('stops, closing its database and giving up its folder, on SIGTERM to npm run workspace (as a process manager sends)', async () => {
    const data = seedFromTemplate(folder());
    const served = spawn('npm', ['run', 'workspace', '--', '--data', data, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => served.on('exit', resolve));
    let out = '';
    served.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await vi.waitFor(() => expect(out).toMatch(/Sameroom workspace at http:\/\/127\.0\.0\.1:\d+ /), {
      timeout: 60_000,
      interval: 200,
    });
    const url = out.match(/Sameroom workspace at (\S+) /)![1]!;
    // npm's own process: not the server's (npm runs it through a shell).
    served.kill('SIGTERM');
    await exited;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(existsSync(join(data, 'owner.json'))).toBe(false);
    await vi.waitFor(() => expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(data), {
      timeout: 10_000,
    });
    // With no server running now, a command's join link starts as that server's did, not with the
    // default port's.
    const invite = await workspaceCli('invite', '--name', 'Ana Ruiz', '--role', 'rep', '--data', data);
    expect(invite.at(-2)).toBe(`${url}/join#${invite.at(-1)}`);
  }, 90_000);

  it('explains its usage when a command is wrong', async () => {
    expect(await cliError('invite', '--name', 'X', '--role', 'owner', '--data', folder())).toMatch(
      /Usage:[\s\S]*role/,
    );
    expect(await cliError('code', '--member', 'not-an-id', '--data', folder())).toMatch(/Usage:/);
  });

  it('says, in words, that its port is taken (npm start serves on 8787 too), without a hint to --debug', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const said = await cliError('--port', String(port), '--data', seedFromTemplate(folder()));
      expect(said).toContain(`Port ${port} on 127.0.0.1 is taken by another program`);
      expect(said).toContain('--port N');
      expect(said).not.toContain('EADDRINUSE');
      expect(said).not.toContain('--debug');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('says the first admin’s link even when the first command on a new workspace then fails', async () => {
    // Its database made from the template: the first test makes one in an empty folder itself.
    const failed = await workspaceCli(
      'code',
      '--member',
      '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
      '--data',
      seedFromTemplate(folder()),
    ).catch((error: { stdout: string; stderr: string }) => error);
    if (Array.isArray(failed)) throw new Error('the command succeeded');
    expect(failed.stdout).toContain(
      'A new workspace was created. Open this link to sign in as its first admin',
    );
    expect(failed.stdout).toMatch(/http:\/\/localhost:8787\/join#[A-Za-z0-9_-]{43}/);
    expect(failed.stderr).not.toBe('');
  });
});
