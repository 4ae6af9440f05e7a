import { promises as dnsPromises } from 'node:dns';
import * as net from 'node:net';
import ipaddr from 'ipaddr.js';
import { EngineError } from '../errors';
import type { OutboundPolicy } from './outbound.types';

/** One resolved address of a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (injectable so tests never touch real DNS). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

/** Why an address was refused (`range` is human readable, e.g. "loopback"). */
export interface Refusal {
  address: string;
  range: string;
  /** No OUTBOUND_ALLOW entry opens it (link-local; cloud metadata is its own range). */
  always?: boolean;
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

// Cloud metadata and host services: they hand out credentials or control the instance, so no
// allow list entry can open them. AWS IMDS (v4/v6; ECS task and EKS pod identity), GCP (IPv6),
// Azure WireServer (168.63.129.16, a public address), Oracle Cloud classic, Alibaba. The whole of
// link-local (169.254.0.0/16, fe80::/10) is refused as well: AWS, GCP, Azure, OCI, OpenStack,
// Tencent and others answer at various addresses there, and nothing a flow integrates lives there.
const METADATA_ADDRESSES = new Set(
  [
    '169.254.169.254',
    '169.254.170.2',
    '169.254.170.23',
    '168.63.129.16',
    '192.0.0.192',
    '100.100.100.200',
    'fd00:ec2::254',
    'fd00:ec2::23',
    'fd20:ce::254',
  ].map((a) => ipaddr.parse(a).toNormalizedString()),
);
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'instance-data',
  'instance-data.ec2.internal',
]);
/** Ranges never reachable, whatever OUTBOUND_ALLOW says (ipaddr.js range names). */
const NEVER_RANGES = new Set(['linkLocal']);

const RANGE_NAMES: Record<string, string> = {
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT',
  rfc6052: 'NAT64 (RFC 6052)',
  rfc6145: 'IPv4-translated (RFC 6145)',
  as112: 'AS112',
  as112v6: 'AS112',
  amt: 'AMT',
  '6to4': '6to4',
  deprecatedSiteLocal: 'site-local',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHIDv2',
  droneRemoteIdProtocolEntityTags: 'DRIP',
  segmentRouting: 'segment-routing',
};

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
const HOST_PATTERN = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const defaultResolver: Resolver = async (host) =>
  (await dnsPromises.lookup(host, { all: true, verbatim: true })) as ResolvedAddress[];

