import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Address ranges a webhook may not reach unless the operator allows local webhooks, with their names. */
const RANGES: Array<[label: string, type: 'ipv4' | 'ipv6', network: string, bits: number]> = [
  ['a loopback address', 'ipv4', '127.0.0.0', 8],
  ['a loopback address', 'ipv6', '::1', 128],
  ['a private address', 'ipv4', '10.0.0.0', 8],
  ['a private address', 'ipv4', '172.16.0.0', 12],
  ['a private address', 'ipv4', '192.168.0.0', 16],
  ['a private address', 'ipv4', '100.64.0.0', 10],
  ['a private address', 'ipv6', 'fc00::', 7],
  ['a link-local address', 'ipv4', '169.254.0.0', 16],
  ['a link-local address', 'ipv6', 'fe80::', 10],
  ['a reserved address', 'ipv4', '0.0.0.0', 8],
  ['a reserved address', 'ipv4', '192.0.0.0', 24],
  ['a reserved address', 'ipv4', '192.0.2.0', 24],
  ['a reserved address', 'ipv4', '198.18.0.0', 15],
  ['a reserved address', 'ipv4', '198.51.100.0', 24],
  ['a reserved address', 'ipv4', '203.0.113.0', 24],
  ['a reserved address', 'ipv4', '224.0.0.0', 3],
  ['a reserved address', 'ipv6', '::', 128],
  ['a reserved address', 'ipv6', 'ff00::', 8],
  ['a reserved address', 'ipv6', '2001:db8::', 32],
  ['a reserved address', 'ipv6', '100::', 64],
  // Other ways of spelling an IPv4 address inside IPv6 (mapped, 6to4) could reach any of the above. The
  // well-known NAT64 prefix is judged by the IPv4 address it carries (NAT64_TWINS, below).
  ['an IPv4-mapped address', 'ipv6', '::ffff:0:0', 96],
  // The local-use NAT64 prefix (RFC 8215): a network's own translator reaches its private IPv4 space.
  ['an IPv4-mapped address', 'ipv6', '64:ff9b:1::', 48],
  ['an IPv4-mapped address', 'ipv6', '2002::', 16],
];
/**
 * On an IPv6-only network with DNS64 (some clouds' and ISPs' default), every IPv4-only host, Slack's
 * and Teams' webhooks among them, resolves to an address in 64:ff9b::/96 carrying its IPv4 address in
 * the last 32 bits, which the network's NAT64 gateway reaches: refusing the whole prefix refused every
 * webhook there. It is refused where the IPv4 address it carries would be (RFC 6052 forbids the
 * prefix for private IPv4 space anyway, and a gateway might still translate it).
 */
const NAT64_TWINS: typeof RANGES = RANGES.filter(([, type]) => type === 'ipv4').map(
  ([label, , network, bits]) => [`${label} through NAT64`, 'ipv6', `64:ff9b::${network}`, 96 + bits],
);
const LISTS = [...RANGES, ...NAT64_TWINS].map(([label, type, network, bits]) => {
  const list = new BlockList();
  list.addSubnet(network, bits, type);
  return { label, type, list };
});

/** What kind of non-public address this is ("a loopback address"), or null when it is public. */
export function nonPublicKind(address: string): string | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'not an address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Same family only: BlockList also matches an IPv4 address against IPv4-mapped IPv6 ranges.
  return LISTS.find((range) => range.type === type && range.list.check(bare, type))?.label ?? null;
}

export class WebhookTargetRefused extends Error {
  constructor(host: string, address: string, kind: string) {
    super(
      `The webhook must reach a public server: ${host} is ${address === host ? '' : `at ${address}, `}${kind}. ` +
        'Local webhooks need the server started with --allow-local-webhooks.',
    );
    this.name = 'WebhookTargetRefused';
  }
}

/**
 * A `lookup` for node:http(s) that resolves the host and refuses it when any of its addresses is not
 * public. The connection then goes to the address checked here, so a DNS answer that changes between
 * the check and the connection (rebinding) cannot slip a private address in.
 */
export function publicOnlyLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { ...options, all: true } as never, (error, found) => {
    const addresses = found as unknown as LookupAddress[];
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const kind = nonPublicKind(address);
      if (kind) return callback(new WebhookTargetRefused(hostname, address, kind), []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    if (!first) return callback(new Error(`${hostname} has no address`), []);
    callback(null, first.address, first.family);
  });
}

/**
 * Checks where a webhook address leads, after DNS: throws WebhookTargetRefused for a private, loopback,
 * link-local or reserved address unless local webhooks are allowed.
 */
export async function checkWebhookTarget(url: string, allowLocal: boolean): Promise<void> {
  if (allowLocal) return;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    const kind = nonPublicKind(host);
    if (kind) throw new WebhookTargetRefused(host, host, kind);
    return;
  }
  await new Promise<void>((resolve, reject) =>
    publicOnlyLookup(host, { all: true }, (error) => (error ? reject(error) : resolve())),
  );
}
