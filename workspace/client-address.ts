import { BlockList, isIP, isIPv4 } from 'node:net';
import type { Context } from 'hono';

/**
 * Which proxies stand in front of the server: a number of hops (true is one), or the proxies'
 * addresses (CIDR ranges allowed). Nothing trusted: X-Forwarded-For is ignored.
 */
export type TrustProxy = boolean | number | readonly string[];

/**
 * ::ffff:127.0.0.1 is 127.0.0.1: one address, one spelling. Zone ids (fe80::1%eth0) are dropped, and so
 * is a port some proxies write after the address in X-Forwarded-For (Azure Application Gateway's
 * 203.0.113.7:5001, [2001:db8::1]:5001): counted with it, a client that reconnected for each join-code
 * guess was a new client each time.
 */
export function normalizeAddress(address: string): string {
  const bare = address
    .trim()
    .replace(/^\[(.*)\](?::\d+)?$/, '$1')
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1')
    .replace(/%.*$/, '');
  const mapped = bare.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  return (mapped ? mapped[1]! : bare).toLowerCase();
}

function proxyList(addresses: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of addresses) {
    const [address, bits] = normalizeAddress(entry).split('/') as [string, string | undefined];
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/**
 * The client's address: the connection's peer, or — behind trusted proxies — the entry of
 * X-Forwarded-For just left of the last trusted proxy. Each proxy appends the address it was reached
 * from, so only the right end of the header is the proxies' word; the left end is whatever the client
 * wrote, and is never taken while a trusted entry lies further right.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trust: TrustProxy = false,
): string {
  const chain = [
    normalizeAddress(peer),
    ...(forwardedFor ?? '').split(',').map(normalizeAddress).filter(Boolean).reverse(),
  ];
  if (trust === false || trust === 0) return chain[0]!;
  if (trust === true || typeof trust === 'number') {
    const hops = trust === true ? 1 : trust;
    return chain[Math.min(hops, chain.length - 1)]!;
  }
  const proxies = proxyList(trust);
  let index = 0;
  while (index < chain.length - 1) {
    const address = chain[index]!;
    const type = isIP(address);
    if (type === 0 || !proxies.check(address, type === 4 ? 'ipv4' : 'ipv6')) break;
    index++;
  }
  return chain[index]!;
}

/** WorkspaceConfig's clientIp for a server with this trust. */
export function clientAddressReader(trust: TrustProxy | undefined): (c: Context) => string {
  return (c) => {
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    return clientAddress(
      incoming?.socket?.remoteAddress ?? 'unknown',
      c.req.header('X-Forwarded-For'),
      trust,
    );
  };
}

/** An IPv6 address's first four groups: one host owns a whole /64 and can rotate through it freely. */
function prefix64(address: string): string | null {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (right.some((group) => group.includes('.')) || left.some((group) => group.includes('.'))) return null;
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  if (groups.length !== 8) return null;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** What a client is counted as by rate limits: its IPv4 address, or its IPv6 /64. */
export function rateLimitSubject(address: string): string {
  const normalized = normalizeAddress(address);
  return isIP(normalized) === 6 ? (prefix64(normalized) ?? normalized) : normalized;
}
