import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, startPostgresServer } from '../../scripts/postgres-server';
import { startWorkspace } from '../../workspace/server';
import { briefInput, feedbackItem } from '../support/examples';
import { startTestWorkspace, type TestWorkspace } from './harness';

/**
 * The embedded workspace on a disk that fills up, a real one: a tmpfs of a few hundred MB, filled by a
 * file as another program on the machine would fill it. Mounting needs root (CI and these machines run
 * as root); elsewhere the tests say why they are skipped.
 */
const mountable = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'sameroom-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

const MB = 1024 * 1024;
const mounts: string[] = [];
let workspace: TestWorkspace | undefined;

afterEach(async () => {
  await workspace?.close().catch(() => undefined);
  workspace = undefined;
  for (const mount of mounts.splice(0)) {
    execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
    rmSync(mount, { recursive: true, force: true });
  }
});

/** A disk of `megabytes` of its own. */
function smallDisk(megabytes: number, mode = '0700'): string {
  const mount = mkdtempSync(join(tmpdir(), 'sameroom-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=${mode}`, 'tmpfs', mount]);
  mounts.push(mount);
  return mount;
}

const freeBytes = (path: string) => {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
};

/** Fills the disk but `leave` bytes, as another program would: the file is removed to free it again. */
function fillDisk(mount: string, leave: number): () => void {
  const file = join(mount, 'filler');
  writeFileSync(file, Buffer.alloc(Math.max(0, freeBytes(mount) - leave)));
  return () => rmSync(file);
}

/** A rep posting batches of verdicts with long notes (that do not compress), and what was acknowledged. */
async function rep(ws: TestWorkspace) {
  const { token } = await ws.join('rep');
  const campaign = await ws.call('POST', '/api/v1/campaigns', { token: ws.adminToken, body: briefInput() });
  const { id: campaignId } = (await campaign.json()) as { id: string };
  const acknowledged = new Set<string>();
  let record = 0;
  const post = async (items = batch()) => {
    // A batch refused before its body was read used to be reset under load instead of answered
    // (ECONNRESET; app.ts's readRestOfBody), which test/workspace/http-limits.test.ts holds to. Here a
    // reset met twice in CI runs under load, in the PostgreSQL case as its disk filled (its cause not
    // found: it never came with the test run alone, nor beside two busy cores), is sent again once, as
    // an outbox would: the same ids, so a batch stored before the reset is answered as duplicates.
    const send = () => ws.call('POST', '/api/v1/feedback', { token, body: { items } });
    const response = await send().catch((error: unknown) => {
      if ((error as { cause?: { code?: unknown } }).cause?.code !== 'ECONNRESET') throw error;
      console.warn('disk-full: a POST was reset (ECONNRESET); sent again');
      return send();
    });
    if (response.status === 200)
      for (const result of ((await response.json()) as { results: Array<{ id: string; status: string }> })
        .results)
        if (result.status === 'created' || result.status === 'duplicate') acknowledged.add(result.id);
    return { response, items };
  };
  const batch = () =>
    Array.from({ length: 100 }, () =>
      feedbackItem({
        id: randomUUID(),
        campaignId,
        lead: { crm: 'hubspot', objectType: 'contact', recordId: String(++record) },
        note: randomBytes(900).toString('hex'),
      }),
    );
  /** Batches until one is not stored (at most 200): that answer, its error and its items. */
  const postUntilRefused = async () => {
    for (let n = 0; n < 200; n++) {
      const sent = await post();
      if (sent.response.status !== 200) {
        const { error } = (await sent.response.json()) as { error: { code: string; message: string } };
        return { ...sent, error };
      }
    }
    throw new Error('200 batches were all stored: the disk never filled');
  };
  /** How many times each acknowledged verdict is stored: every one once. */
  const storedCounts = async () =>
    workspace!.db.query<{ times: number; verdicts: number }>(
      'SELECT n AS times, count(*)::int AS verdicts FROM (SELECT count(*)::int AS n FROM feedback WHERE id = ANY($1::uuid[]) GROUP BY id) t GROUP BY n',
      [[...acknowledged]],
    );
  return { post, postUntilRefused, acknowledged, storedCounts };
}

describe.skipIf(!mountable)('the embedded workspace on a disk that fills up (a tmpfs: needs root)', () => {
  it('refuses writes with 507 while the disk is nearly full, answers reads, and stores again once space is freed', async () => {
    const disk = smallDisk(160);
    workspace = await startTestWorkspace('pglite', { dataDir: join(disk, 'data'), fromTemplate: true });
    const { post, acknowledged, storedCounts } = await rep(workspace);
    expect((await post()).response.status).toBe(200);

    const free = fillDisk(disk, 40 * MB); // under the 64 MB kept in hand
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the free space is read once a second
    const refused = await post();
    expect(refused.response.status).toBe(507);
    expect(refused.response.headers.get('Retry-After')).toBe('60');
    const { error } = (await refused.response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('disk_full');
    expect(error.message).toMatch(/disk is nearly full \(\d+ MB free where its data is kept, 64 MB needed\)/);
    // Reads go on, and signing in to the dashboard to read them (here a code that is no code: 401).
    const campaigns = await workspace.call('GET', '/api/v1/campaigns', { token: workspace.adminToken });
    expect(campaigns.status).toBe(200);
    const signIn = await workspace.call('POST', '/api/v1/session', {
      body: { code: 'x'.repeat(43) },
      headers: { Origin: new URL(workspace.url).origin },
    });
    expect(signIn.status).toBe(401);

    free();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await post(refused.items)).response.status).toBe(200);
    expect(acknowledged.size).toBe(200);
    expect(await storedCounts()).toEqual([{ times: 1, verdicts: 200 }]);
  }, 60_000);

  it('writes nothing for a read while the disk is nearly full, and still limits a token’s requests', async () => {
    const disk = smallDisk(160);
    workspace = await startTestWorkspace('pglite', {
      dataDir: join(disk, 'data'),
      fromTemplate: true,
      // A day's window: a minute's could start anew between the requests.
      tokenRequests: { limit: 50, windowSeconds: 86_400 },
    });
    const { token } = await workspace.join('rep');
    fillDisk(disk, 40 * MB);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the free space is read once a second
    const logged = async () =>
      (await workspace!.db.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))[0]!.lsn;
    const read = async (times: number) => {
      for (let n = 0; n < times; n++)
        expect((await workspace!.call('GET', '/api/v1/campaigns', { token })).status).toBe(200);
    };
    // The first reads may tidy pages the join left (PostgreSQL prunes a page's dead rows as it reads
    // it, and logs that): once, not per request.
    await read(5);
    const before = await logged();
    await read(45);
    // Counted in memory meanwhile: the 51st of the window is refused as it would be on a roomy disk.
    const over = await workspace.call('GET', '/api/v1/campaigns', { token });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Nothing written: not the count, not the token's use.
    expect(await logged()).toBe(before);
  }, 60_000);

  it('refuses writes with 507 while no more files can be made (out of inodes) though bytes are free, and stores again once they can', async () => {
    const disk = smallDisk(160);
    workspace = await startTestWorkspace('pglite', { dataDir: join(disk, 'data'), fromTemplate: true });
    const { post, acknowledged, storedCounts } = await rep(workspace);
    expect((await post()).response.status).toBe(200);

    // The tmpfs allowed 300 more files than it holds now: PGlite would get ENOSPC on its next new file
    // (a table's next segment, a log segment) with 100 MB free.
    const inodes = (limit: number) =>
      execFileSync('mount', ['-o', `remount,nr_inodes=${limit}`, disk], { stdio: 'ignore' });
    const used = (() => {
      const stats = statfsSync(disk);
      return stats.files - stats.ffree;
    })();
    inodes(used + 300);
    expect(freeBytes(disk)).toBeGreaterThan(64 * MB);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the free space is read once a second
    const refused = await post();
    expect(refused.response.status).toBe(507);
    const { error } = (await refused.response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('disk_full');
    expect(error.message).toMatch(
      /disk is nearly full \(\d+ more files can be made where its data is kept, 1000 needed\)/,
    );

    inodes(used + 100_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await post(refused.items)).response.status).toBe(200);
    expect(acknowledged.size).toBe(200);
    expect(await storedCounts()).toEqual([{ times: 1, verdicts: 200 }]);
  }, 60_000);

  it('meets a full disk in the database without hanging, and goes on by itself once space is freed, every acknowledged verdict stored once', async () => {
    const disk = smallDisk(160);
    // Nothing kept in hand: the database itself meets the full disk (another program filled it
    // between two readings of the free space).
    workspace = await startTestWorkspace('pglite', {
      dataDir: join(disk, 'data'),
      fromTemplate: true,
      minFreeDiskBytes: 0,
    });
    const { post, postUntilRefused, acknowledged, storedCounts } = await rep(workspace);
    expect((await post()).response.status).toBe(200);
    const free = fillDisk(disk, 3 * MB);

    // Batches until the database cannot write: before this change, every request from here on
    // waited forever (PGlite's thread spinning), freeing the disk changed nothing, and close() hung.
    const failed = await postUntilRefused();
    expect(failed.response.status).toBe(507);
    expect(failed.error.code).toBe('disk_full');
    expect(failed.error.message).toMatch(/disk is full: its database could not write/);

    // Answered at once while the disk stays full, not left waiting.
    const started = performance.now();
    const again = await post(failed.items);
    expect(again.response.status).toBe(507);
    expect((await workspace.call('GET', '/healthz')).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(2_000);

    free();
    // The folder is opened again (PGlite replays its log) and the batch refused goes in.
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await post(failed.items)).response.status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    expect(await storedCounts()).toEqual([{ times: 1, verdicts: acknowledged.size }]);
    // What was acknowledged before the disk filled survives a restart as well.
    workspace = await workspace.restart();
    expect(await storedCounts()).toEqual([{ times: 1, verdicts: acknowledged.size }]);
  }, 90_000);

  it('a start on a full disk says the disk is full and that no restore is needed (not "restore the newest backup"), and starts once space is freed', async () => {
    const disk = smallDisk(160);
    const dataDir = join(disk, 'data');
    workspace = await startTestWorkspace('pglite', {
      dataDir,
      fromTemplate: true,
      backups: { everyMs: 100, keep: 1 },
    });
    await expect
      .poll(() => readdirSync(join(dataDir, 'backups')).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    await workspace.close();
    workspace = undefined;
    const free = fillDisk(disk, 0);
    const failed = await startWorkspace({ dataDir, port: 0, log: () => undefined }).then(
      async (running) => {
        await running.close();
        throw new Error('the workspace started on a full disk');
      },
      (error: Error) => error,
    );
    // Met as the folder is claimed (its owner file) or as the database opens, whichever writes first.
    expect(failed.message).toMatch(/disk (it is on|of the data folder \S+) is full/);
    expect(failed.message).toContain('no restore is needed');
    expect(failed.message).not.toContain('npm run workspace -- restore');
    free();
    workspace = await startTestWorkspace('pglite', { dataDir, adminToken: 'unused' });
  }, 90_000);

  it('begins no scheduled backup where one as big as the last would leave the database less than its reserve, and writes it once space is freed', async () => {
    const disk = smallDisk(240);
    const dataDir = join(disk, 'data');
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      workspace = await startTestWorkspace('pglite', {
        dataDir,
        fromTemplate: true,
        backups: { everyMs: 500, keep: 1 },
      });
      const { id: memberId } = await workspace.join('rep');
      // Some 30 MB of verdicts (signals that do not compress), so that a backup is that big.
      await workspace.db.exec(`
        INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, signals, verdict,
                              region, created_at, hash, change_seq)
        SELECT gen_random_uuid(), '${memberId}', NULL, 'hubspot:contact:' || g, 'hubspot', 'contact', g::text,
               jsonb_build_object('noise', (SELECT string_agg(md5(g::text || n::text), '') FROM generate_series(1, 300) n)),
               'good_fit', 'DACH', now(), sha256(g::text::bytea), 1
          FROM generate_series(1, 3000) g;
      `);
      const backups = join(dataDir, 'backups');
      const big = () =>
        readdirSync(backups)
          .filter((name) => name.endsWith('.jsonl'))
          .map((name) => statSync(join(backups, name)).size);
      await expect.poll(() => Math.max(0, ...big()), { timeout: 20_000 }).toBeGreaterThan(20 * MB);
      const last = Math.max(...big());
      // Stopped (a backup under way ends first), the disk filled, started again: only the new process's
      // schedule decides, with room for the database's reserve and not for it and another backup as big.
      await workspace.close();
      workspace = undefined;
      const free = fillDisk(disk, 64 * MB + Math.floor(last / 2));
      said.mockClear();
      workspace = await startTestWorkspace('pglite', {
        dataDir,
        adminToken: 'unused',
        backups: { everyMs: 500, keep: 1 },
      });
      const seen = new Set<string>();
      const until = Date.now() + 3_000;
      while (Date.now() < until) {
        for (const name of readdirSync(backups)) seen.add(name);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Not begun: no partial file at any moment, the newest backup the same, and said why.
      expect([...seen].filter((name) => name.includes('.partial-'))).toEqual([]);
      expect(said.mock.calls.map(([line]) => String(line)).join('\n')).toMatch(
        /the scheduled backup waits until space is freed: \d+ MB free where the data folder is, and a backup as big as the last \(\d+ MB\)/,
      );
      const before = readdirSync(backups).sort();
      free();
      await expect
        .poll(() => readdirSync(backups).sort().join(), { timeout: 10_000 })
        .not.toBe(before.join());
    } finally {
      said.mockRestore();
    }
  }, 90_000);

  it('on a PostgreSQL server whose disk fills: 507 in one plain line, and storing goes on once space is freed', async () => {
    // The server's files on a small disk of their own (its user, postgres, writes there too).
    const disk = smallDisk(200, '1777');
    const server = await startPostgresServer({ under: disk });
    try {
      workspace = await startTestWorkspace('postgres', { databaseUrl: await createDatabase(server.url) });
      const { post, postUntilRefused, acknowledged, storedCounts } = await rep(workspace);
      expect((await post()).response.status).toBe(200);
      const free = fillDisk(disk, 3 * MB);
      const failed = await postUntilRefused();
      expect(failed.response.status).toBe(507);
      expect(failed.response.headers.get('Retry-After')).toBe('60');
      expect(failed.error.code).toBe('disk_full');
      expect(failed.error.message).toMatch(
        /database server has no disk space left \(could not (extend|write to) file/,
      );

      free();
      expect((await post(failed.items)).response.status).toBe(200);
      expect(await storedCounts()).toEqual([{ times: 1, verdicts: acknowledged.size }]);
      await workspace.close();
      workspace = undefined;
    } finally {
      server.stop();
    }
  }, 90_000);
});
