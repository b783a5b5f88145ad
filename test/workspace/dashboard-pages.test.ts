import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../workspace/dashboard-assets';

const dir = mkdtempSync(join(tmpdir(), 'sameroom-dashboard-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sameroom</title>');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = (file: string) =>
  readFileSync(join(import.meta.dirname, '../../workspace/dashboard', file), 'utf8');
/** Every address the dashboard's router shows a page for, and its header links to, read from their source. */
const routed = [
  ...source('route.ts').matchAll(/path === '(\/[a-z/-]*)'/g),
  ...source('main.tsx').matchAll(/nav\('(\/[a-z-]*)'/g),
].map((match) => match[1]!);

describe('the dashboard pages', () => {
  it('serves index.html at every address the dashboard links to, so a reload or a shared link works', async () => {
    expect(routed).toContain('/insights');
    expect(routed).toContain('/campaigns/new');
    const app = new Hono();
    serveDashboard(app, dir);
    for (const page of new Set(['/', ...routed, '/campaigns/3f0e2a4c-5b7d-4e8f-9a1b-2c3d4e5f6a7b'])) {
      const response = await app.request(page);
      expect(response.status, page).toBe(200);
      expect(response.headers.get('content-type'), page).toMatch(/text\/html/);
    }
  });

  it('starts while the dashboard is being built again: a file listed and gone is left out, not a failed start', async () => {
    const building = mkdtempSync(join(tmpdir(), 'sameroom-dashboard-building-'));
    try {
      writeFileSync(join(building, 'index.html'), '<!doctype html><title>Sameroom</title>');
      mkdirSync(join(building, 'assets'));
      // What a build that empties the folder leaves between listing a file and reading it: a name
      // that no longer leads to a file.
      symlinkSync(join(building, 'assets', 'removed-by-the-build.js'), join(building, 'assets', 'main.js'));
      const app = new Hono();
      serveDashboard(app, building);
      expect((await app.request('/')).status).toBe(200);
      expect((await app.request('/assets/main.js')).status).toBe(404);
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  });
});
