import type { TestProject } from 'vitest/node';
import { startPostgresServer } from '../../scripts/postgres-server';

/** One real PostgreSQL server for the workspace tests; each test file makes its own database on it. */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
