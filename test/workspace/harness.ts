import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Role } from '../../lib/protocol';
import { createDatabase } from '../../scripts/postgres-server';
import { type Database, openDatabase } from '../../workspace/db/database';
import { migrate } from '../../workspace/db/migrate';
import { type RunningWorkspace, type ServeOptions, startWorkspace } from '../../workspace/server';

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['pglite', 'postgres'];

/** A fresh, empty database on the test PostgreSQL server. */
export function freshPostgresDatabase(): Promise<string> {
  return createDatabase(inject('postgresUrl'));
}

/** The migrated PGlite template in a run of the workspace tests; none elsewhere (the bench, e2e). */
function pgliteTemplate(): string | undefined {
  try {
    return inject('pgliteTemplate');
  } catch {
    return undefined;
  }
}

/**
 * Puts a copy of the migrated template into `dataDir` as its database, as a fresh workspace start in
 * these tests does: for a folder a child process or the CLI opens first (a database made there would
 * cost each about 4 s of initdb and migrations). What a first start does besides (the workspace and
 * its first admin) is still done by whatever opens it. Without a template (outside the workspace
 * suite) the folder is left empty, to be made by its first opener.
 */
export function seedFromTemplate(dataDir: string): string {
  const template = pgliteTemplate();
  if (template) cpSync(template, join(dataDir, 'db'), { recursive: true });
  return dataDir;
}

export interface TestWorkspace extends RunningWorkspace {
  dataDir: string;
  databaseUrl: string | undefined;
  /** Calls the API; `token` signs in. */
  call(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** The first admin's token. */
  adminToken: string;
  /** A new member of this role, signed in: their id and token. */
  join(role: Role, name?: string, region?: string): Promise<{ id: string; token: string }>;
  /** Stops the server (keeping its data) and starts it again on the same data. */
  restart(): Promise<TestWorkspace>;
  /** Stops the server and throws its data away. */
  destroy(): Promise<void>;
}

/** Members made up by join() in this test file's process: their names are numbered, as names are unique. */
let joined = 0;

export async function startTestWorkspace(
  kind: DatabaseKind,
  {
    adminToken: knownAdminToken,
    fromTemplate,
    ...options
  }: Partial<ServeOptions> & {
    adminToken?: string;
    /** A given dataDir starts from the template too (it must hold no database yet). */
    fromTemplate?: boolean;
  } = {},
): Promise<TestWorkspace> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sameroom-ws-'));
  // A fresh embedded workspace starts from a copy of the migrated template (./pglite-template.ts).
  if (kind === 'pglite' && (!options.dataDir || fromTemplate) && !options.inMemory) seedFromTemplate(dataDir);
  const databaseUrl =
    kind === 'postgres' ? (options.databaseUrl ?? (await freshPostgresDatabase())) : undefined;
  const running = await startWorkspace({
    port: 0,
    linkAttempts: { limit: 1_000, windowSeconds: 600 },
    tokenRequests: { limit: 100_000, windowSeconds: 60 },
    failedSignIns: { limit: 100_000, windowSeconds: 60 },
    log: () => undefined,
    // Each of the suite's many starts would spend about 0.3 s of CPU on it; warm-up.test.ts runs it.
    warmUp: false,
    ...options,
    dataDir,
    databaseUrl,
  });
  const call: TestWorkspace['call'] = (method, path, { token, body, headers } = {}) =>
    fetch(`${running.url}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const link = async (code: string) => {
    const response = await call('POST', '/api/v1/link', { body: { code } });
    if (response.status !== 200) throw new Error(`link failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  };
  const adminCode = running.adminJoinUrl?.split('#')[1];
  const adminToken = knownAdminToken ?? (adminCode ? await link(adminCode) : '');
  const workspace: TestWorkspace = {
    ...running,
    dataDir,
    databaseUrl,
    call,
    adminToken,
    // Member names are unique among current members: each made-up one is numbered.
    async join(role, name = `Test ${role} ${++joined}`, region) {
      const response = await call('POST', '/api/v1/invites', {
        token: adminToken,
        body: { name, role, ...(region ? { region } : {}) },
      });
      if (response.status !== 201)
        throw new Error(`invite failed: ${response.status} ${await response.text()}`);
      const invite = (await response.json()) as { member: { id: string }; code: string };
      return { id: invite.member.id, token: await link(invite.code) };
    },
    async restart() {
      await running.close();
      return startTestWorkspace(kind, {
        ...options,
        dataDir,
        ...(databaseUrl ? { databaseUrl } : {}),
        adminToken,
      });
    },
    async destroy() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return workspace;
}

/**
 * A data folder's database as schema 1 left it, with a workspace and its admin written as schema 1
 * wrote them (today's code writes columns later migrations add). Returns it open, for more rows.
 */
export async function schemaOneDatabase(dataDir: string, workspaceName: string): Promise<Database> {
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  await migrate(db, { upTo: '001_init.sql' });
  await db.exec(
    `INSERT INTO workspace (id, name) VALUES (gen_random_uuid(), '${workspaceName}'); INSERT INTO members (id, name, role) VALUES (gen_random_uuid(), 'Admin', 'admin');`,
  );
  return db;
}
