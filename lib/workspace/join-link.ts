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

/** Hosts that wrap a link clicked in mail: the link itself is in their query. */
const WRAPPERS: Array<{ host: RegExp; path: RegExp; param: string }> = [
  // Microsoft Defender for Office 365's Safe Links (Outlook): https://eur01.safelinks.protection.outlook.com/?url=…
  { host: /(^|\.)safelinks\.protection\.outlook\.com$/i, path: /^\/$/, param: 'url' },
  // Google's redirect (Gmail, search results): https://www.google.com/url?q=…
  { host: /^www\.google\.[a-z.]+$/i, path: /^\/url$/, param: 'q' },
];

/**
 * The join link as it was sent, from what a rep pasted: the link copied out of a mail client comes in
 * angle brackets (`<https://…>`, as plain-text mail writes links), quotes, or with the sentence's full
 * stop or bracket after it, or wrapped by the company's mail security (Outlook's Safe Links put the
 * whole link, its code included, in their own link's query: pasted as it was, the rep was told the
 * link had no code, or was sent to Microsoft's host).
 */
export function unwrapJoinLink(input: string): string {
  let text = input
    .trim()
    .replace(/^[<"'([]+/, '')
    .replace(/[>"'.,;:!?)\]]+$/, '');
  for (let depth = 0; depth < 3; depth++) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return text;
    }
    const wrapper = WRAPPERS.find((w) => w.host.test(url.hostname) && w.path.test(url.pathname));
    const inner = wrapper ? url.searchParams.get(wrapper.param) : null;
    if (!inner) return text;
    text = inner.trim();
  }
  return text;
}

/** Reads `https://<workspace>/join#<code>`, or the address and the code given apart. */
export function parseJoinLink(pasted: string, separateCode?: string): JoinLinkResult {
  const input = unwrapJoinLink(pasted);
  const address = parseWorkspaceUrl(input);
  if (!address.ok) return address;
  let code: string;
  try {
    code = (separateCode ?? decodeURIComponent(new URL(input).hash.slice(1))).trim();
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
