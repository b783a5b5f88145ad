import { t } from '../i18n';
/** Where a join link points: the workspace's address and the one-time code. */
export interface JoinLink {
  workspaceUrl: string;
  code: string;
}

export type JoinLinkResult = { ok: true; link: JoinLink } | { ok: false; problem: string };

const CODE = /^[A-Za-z0-9_-]{20,64}$/;

function isLocal(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** Checks a workspace address: HTTPS, or plain HTTP on this computer only. */
export function parseWorkspaceUrl(input: string): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return {
      ok: false,
      problem: t('joinNotAddress'),
    };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocal(url.hostname))) {
    return {
      ok: false,
      problem: t('joinNeedsHttps'),
    };
  }
  return { ok: true, url: url.origin };
}

/** Reads `https://<workspace>/join#<code>`, or the address and the code given apart. */
export function parseJoinLink(input: string, separateCode?: string): JoinLinkResult {
  const address = parseWorkspaceUrl(input);
  if (!address.ok) return address;
  let code: string;
  try {
    code = (separateCode ?? decodeURIComponent(new URL(input.trim()).hash.slice(1))).trim();
  } catch {
    // A code cut off inside a %-escape ("#abc%"): not a code, and said so as one.
    return { ok: false, problem: t('joinShortCode') };
  }
  if (!code)
    return {
      ok: false,
      problem: t('joinNoCode'),
    };
  if (!CODE.test(code)) return { ok: false, problem: t('joinShortCode') };
  return { ok: true, link: { workspaceUrl: address.url, code } };
}
