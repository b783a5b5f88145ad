import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../workspace/dashboard-assets';

const dir = mkdtempSync(join(tmpdir(), 'sameroom-dashboard-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sameroom</title>');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every address the dashboard's router shows a page for, read from its source. */
const routed = [
  ...readFileSync(join(import.meta.dirname, '../../workspace/dashboard/main.tsx'), 'utf8').matchAll(
    /current === '(\/[a-z-]*)'|nav\('(\/[a-z-]*)'/g,
  ),
].map((match) => match[1] ?? match[2]!);

describe('the dashboard pages', () => {
  it('serves index.html at every address the dashboard links to, so a reload or a shared link works', async () => {
    expect(routed).toContain('/insights');
    const app = new Hono();
    serveDashboard(app, dir);
    for (const page of new Set(['/', ...routed, '/campaigns/3f0e2a4c-5b7d-4e8f-9a1b-2c3d4e5f6a7b'])) {
      const response = await app.request(page);
      expect(response.status, page).toBe(200);
      expect(response.headers.get('content-type'), page).toMatch(/text\/html/);
    }
  });
});
