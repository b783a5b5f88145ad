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

/** Multi-label suffixes outside that pattern where anyone can take a subdomain. */
const SHARED_SUFFIXES = new Set([
  'amazonaws.com',
  'appspot.com',
  'azurewebsites.net',
  'blogspot.com',
  'cloudfront.net',
  'firebaseapp.com',
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'myshopify.com',
  'netlify.app',
  'onrender.com',
  'pages.dev',
  'vercel.app',
  'web.app',
  'workers.dev',
]);

/** Suffixes with tenants at every depth (`bucket.s3.amazonaws.com`, `x.eu-west-1.compute.amazonaws.com`). */
const SHARED_AT_ANY_DEPTH = new Set(['amazonaws.com']);

/** `host` is what follows `*.` in a match pattern, e.g. `co.uk` for `*.co.uk`. */
export function isPublicSuffix(host: string): boolean {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 1) return true;
  const lastTwo = labels.slice(-2).join('.');
  if (SHARED_AT_ANY_DEPTH.has(lastTwo)) return true;
  if (SHARED_SUFFIXES.has(lastTwo)) return labels.length === 2;
  if (labels.length === 2 && /^[a-z]{2}$/.test(labels[1]!) && GENERIC_SECOND_LEVEL.has(labels[0]!))
    return true;
  return false;
}
