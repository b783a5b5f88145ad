import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../../workspace/dashboard-assets';

const SOURCE = join(import.meta.dirname, '..', '..', '..', 'workspace', 'dashboard');
const built = mkdtempSync(join(tmpdir(), 'dashboard-'));
afterAll(() => rmSync(built, { recursive: true, force: true }));

describe("the dashboard's favicon", () => {
  it('is linked from the page as an SVG file, not inline', () => {
    const html = readFileSync(join(SOURCE, 'index.html'), 'utf8');
    expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="\.\/favicon\.svg" \/>/);
    expect(html).not.toMatch(/<style|<script>(?!<\/script>)|data:/);
    const svg = readFileSync(join(SOURCE, 'favicon.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|on\w+=|style=/);
    expect(Buffer.byteLength(svg)).toBeLessThan(1024);
  });

  it('is served from /assets as image/svg+xml under the same policy as the page', async () => {
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><link rel="icon" href="/assets/favicon-x.svg">');
    writeFileSync(join(built, 'assets', 'favicon-x.svg'), readFileSync(join(SOURCE, 'favicon.svg')));
    const app = new Hono();
    serveDashboard(app, built);
    const icon = await app.request('/assets/favicon-x.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('Content-Type')).toBe('image/svg+xml');
    expect(icon.headers.get('X-Content-Type-Options')).toBe('nosniff');
    // The policy allows images from the page's own origin, which /assets is.
    expect(icon.headers.get('Content-Security-Policy')).toMatch(/img-src 'self'/);
    expect(await icon.text()).toContain('<title>Sameroom</title>');
  });
});
