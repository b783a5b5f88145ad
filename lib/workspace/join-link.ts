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
  // Proofpoint URL Defense v1: https://urldefense.proofpoint.com/v1/url?u=…
  { host: /^urldefense\.proofpoint\.com$/i, path: /^\/v1\/url$/, param: 'u' },
  // Microsoft Defender for Office 365's Safe Links (Outlook): https://eur01.safelinks.protection.outlook.com/?url=…
  { host: /(^|\.)safelinks\.protection\.outlook\.com$/i, path: /^\/$/, param: 'url' },
  // Google's redirect (Gmail, search results): https://www.google.com/url?q=…
  { host: /^www\.google\.(com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$/i, path: /^\/url$/, param: 'q' },
];

/** Proofpoint's run lengths after `**`: A is 2, B is 3, and so on through the base64url alphabet. */
const RUNS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The link inside one of Proofpoint URL Defense's (as its own decoder reads them, help.proofpoint.com's
 * URLDefenseDecode.py), or null. v2: `urldefense.proofpoint.com/v2/url?u=https-3A__host_join-23CODE&d=…`,
 * `_` for `/` and `-XX` for `%XX`. v3: `urldefense.com/v3/__https://host/join*CODE__;Iw!!…`, each `*` (or
 * `**` and a run length) taking the next characters of the base64 after `__;`.
 */
function urlDefense(url: URL, text: string): string | null {
  if (!/^urldefense(\.proofpoint)?\.com$/i.test(url.hostname)) return null;
  try {
    if (url.pathname === '/v2/url') {
      const inner = url.searchParams.get('u');
      return inner ? decodeURIComponent(inner.replaceAll('_', '/').replaceAll('-', '%')) : null;
    }
    const v3 = /\/v3\/__(.+?)__;([A-Za-z0-9_-]*)!/.exec(text);
    if (!v3) return null;
    const replaced = atob(
      v3[2]!
        .replaceAll('-', '+')
        .replaceAll('_', '/')
        .padEnd(Math.ceil(v3[2]!.length / 4) * 4, '='),
    );
    let at = 0;
    return v3[1]!.replace(/\*(\*.)?/g, (token) => {
      const length = token.length === 1 ? 1 : RUNS.indexOf(token[2]!) + 2;
      const run = replaced.slice(at, at + length);
      at += length;
      return run;
    });
  } catch {
    return null;
  }
}

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
    const inner = wrapper ? url.searchParams.get(wrapper.param) : urlDefense(url, text);
    if (!inner) return text;
    text = inner.trim();
  }
  return text;
}

/**
 * Whitespace and zero-width characters, which no address and no code holds: a mail client wrapping a
 * long link at a line's end (the next line indented), a chat app's zero-width space in a long word.
 * Left in, the code was "not complete", and copying the whole link again gave the same.
 */
const NOT_IN_A_LINK = /[\s\u200b-\u200d\u2060\ufeff]+/g;

/** Reads `https://<workspace>/join#<code>`, or the address and the code given apart. */
export function parseJoinLink(pasted: string, givenApart?: string): JoinLinkResult {
  const input = unwrapJoinLink(pasted.replace(NOT_IN_A_LINK, ''));
  const separateCode = givenApart?.replace(NOT_IN_A_LINK, '');
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
