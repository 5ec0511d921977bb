import { describe, expect, it } from 'vitest';
import { IpList } from '../../src-main/policy/ip-list.js';

describe('IpList', () => {
  it('allows everyone when both lists are empty', () => {
    const list = new IpList([], []);
    expect(list.restricts).toBe(false);
    expect(list.check('203.0.113.9')).toEqual({ allowed: true });
    expect(list.check(undefined)).toEqual({ allowed: true });
  });

  it('refuses denied addresses and ranges, naming the entry that matched', () => {
    const list = new IpList([], ['10.0.0.0/8', ' 192.168.1.9 ', 'fd00::/8']);
    expect(list.restricts).toBe(true);
    expect(list.check('10.1.2.3')).toEqual({ allowed: false, reason: '10.1.2.3 is in the deny list (10.0.0.0/8).' });
    expect(list.check('192.168.1.9')).toEqual({ allowed: false, reason: '192.168.1.9 is in the deny list (192.168.1.9).' });
    expect(list.check('fd12:3456::1')).toEqual({ allowed: false, reason: 'fd12:3456::1 is in the deny list (fd00::/8).' });
    expect(list.check('11.0.0.1')).toEqual({ allowed: true });
    expect(list.check('192.168.1.10')).toEqual({ allowed: true });
    expect(list.check('2001:db8::1')).toEqual({ allowed: true });
  });

  it('lets only allowed addresses in when an allow list is given', () => {
    const list = new IpList(['127.0.0.1', '::1', '192.168.0.0/16'], []);
    expect(list.check('127.0.0.1')).toEqual({ allowed: true });
    expect(list.check('::1')).toEqual({ allowed: true });
    expect(list.check('192.168.44.1')).toEqual({ allowed: true });
    expect(list.check('10.0.0.1')).toEqual({ allowed: false, reason: '10.0.0.1 is not in the allow list.' });
    expect(list.check('2001:db8::1')).toEqual({ allowed: false, reason: '2001:db8::1 is not in the allow list.' });
  });

  it('checks the deny list before the allow list', () => {
    const list = new IpList(['10.0.0.0/8'], ['10.6.6.0/24']);
    expect(list.check('10.1.1.1')).toEqual({ allowed: true });
    expect(list.check('10.6.6.6')).toEqual({ allowed: false, reason: '10.6.6.6 is in the deny list (10.6.6.0/24).' });
  });

  it('matches IPv4-mapped IPv6 clients against IPv4 entries, and shows them as IPv4', () => {
    const list = new IpList(['192.168.0.0/16'], ['192.168.9.0/24']);
    expect(list.check('::ffff:192.168.1.5')).toEqual({ allowed: true });
    expect(list.check('::FFFF:192.168.9.5')).toEqual({ allowed: false, reason: '192.168.9.5 is in the deny list (192.168.9.0/24).' });
    expect(list.check('::ffff:10.0.0.1')).toEqual({ allowed: false, reason: '10.0.0.1 is not in the allow list.' });
    // The hexadecimal spelling of the same mapped address (c0a8:105 = 192.168.1.5).
    expect(list.check('::ffff:c0a8:105')).toEqual({ allowed: true });
  });

  it('matches IPv4 clients against IPv4-mapped IPv6 entries', () => {
    const list = new IpList([], ['::ffff:10.0.0.0/104']);
    expect(list.check('10.9.9.9')).toMatchObject({ allowed: false });
    expect(list.check('11.0.0.1')).toEqual({ allowed: true });
  });

  it('ignores an IPv6 zone id', () => {
    const list = new IpList([], ['fe80::/10']);
    expect(list.check('fe80::1%eth0')).toEqual({ allowed: false, reason: 'fe80::1 is in the deny list (fe80::/10).' });
  });

  it('refuses an unknown or unreadable address only when an allow list exists', () => {
    expect(new IpList([], ['10.0.0.0/8']).check(undefined)).toEqual({ allowed: true });
    const allowing = new IpList(['127.0.0.1'], []);
    expect(allowing.check(undefined)).toEqual({
      allowed: false,
      reason: "The client's address (unknown) cannot be read, and only addresses in the allow list may connect.",
    });
    expect(allowing.check('not-an-ip')).toMatchObject({ allowed: false });
  });

  it('accepts /0 ranges and rejects entries that are not addresses, with the parser\'s reason', () => {
    expect(new IpList([], ['0.0.0.0/0']).check('8.8.8.8')).toMatchObject({ allowed: false });
    expect(new IpList([], ['::/0']).check('2001:db8::1')).toMatchObject({ allowed: false });
    expect(() => new IpList(['example.com'], [])).toThrow(/"example.com" is not an IP address or CIDR range/);
    expect(() => new IpList([], ['10.0.0.0/33'])).toThrow(/prefix length must be 0 to 32/);
  });
});
