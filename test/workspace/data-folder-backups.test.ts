import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupExists, backup } from '../../workspace/backup';
import { listBackups, writeAutomaticBackup } from '../../workspace/backups';
import { openingProblem, startWorkspace } from '../../workspace/server';
import { briefInput } from '../support/examples';
import { cleanUpAfterTests, cli, folder, workspaces } from './data-folder-support';
import { schemaOneDatabase, startTestWorkspace } from './harness';

cleanUpAfterTests();

describe('backups', () => {
  it('never overwrite a file or follow a link planted in their place, and are owner-only', async () => {
    const dir = folder();
    const ws = await startTestWorkspace('pglite', { dataDir: join(dir, 'data'), fromTemplate: true });
    workspaces.push(ws);
    const existing = join(dir, 'existing.jsonl');
    writeFileSync(existing, 'keep me');
    await expect(backup(ws.db, existing)).rejects.toBeInstanceOf(BackupExists);
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'not yours');
    symlinkSync(target, join(dir, 'link.jsonl'));
    await expect(backup(ws.db, join(dir, 'link.jsonl'))).rejects.toBeInstanceOf(BackupExists);
    const fresh = join(dir, 'fresh.jsonl');
    await backup(ws.db, fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('.partial'))).toEqual([]);
    expect(statSync(ws.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(ws.dataDir, 'db')).mode & 0o777).toBe(0o700);
    // A backup's partial file while it is written is not a leftover to the next one that starts.
    const first = writeAutomaticBackup(ws.db, ws.dataDir, 'scheduled', 10);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = writeAutomaticBackup(ws.db, ws.dataDir, 'scheduled', 10);
    for (const file of await Promise.all([first, second])) expect(existsSync(file)).toBe(true);
  });

  it('are written before a migration, kept to the newest N, and restore names them', async () => {
    const dataDir = folder();
    // A database as the previous version left it: schema 1, with a workspace in it.
    await (await schemaOneDatabase(dataDir, 'Old')).close();

    const lines: string[] = [];
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      adminToken: 'unused',
      log: (line) => lines.push(line),
      backups: { everyMs: 0, keep: 2 },
    });
    workspaces.push(ws);
    const [made] = listBackups(dataDir);
    expect(made?.reason).toBe('before-migration');
    expect(lines.join('\n')).toContain(`Backed up the workspace to ${made!.file} before migrating (002_`);
    expect(statSync(made!.file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'backups')).mode & 0o777).toBe(0o700);
    await ws.close();
    workspaces.length = 0;

    expect(await cli('restore', '--data', dataDir)).toContain(made!.file);
    const restored = join(folder(), 'restored');
    expect(await cli('restore', made!.file, '--data', restored)).toMatch(/^Restored \d+ rows/);
    const back = await startTestWorkspace('pglite', { dataDir: restored, adminToken: 'unused' });
    workspaces.push(back);
    expect((await back.db.query<{ name: string }>('SELECT name FROM workspace'))[0]!.name).toBe('Old');
    // A database made twice (schema 1, then the restore's), two starts and two CLI processes, each opening
    // PGlite: 15-35 s, and over the suite's 60 s in a fresh clone's npm test, where it starts as the
    // builds and the browsers' runs do.
  }, 180_000);

  it('on a schedule, keeping only the newest N', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      fromTemplate: true,
      backups: { everyMs: 200, keep: 2 },
    });
    workspaces.push(ws);
    await expect.poll(() => listBackups(dataDir).length, { timeout: 10_000 }).toBe(2);
    const newest = listBackups(dataDir)[0]!.createdAt.getTime();
    await expect
      .poll(() => listBackups(dataDir)[0]!.createdAt.getTime(), { timeout: 10_000 })
      .toBeGreaterThan(newest);
    expect(listBackups(dataDir).length).toBe(2);
  });

  it('keeps the newest N of each kind: before-migration backups written again and again leave the scheduled ones be', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      fromTemplate: true,
      backups: { everyMs: 0, keep: 2 },
    });
    workspaces.push(ws);
    const daily = [
      await writeAutomaticBackup(ws.db, dataDir, 'scheduled', 2),
      await writeAutomaticBackup(ws.db, dataDir, 'scheduled', 2),
    ];
    // A start whose migration fails, restarted by its process manager, writes one each time.
    const restarts: string[] = [];
    for (let n = 0; n < 4; n++)
      restarts.push(await writeAutomaticBackup(ws.db, dataDir, 'before-migration', 2));
    const kept = listBackups(dataDir).map((backup) => backup.file);
    for (const file of daily) expect(kept).toContain(file);
    expect(kept.filter((file) => file.endsWith('-before-migration.jsonl'))).toEqual(
      restarts.slice(-2).reverse(),
    );
    expect(kept).toHaveLength(4);
    // A CLI command's before-migration backups (pruning none) are pruned by the server's next backup.
    const byCli = [
      await writeAutomaticBackup(ws.db, dataDir, 'before-migration', Number.POSITIVE_INFINITY),
      await writeAutomaticBackup(ws.db, dataDir, 'before-migration', Number.POSITIVE_INFINITY),
    ];
    expect(listBackups(dataDir)).toHaveLength(6);
    const next = await writeAutomaticBackup(ws.db, dataDir, 'scheduled', 2);
    expect(
      listBackups(dataDir)
        .map((backup) => backup.file)
        .sort(),
    ).toEqual([next, daily[1], byCli[0], byCli[1]].sort());
  });

  it('on a schedule after the clock was set back, pruning the backup dated ahead of it first, and remove what a backup killed half-way left', async () => {
    const dataDir = folder();
    const backups = join(dataDir, 'backups');
    mkdirSync(backups, { recursive: true });
    // Written while the clock ran a year ahead: ordered by date alone it stayed the newest, so no
    // scheduled backup was due for a year, and one written anyway was the first pruned.
    const ahead = join(backups, `sameroom-${new Date().getUTCFullYear() + 1}0101T000000000Z-scheduled.jsonl`);
    writeFileSync(ahead, '');
    // A backup killed half-way: its partial file, as big as a backup, was never removed.
    const leftover = join(backups, 'sameroom-20261201T030000000Z-scheduled.jsonl.partial-0a1b2c3d4e5f');
    const notOurs = join(backups, 'notes.jsonl.partial-0a1b2c3d4e5f');
    writeFileSync(leftover, '{"format":"sameroom-backup"');
    writeFileSync(notOurs, 'not a backup of ours');
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      fromTemplate: true,
      backups: { everyMs: 200, keep: 1 },
    });
    workspaces.push(ws);
    await expect.poll(() => existsSync(ahead), { timeout: 10_000 }).toBe(false);
    const [kept] = listBackups(dataDir);
    expect(kept!.reason).toBe('scheduled');
    expect(kept!.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(notOurs)).toBe(true);
  });

  it('before a migration by the CLI prune none: the server may keep more than the default', async () => {
    const dataDir = folder();
    await (await schemaOneDatabase(dataDir, 'Older')).close();
    mkdirSync(join(dataDir, 'backups'), { recursive: true });
    // Ten days of a server run with --keep-backups 30.
    for (let day = 1; day <= 10; day++)
      writeFileSync(
        join(dataDir, 'backups', `sameroom-202611${String(day).padStart(2, '0')}T030000000Z-scheduled.jsonl`),
        '',
      );
    expect(await cli('verify', '--data', dataDir)).toMatch(/before migrating/);
    expect(listBackups(dataDir).map((b) => b.reason)).toEqual([
      'before-migration',
      ...Array(10).fill('scheduled'),
    ]);
  }, 120_000);

  it('restore of a missing file says so and leaves no data folder behind', async () => {
    const dataDir = join(folder(), 'restored');
    await expect(cli('restore', join(dataDir, 'missing.jsonl'), '--data', dataDir)).rejects.toThrow(
      /^No backup at /,
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('a database left by a power cut or a disk gone read-only', () => {
  it('opens with PostgreSQL’s lock file left empty (as such a disk leaves a file just made), its data there', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', { dataDir, fromTemplate: true });
    const created = await ws.call('POST', '/api/v1/campaigns', {
      token: ws.adminToken,
      body: briefInput({ name: 'Kept through a power cut' }),
    });
    expect(created.status).toBe(201);
    await ws.close();
    // PostgreSQL refused to start on it ("bogus data in lock file"), a whole database unopened.
    writeFileSync(join(dataDir, 'db', 'postmaster.pid'), '');
    const again = await startTestWorkspace('pglite', { dataDir, adminToken: ws.adminToken });
    workspaces.push(again);
    const briefs = await again.db.query<{ name: string }>("SELECT data->>'name' AS name FROM briefs");
    expect(briefs.map((brief) => brief.name)).toContain('Kept through a power cut');
  });
});

describe('a database that cannot be opened', () => {
  it('is said in plain words with the path and the newest backup, and the folder is left untouched', async () => {
    const dataDir = folder();
    const ws = await startTestWorkspace('pglite', {
      dataDir,
      fromTemplate: true,
      backups: { everyMs: 100, keep: 3 },
    });
    await expect.poll(() => listBackups(dataDir).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await ws.close();
    // Damage the cluster the way a second owner's writes can: its control file is garbage.
    writeFileSync(join(dataDir, 'db', 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const before = readdirSync(join(dataDir, 'db')).sort();
    const [newest] = listBackups(dataDir);
    const failed = startWorkspace({ dataDir, port: 0, log: () => undefined });
    await expect(failed).rejects.toThrow(
      new RegExp(
        `^The database in ${join(dataDir, 'db')} could not be opened \\(.*\\)\\. Nothing in ${dataDir} was changed or removed\\.`,
      ),
    );
    await expect(failed).rejects.toThrow(
      `npm run workspace -- restore ${newest!.file} --data ${dataDir}-restored`,
    );
    expect(readdirSync(join(dataDir, 'db')).sort()).toEqual(before);
    // The failed start let the folder go: the next attempt is not refused as "in use".
    await expect(startWorkspace({ dataDir, port: 0, log: () => undefined })).rejects.toThrow(
      /could not be opened/,
    );
    // A CLI command with no server running opens the folder itself, and says it the same way, alone.
    const said = await cli(
      'code',
      '--member',
      '0b7a4c1e-5d2f-4a3b-9c8d-7e6f5a4b3c2d',
      '--data',
      dataDir,
    ).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(said).toMatch(new RegExp(`^The database in ${join(dataDir, 'db')} could not be opened \\(`));
    expect(said).toContain(`npm run workspace -- restore ${newest!.file} --data ${dataDir}-restored`);
    expect(said).not.toContain('--debug');
    expect(readdirSync(join(dataDir, 'db')).sort()).toEqual(before);
  }, 60_000);

  it('names a cause a restore would not cure (a full disk, files this user may not touch, a read-only disk), with its cure and no restore', () => {
    const errno = (code: string, message: string) => Object.assign(new Error(message), { code });
    const full = openingProblem(
      errno('ENOSPC', 'ENOSPC: no space left on device, write'),
      '/srv/ws',
      '/srv/ws/db',
    );
    expect(full?.message).toMatch(
      /^The database in \/srv\/ws\/db could not be opened: the disk it is on is full/,
    );
    expect(full?.message).toContain('Free some space on it, then start again');
    // PostgreSQL's own code for it, as PGlite's errors carry.
    const sqlstate = Object.assign(new Error('could not extend file "base/5/16384"'), { code: '53100' });
    expect(openingProblem(sqlstate, '/srv/ws', '/srv/ws/db')?.message).toContain('the disk it is on is full');
    // Nearly full and a failure that says no cause: room first, a restore only should that not be it.
    const low = openingProblem(new Error('could not write block 7'), '/srv/ws', '/srv/ws/db', true)?.message;
    expect(low).toContain('while the disk it is on is nearly full. Free some space on it, then start again');
    expect(low).toContain('Should it still not open with room to spare, it is damaged');
    // The thread's error reaches here as words, its code within them.
    const foreign = openingProblem(
      new Error("EACCES: permission denied, open '/srv/ws/db/base/1/1259'"),
      '/srv/ws',
      '/srv/ws/db',
      false,
      'sameroom',
    );
    expect(foreign?.message).toContain('this user (sameroom) may not read or write a file in it');
    expect(foreign?.message).toContain('  sudo chown -R sameroom /srv/ws');
    expect(
      openingProblem(errno('EROFS', 'EROFS: read-only file system'), '/srv/ws', '/srv/ws/db')?.message,
    ).toContain('mounted read-only');
    for (const problem of [full, foreign]) {
      expect(problem?.message).toContain('no restore is needed');
      expect(problem?.message).not.toContain('npm run workspace -- restore');
    }
    // Damage is not such a cause: the restore advice above stays.
    expect(openingProblem(new Error('invalid checkpoint record'), '/srv/ws', '/srv/ws/db')).toBeNull();
  });
});
