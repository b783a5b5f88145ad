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
    // Azure Application Gateway writes the client's port after its address.
    ['an entry with a port', '10.0.0.1', '203.0.113.7:5001', 1, '203.0.113.7'],
    ['an IPv6 entry with a port', '10.0.0.1', '[2001:db8::1]:5001', 1, '2001:db8::1'],
    [
      'a listed proxy with a port',
      '10.0.0.1',
      '203.0.113.7:5001, 10.0.0.2:443',
      ['10.0.0.0/8'],
      '203.0.113.7',
    ],
  ] as const)('%s', (_, peer, header, trust, expected) => {
    expect(clientAddress(peer, header, trust as never)).toBe(expected);
  });

  it('counts IPv6 clients per /64 and IPv4 clients per address', () => {
    expect(rateLimitSubject('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitSubject('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitSubject('203.0.113.7')).toBe('203.0.113.7');
    // A new connection (another port) is the same client.
    expect(rateLimitSubject(clientAddress('10.0.0.1', '203.0.113.7:5001', 1))).toBe(
      rateLimitSubject(clientAddress('10.0.0.1', '203.0.113.7:5002', 1)),
    );
    // An IPv6 address is not taken for one with a port.
    expect(rateLimitSubject('2001:db8::5001')).toBe('2001:db8:0:0::/64');
  });
});