/** Lower-case, no trailing dot, no IPv6 brackets: the form host names are compared in. */
function bareHost(host: string): string {
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

/** IPv4 addresses an IPv6 address carries inside it (NAT64, 6to4, Teredo, IPv4-compatible). */
function embeddedIPv4(a: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = a.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = a.range();
  if (range === 'rfc6052' || range === 'rfc6145') return [v4(p[6], p[7])];
  if (range === '6to4') return [v4(p[1], p[2])];
  if (range === 'teredo') return [v4(p[2], p[3]), v4(p[6] ^ 0xffff, p[7] ^ 0xffff)];
  if (p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) return [v4(p[6], p[7])];
  return [];
}

function isMetadata(a: Addr): boolean {
  if (METADATA_ADDRESSES.has(a.toNormalizedString())) return true;
  return (
    a.kind() === 'ipv6' && embeddedIPv4(a as ipaddr.IPv6).some((v) => METADATA_ADDRESSES.has(v.toNormalizedString()))
  );
}

/** The range name when the address (or an IPv4 address inside it) is in a range no allow list opens. */
function neverRange(a: Addr): string | undefined {
  if (NEVER_RANGES.has(a.range())) return RANGE_NAMES[a.range()];
  if (a.kind() !== 'ipv6') return undefined;
  const inner = embeddedIPv4(a as ipaddr.IPv6).find((v) => NEVER_RANGES.has(v.range()));
  return inner ? RANGE_NAMES[inner.range()] : undefined;
}

/** ipaddr.js's range, except that IPv6 outside 2000::/3 is never treated as public (e.g. ::7f00:1). */
function rangeOf(a: Addr): string {
  const range = a.range();
  if (range === 'unicast' && a.kind() === 'ipv6' && !(a as ipaddr.IPv6).match(GLOBAL_UNICAST_V6)) return 'reserved';
  return range;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** The OUTBOUND_BLOCKED error for a refused address (no URL path, query or credentials in it). */
export function blockedError(host: string, refusal: Refusal): EngineError {
  const why =
    refusal.range === 'cloud metadata'
      ? `${refusal.address} is a cloud metadata address (always refused)`
      : refusal.always
        ? `${refusal.address} is ${article(refusal.range)} address (always refused: cloud metadata services live there)`
        : `${refusal.address} is ${article(refusal.range)} address (add it to OUTBOUND_ALLOW to permit)`;
  return new EngineError('OUTBOUND_BLOCKED', `outbound request to ${host} refused: ${why}`, {
    host,
    address: refusal.address,
  });
}

/**
 * Decides which hosts and addresses outbound requests may reach: everything public, private
 * ranges only via the allow list, cloud metadata never.
 */
export class OutboundGuard {
  private readonly cidrs: [Addr, number][] = [];
  private readonly exactHosts = new Set<string>();
  private readonly hostSuffixes: string[] = [];
  private readonly resolve: Resolver;
  private readonly literalVerdicts = new Map<string, Refusal | null>();

  constructor(policy: OutboundPolicy, opts: { resolve?: Resolver } = {}) {
    this.resolve = opts.resolve ?? defaultResolver;
    for (const raw of policy.allow) this.addAllowEntry(raw);
  }

  /** Refuses a URL whose scheme is not http(s) or whose host (or any address it resolves to) is not permitted. */
  async checkUrl(url: URL): Promise<void> {
    const host = this.precheck(url);
    if (host === null) return;
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code ?? 'ENOTFOUND';
      throw new EngineError('HTTP_NETWORK', `could not resolve ${url.hostname} (${code})`, {
        host: url.hostname,
        code,
      });
    }
    if (addresses.length === 0) {
      throw new EngineError('HTTP_NETWORK', `could not resolve ${url.hostname} (ENOTFOUND)`, { host: url.hostname });
    }
    for (const { address } of addresses) {
      const refusal = this.refusal(address, host);
      if (refusal) throw blockedError(url.hostname, refusal);
    }
  }

  /**
   * The checks that need no DNS (scheme, IP-literal hosts, metadata host names); returns the host
   * name still to be resolved, or null when the host is an IP literal that passed.
   */
  precheck(url: URL): string | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EngineError('URL_INVALID', `only http and https URLs can be called, not ${url.protocol}`, {
        protocol: url.protocol,
      });
    }
    const host = bareHost(url.hostname);
    if (host === '') throw new EngineError('URL_INVALID', 'the URL has no host');
    // WHATWG URL already turned decimal/octal/hex IPv4 forms into dotted decimal.
    if (net.isIP(host) !== 0) {
      // The verdict for a literal never changes: cache it (this runs on every request).
      let refusal = this.literalVerdicts.get(host);
      if (refusal === undefined) {
        refusal = this.refusal(host, host);
        if (this.literalVerdicts.size >= 1024) this.literalVerdicts.clear();
        this.literalVerdicts.set(host, refusal);
      }
      if (refusal) throw blockedError(url.hostname, refusal);
      return null;
    }
    if (METADATA_HOSTS.has(host)) throw blockedError(url.hostname, { address: host, range: 'cloud metadata' });
    return host;
  }

  /** True when the address may be connected to (for this host name, which the allow list may name). */
  isAllowedAddress(ip: string, host?: string): boolean {
    return this.refusal(ip, host) === null;
  }

  /** Why the address is refused, or null when it is permitted. */
  refusal(ip: string, host?: string): Refusal | null {
    let addr: Addr;
    try {
      // Strict syntax first: ipaddr alone would also accept forms like "0x7f.1".
      if (net.isIP(ip) === 0) throw new Error('not an IP');
      addr = ipaddr.process(ip); // unwraps ::ffff:a.b.c.d to IPv4
    } catch {
      return { address: ip, range: 'invalid' };
    }
    const address = addr.toString();
    if (isMetadata(addr)) return { address, range: 'cloud metadata' };
    const never = neverRange(addr);
    if (never) return { address, range: never, always: true };
    if (host !== undefined && this.hostAllowed(bareHost(host))) return null;
    for (const cidr of this.cidrs) {
      if (cidr[0].kind() === addr.kind() && addr.match(cidr)) return null;
    }
    const range = rangeOf(addr);
    return range === 'unicast' ? null : { address, range: RANGE_NAMES[range] ?? range };
  }

  /**
   * A `net.connect` lookup: resolves with the guard's resolver and hands the socket only permitted
   * addresses, so the address connected to is one that was checked (no second resolution to rebind).
   */
  readonly lookup: net.LookupFunction = (hostname, options, callback) => {
    const host = bareHost(hostname);
    if (METADATA_HOSTS.has(host)) {
      process.nextTick(callback, blockedError(hostname, { address: host, range: 'cloud metadata' }), '', 0);
      return;
    }
    const family =
      options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    this.resolve(host).then(
      (addresses) => {
        const permitted: ResolvedAddress[] = [];
        let refused: Refusal | null = null;
        for (const a of addresses) {
          if (family !== 0 && a.family !== family) continue;
          const refusal = this.refusal(a.address, host);
          if (refusal === null) permitted.push(a);
          else refused ??= refusal;
        }
        if (permitted.length === 0) {
          const err = refused
            ? blockedError(hostname, refused)
            : Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
          callback(err, '', 0);
        } else if (options.all) {
          callback(null, permitted);
        } else {
          callback(null, permitted[0].address, permitted[0].family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  private hostAllowed(host: string): boolean {
    if (this.exactHosts.has(host)) return true;
    for (const suffix of this.hostSuffixes) if (host.endsWith(suffix)) return true;
    return false;
  }

  private addAllowEntry(raw: string): void {
    const entry = bareHost(raw.trim());
    if (entry === '') return; // tolerate "a,,b" and an empty OUTBOUND_ALLOW
    const slash = entry.indexOf('/');
    const ipPart = slash === -1 ? entry : entry.slice(0, slash);
    if (net.isIP(ipPart) !== 0) {
      const bits = slash === -1 ? undefined : entry.slice(slash + 1);
      const addr = ipaddr.process(ipPart);
      const max = addr.kind() === 'ipv4' ? 32 : 128;
      // A mapped IPv6 entry (::ffff:10.0.0.0/104) is kept as its IPv4 equivalent.
      const shift = net.isIPv6(ipPart) && addr.kind() === 'ipv4' ? 96 : 0;
      const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) - shift : NaN;
      if (!(prefix >= 0 && prefix <= max)) {
        throw new Error(`OUTBOUND_ALLOW entry "${raw}" has an invalid prefix length (expected /0 to /${max})`);
      }
      this.cidrs.push([addr, prefix]);
      return;
    }
    // A numeric last label would make URL parsing read the host as an IPv4 address instead.
    const numeric = /^(\d+|0x[0-9a-f]*)$/.test(entry.slice(entry.lastIndexOf('.') + 1));
    if (slash !== -1 || numeric || !HOST_PATTERN.test(entry)) {
      throw new Error(
        `OUTBOUND_ALLOW entry "${raw}" is not a host name, *.suffix pattern, IP address or CIDR (e.g. 10.0.0.0/8)`,
      );
    }
    if (entry.startsWith('*.')) this.hostSuffixes.push(entry.slice(1));
    else this.exactHosts.add(entry);
  }
}
