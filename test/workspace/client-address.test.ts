import { describe, expect, it } from 'vitest';
import { clientAddress, rateLimitSubject } from '../../workspace/client-address';

describe('the client address behind proxies', () => {
  it.each([
    ['no trust: the peer, whatever the header says', '10.0.0.1', '6.6.6.6', false, '10.0.0.1'],
    ['one hop: the last entry', '10.0.0.1', '6.6.6.6, 203.0.113.7', 1, '203.0.113.7'],
    ['true is one hop', '10.0.0.1', '6.6.6.6, 203.0.113.7', true, '203.0.113.7'],
    ['two hops', '10.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2', 2, '203.0.113.7'],
    ['more hops than entries: the leftmost there is', '10.0.0.1', '203.0.113.7', 3, '203.0.113.7'],
    ['no header: the peer', '10.0.0.1', undefined, 1, '10.0.0.1'],
    ['listed proxies', '10.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2', ['10.0.0.0/8'], '203.0.113.7'],
    ['a peer that is not a listed proxy', '198.51.100.1', '6.6.6.6', ['10.0.0.0/8'], '198.51.100.1'],
    ['an IPv4-mapped peer', '::ffff:127.0.0.1', '6.6.6.6, 203.0.113.7', ['127.0.0.1'], '203.0.113.7'],
  ] as const)('%s', (_, peer, header, trust, expected) => {
    expect(clientAddress(peer, header, trust as never)).toBe(expected);
  });

  it('counts IPv6 clients per /64 and IPv4 clients per address', () => {
    expect(rateLimitSubject('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitSubject('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitSubject('203.0.113.7')).toBe('203.0.113.7');
  });
});
