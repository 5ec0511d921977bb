/**
 * Which clients may use the proxy (Settings.allowIps / denyIps). The deny list wins; when an allow
 * list is given, only the addresses in it may connect. Entries are single addresses or CIDR ranges,
 * IPv4 or IPv6, read with the same parser the settings validators use.
 */
import net from 'node:net';
import { parseIpRange, type IpRange } from '../../src-shared/model/policy-values.js';

export type IpCheck = { allowed: true } | { allowed: false; reason: string };

interface Entry {
  text: string;
  range: IpRange;
}

/** A client on an IPv4 socket of a dual-stack server shows as ::ffff:10.0.0.1; people write 10.0.0.1. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

function addEntry(list: net.BlockList, range: IpRange): void {
  list.addSubnet(range.address, range.prefix, range.family);
}

/** The address as a person writes it (no zone id, IPv4 unmapped) and its family; null when it is not an address. */
function normalize(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const bare = ip.split('%')[0]!;
  const address = MAPPED_IPV4.exec(bare)?.[1] ?? bare;
  const version = net.isIP(address);
  if (version === 0) return null;
  return { address, family: version === 4 ? 'ipv4' : 'ipv6' };
}

class Ranges {
  /** One list answers the common question fast; the entries are searched only to name a match. */
  private readonly all = new net.BlockList();
  private readonly entries: Entry[];

  /** Throws the parser's Error for an entry that is not an address or range. */
  constructor(texts: string[]) {
    this.entries = texts.map((text) => ({ text: text.trim(), range: parseIpRange(text) }));
    for (const { range } of this.entries) addEntry(this.all, range);
  }

  get size(): number {
    return this.entries.length;
  }

  // BlockList compares IPv4 with IPv4-mapped IPv6 entries (and back), so ::ffff:10.0.0.0/104 also holds 10.1.2.3.
  has(address: string, family: 'ipv4' | 'ipv6'): boolean {
    return this.all.check(address, family);
  }

  /** The entry, as written, that holds the address. */
  matching(address: string, family: 'ipv4' | 'ipv6'): string {
    const entry = this.entries.find(({ range }) => {
      const one = new net.BlockList();
      addEntry(one, range);
      return one.check(address, family);
    });
    return entry?.text ?? '?';
  }
}

export class IpList {
  private readonly allow: Ranges;
  private readonly deny: Ranges;

  /** Throws an Error naming the first entry that is not an IP address or CIDR range. */
  constructor(allow: string[], deny: string[]) {
    this.allow = new Ranges(allow);
    this.deny = new Ranges(deny);
  }

  /** Whether any client can be refused (with both lists empty, check() always allows). */
  get restricts(): boolean {
    return this.allow.size > 0 || this.deny.size > 0;
  }

  /** ip: the client's address as the socket reports it; undefined when the socket no longer knows it. */
  check(ip: string | undefined): IpCheck {
    const client = ip === undefined ? null : normalize(ip);
    if (!client) {
      // An address we cannot read cannot be in the deny list, nor shown to be in the allow list.
      if (this.allow.size === 0) return { allowed: true };
      return { allowed: false, reason: `The client's address (${ip ?? 'unknown'}) cannot be read, and only addresses in the allow list may connect.` };
    }
    const { address, family } = client;
    if (this.deny.has(address, family)) {
      return { allowed: false, reason: `${address} is in the deny list (${this.deny.matching(address, family)}).` };
    }
    if (this.allow.size > 0 && !this.allow.has(address, family)) {
      return { allowed: false, reason: `${address} is not in the allow list.` };
    }
    return { allowed: true };
  }
}
