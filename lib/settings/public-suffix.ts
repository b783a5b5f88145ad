/**
 * Whether a custom site's `*.` wildcard would cover a public suffix, i.e. every registrant under it
 * (`*.com`, `*.co.uk`, `*.github.io`). No public-suffix library is a dependency and the full list is
 * about 200 KB, too much for bundles that load on every CRM page; a wildcard only needs to be refused
 * when it is too wide, so a short list that errs on refusing is enough: every single label, the
 * `<generic>.<country>` pattern that most countries' registries use, and the shared hosting suffixes
 * where each tenant is a different company.
 */

/** Second-level labels that registries sell under a country code: co.uk, com.au, org.br, ac.jp, gov.in … */
const GENERIC_SECOND_LEVEL = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gen',
  'go',
  'gob',
  'gov',
  'gv',
  'info',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nic',
  'nom',
  'or',
  'org',
  'plc',
  'sch',
]);

/**
 * Multi-label suffixes outside that pattern where anyone can take a subdomain: shared hosting, and the
 * dynamic DNS, tunnels and platforms self-hosted CRMs are reached through (each in the Public Suffix
 * List's private section, publicsuffix/list e8c9a2b, August 2026).
 */
const SHARED_SUFFIXES = new Set([
  'appspot.com',
  'azurewebsites.net',
  'blogspot.com',
  'cloudapp.net',
  'cloudfront.net',
  'ddns.net',
  'duckdns.org',
  'dyndns.org',
  'firebaseapp.com',
  'fly.dev',
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'myqnapcloud.com',
  'myshopify.com',
  'netlify.app',
  'ngrok-free.app',
  'ngrok.app',
  'ngrok.io',
  'no-ip.org',
  'onrender.com',
  'pages.dev',
  'replit.app',
  'synology.me',
  'trycloudflare.com',
  'ts.net',
  'up.railway.app',
  'vercel.app',
  'web.app',
  'workers.dev',
]);

/**
 * Suffixes with tenants at every depth (`bucket.s3.amazonaws.com`, `x.eu-west-1.compute.amazonaws.com`,
 * Azure's `*.azurecontainer.io`, a suffix per region).
 */
const SHARED_AT_ANY_DEPTH = ['amazonaws.com', 'azurecontainer.io'];

/** `host` is what follows `*.` in a match pattern, e.g. `co.uk` for `*.co.uk`. */
export function isPublicSuffix(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (labels.length <= 1) return true;
  if (SHARED_AT_ANY_DEPTH.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return true;
  // The suffix itself, or a name above one (`*.railway.app` covers every tenant of up.railway.app); a
  // tenant's own name under it (`acme.duckdns.org`) is theirs.
  for (const suffix of SHARED_SUFFIXES) if (suffix === name || suffix.endsWith(`.${name}`)) return true;
  if (labels.length === 2 && /^[a-z]{2}$/.test(labels[1]!) && GENERIC_SECOND_LEVEL.has(labels[0]!))
    return true;
  return false;
}
