import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
});
