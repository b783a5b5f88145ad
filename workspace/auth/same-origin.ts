import type { Context } from 'hono';

/**
 * Whether a request comes from the dashboard's own pages: never cross-site (the browser says so in
 * Sec-Fetch-Site), never from another origin (Origin, when the browser sends it).
 */
export function fromOwnOrigin(c: Context, publicUrl: string): boolean {
  const site = c.req.header('Sec-Fetch-Site');
  if (site && site !== 'same-origin') return false;
  const origin = c.req.header('Origin');
  return !origin || origin === new URL(c.req.url).origin || origin === new URL(publicUrl).origin;
}

/**
 * The dashboard's cookie: `__Host-` under HTTPS (Secure, whole host, no Domain: no sibling subdomain
 * can set or shadow it). Under plain HTTP (localhost while developing, `npm start`) browsers drop
 * Secure cookies, so it keeps a plain name there.
 */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-sameroom_session' : 'sameroom_session';
}
