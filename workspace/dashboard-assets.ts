import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { Hono } from 'hono';

export const DASHBOARD_DIR = join(import.meta.dirname, '..', '.output', 'dashboard');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * A read, or `otherwise` when it finds nothing where a file was listed: the dashboard being built again as
 * the workspace starts (its build empties the folder first). The start goes on with what is there; before,
 * it failed on the vanished file.
 */
function unlessGone<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return otherwise;
    throw error;
  }
}

function files(dir: string): string[] {
  return unlessGone(() => readdirSync(dir), []).flatMap((name) => {
    const path = join(dir, name);
    return unlessGone(() => (statSync(path).isDirectory() ? files(path) : [path]), []);
  });
}

/**
 * Serves the built dashboard: its files as built (read once, at start), and index.html for the
 * dashboard's own pages. Unbuilt, every page says how to build it.
 */
export function serveDashboard(app: Hono, dir = DASHBOARD_DIR): void {
  const built = existsSync(join(dir, 'index.html'));
  const assets = new Map<string, { body: Buffer; type: string }>();
  if (built) {
    for (const file of files(dir)) {
      const body = unlessGone<Buffer | null>(() => readFileSync(file), null);
      if (!body) continue;
      assets.set(`/${relative(dir, file).split('\\').join('/')}`, {
        body,
        type: TYPES[extname(file)] ?? 'application/octet-stream',
      });
    }
  }
  const index = assets.get('/index.html');
  app.get('/assets/*', (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) return c.notFound();
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ...SECURITY_HEADERS,
    });
  });
  for (const page of ['/', '/join', '/feedback', '/insights', '/team', '/campaigns/*']) {
    app.get(page, (c) => {
      if (!index) {
        return c.text(
          'The dashboard is not built: run `npm run build:dashboard`, then restart the workspace.',
          503,
        );
      }
      return c.body(new Uint8Array(index.body), 200, {
        'Content-Type': index.type,
        'Cache-Control': 'no-cache',
        ...SECURITY_HEADERS,
      });
    });
  }
}
