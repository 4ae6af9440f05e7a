import * as fc from 'fast-check';
import { EngineError } from '../errors';
import { OutboundGuard, type ResolvedAddress, type Resolver } from './outbound-guard';

// No test here touches the network: only checkUrl/isAllowedAddress/lookup with fake resolvers.
const noDns: Resolver = async (host) => {
  throw new Error(`unexpected DNS lookup of ${host}`);
};
const fakeDns =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const list = table[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(guard: OutboundGuard, url: string): Promise<EngineError | undefined> {
  try {
    await guard.checkUrl(new URL(url));
    return undefined;
  } catch (err) {
    return err as EngineError;
  }
}

describe('OutboundGuard.isAllowedAddress', () => {
  const guard = new OutboundGuard({ allow: [] }, { resolve: noDns });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.255.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'NAT64 (RFC 6052)'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'], // Azure WireServer (a public address)
    ['192.0.0.192', 'cloud metadata'], // Oracle Cloud classic
    ['fd20:ce::254', 'cloud metadata'], // GCP over IPv6
    ['::ffff:168.63.129.16', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['2002:a9fe:a9fe::1', 'cloud metadata'],
    ['0x7f.1', 'invalid'],
    ['not-an-ip', 'invalid'],
  ])('refuses %s (%s)', (ip, range) => {
    expect(guard.isAllowedAddress(ip)).toBe(false);
    expect(guard.refusal(ip)?.range).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8', '172.32.0.1', '100.128.0.1'])(
    'permits public %s',
    (ip) => expect(guard.isAllowedAddress(ip)).toBe(true),
  );
});

describe('OutboundGuard allow list', () => {
  it('permits single IPs, CIDRs (v4, v6, mapped) and host names, exact or *.suffix, case-insensitively', () => {
    const guard = new OutboundGuard(
      {
        allow: [
          ' 127.0.0.1 ',
          '10.0.0.0/8',
          'fd00::/8',
          '::ffff:192.168.0.0/112',
          'Intranet.Example',
          '*.svc.local',
          '',
        ],
      },
      { resolve: noDns },
    );
    expect(guard.isAllowedAddress('127.0.0.1')).toBe(true);
    expect(guard.isAllowedAddress('::ffff:127.0.0.1')).toBe(true);
    expect(guard.isAllowedAddress('127.0.0.2')).toBe(false);
    expect(guard.isAllowedAddress('10.200.0.1')).toBe(true);
    expect(guard.isAllowedAddress('fd00::1')).toBe(true);
    expect(guard.isAllowedAddress('fc00::1')).toBe(false);
    expect(guard.isAllowedAddress('192.168.3.4')).toBe(true);
    expect(guard.isAllowedAddress('192.169.3.4')).toBe(true); // public anyway
    expect(guard.isAllowedAddress('172.16.0.1')).toBe(false);
    expect(guard.isAllowedAddress('172.16.0.1', 'intranet.example')).toBe(true);
    expect(guard.isAllowedAddress('172.16.0.1', 'INTRANET.EXAMPLE.')).toBe(true);
    expect(guard.isAllowedAddress('172.16.0.1', 'a.b.svc.local')).toBe(true);
    expect(guard.isAllowedAddress('172.16.0.1', 'svc.local')).toBe(false);
    expect(guard.isAllowedAddress('172.16.0.1', 'evilsvc.local')).toBe(false);
  });

  it('never permits cloud metadata, whatever the allow list says', async () => {
    const guard = new OutboundGuard(
      { allow: ['169.254.0.0/16', '0.0.0.0/0', '::/0', 'metadata.google.internal', '*.internal', 'imds.test'] },
      { resolve: fakeDns({ 'imds.test': ['169.254.169.254'] }) },
    );
    const metadata = [
      '169.254.169.254',
      '169.254.170.2',
      'fd00:ec2::254',
      '100.100.100.200',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
    ];
    for (const ip of [...metadata, '168.63.129.16', '192.0.0.192', 'fd20:ce::254']) {
      expect([ip, guard.isAllowedAddress(ip, 'imds.test')]).toEqual([ip, false]);
    }
    const urls = [
      'http://metadata.google.internal/',
      'http://169.254.169.254/',
      'http://imds.test/',
      'http://[fd00:ec2::254]/',
    ];
    for (const url of [...urls, 'http://168.63.129.16/machine?comp=goalstate', 'http://metadata.tencentyun.com/']) {
      const err = await refusal(guard, url);
      expect(err?.code).toBe('OUTBOUND_BLOCKED');
      expect(err?.message).toContain('cloud metadata');
    }
  });

  it('never permits link-local addresses either (metadata services of many clouds live there)', async () => {
    const allow = ['169.254.0.0/16', 'fe80::/10', '0.0.0.0/0', '::/0', 'll.test'];
    const guard = new OutboundGuard({ allow }, { resolve: noDns });
    for (const ip of ['169.254.1.1', '169.254.0.23', 'fe80::1', '::ffff:169.254.1.1', '64:ff9b::a9fe:101']) {
      expect([ip, guard.isAllowedAddress(ip, 'll.test')]).toEqual([ip, false]);
    }
    const err = await refusal(guard, 'http://169.254.0.23/');
    expect(err?.code).toBe('OUTBOUND_BLOCKED');
    expect(err?.message).toBe(
      'outbound request to 169.254.0.23 refused: 169.254.0.23 is a link-local address ' +
        '(always refused: cloud metadata services live there)',
    );
    // Private ranges are still opened by the allow list.
    expect(guard.isAllowedAddress('10.1.2.3')).toBe(true);
  });

  it.each([
    'http://example.com',
    '10.0.0.0/33',
    '10.0.0.0/',
    '1.2.3.4/x',
    'exa mple.com',
    '*.',
    '*',
    '0x7f.1',
    '127.1',
    'a/b',
    '-bad.com',
  ])('rejects the bad entry %p at construction, naming it', (entry) => {
    expect(() => new OutboundGuard({ allow: [entry] })).toThrow(`"${entry}"`);
  });
});

describe('OutboundGuard.checkUrl', () => {
  const dns = fakeDns({
    'public.test': ['93.184.216.34', '2606:2800:220:1::1'],
    'mixed.test': ['93.184.216.34', '10.0.0.1'],
    'loop.test': ['127.0.0.1'],
  });
  const guard = new OutboundGuard({ allow: [] }, { resolve: dns });

  it('accepts public hosts and public IP literals', async () => {
    expect(await refusal(guard, 'https://user:secret@public.test/x?token=1')).toBeUndefined();
    expect(await refusal(guard, 'http://93.184.216.34:8080/')).toBeUndefined();
  });

  it('refuses a host if any of its addresses is refused', async () => {
    expect((await refusal(guard, 'http://mixed.test/'))?.code).toBe('OUTBOUND_BLOCKED');
  });

  it('refuses with a message naming host, address and range, never path, query or credentials', async () => {
    const err = await refusal(guard, 'http://admin:hunter2@loop.test:8080/secret?key=abc');
    expect(err).toBeInstanceOf(EngineError);
    expect(err?.code).toBe('OUTBOUND_BLOCKED');
    expect(err?.message).toBe(
      'outbound request to loop.test refused: 127.0.0.1 is a loopback address (add it to OUTBOUND_ALLOW to permit)',
    );
    expect(err?.details).toEqual({ host: 'loop.test', address: '127.0.0.1' });
    expect(JSON.stringify([err?.message, err?.details])).not.toMatch(/hunter2|admin|secret|abc/);
  });

  it('rejects non-http schemes with URL_INVALID and reports DNS failures as HTTP_NETWORK', async () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://127.0.0.1/',
      'data:text/plain,x',
      'ws://x/',
    ]) {
      expect((await refusal(guard, url))?.code).toBe('URL_INVALID');
    }
    expect((await refusal(guard, 'http://nowhere.test/'))?.code).toBe('HTTP_NETWORK');
  });
});

describe('OutboundGuard.lookup', () => {
  const guard = new OutboundGuard(
    { allow: ['127.0.0.2'] },
    { resolve: fakeDns({ 'both.test': ['127.0.0.1', '127.0.0.2', '::1'], 'loop.test': ['127.0.0.1', '::1'] }) },
  );
  const lookup = (host: string, options: { all?: boolean; family?: number }) =>
    new Promise<unknown>((resolve, reject) =>
      guard.lookup(host, options, (err, address, family) =>
        err ? reject(err) : resolve(options.all ? address : [address, family]),
      ),
    );

  it('hands on only permitted addresses', async () => {
    expect(await lookup('both.test', { all: true })).toEqual([{ address: '127.0.0.2', family: 4 }]);
    expect(await lookup('both.test', {})).toEqual(['127.0.0.2', 4]);
  });

  it('fails with OUTBOUND_BLOCKED when nothing is permitted, passes DNS errors on', async () => {
    await expect(lookup('loop.test', { all: true })).rejects.toMatchObject({ code: 'OUTBOUND_BLOCKED' });
    await expect(lookup('metadata.google.internal', {})).rejects.toMatchObject({ code: 'OUTBOUND_BLOCKED' });
    await expect(lookup('nowhere.test', {})).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(lookup('both.test', { family: 6 })).rejects.toMatchObject({ code: 'OUTBOUND_BLOCKED' });
  });
});

describe('OutboundGuard property: private IPv4 in any spelling is refused', () => {
  const guard = new OutboundGuard({ allow: [] }, { resolve: noDns });
  const ranges: [number, number][] = [
    [0x7f000000, 8], // 127/8
    [0x0a000000, 8], // 10/8
    [0xc0a80000, 16], // 192.168/16
    [0xa9fe0000, 16], // 169.254/16
  ];
  const address = fc
    .tuple(fc.constantFrom(...ranges), fc.integer({ min: 0, max: 0xffffffff }))
    .map(([[base, bits], r]) => (base | (r >>> bits)) >>> 0);
  const octets = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const spellings: ((n: number) => string)[] = [
    (n) => octets(n).join('.'),
    (n) => String(n),
    (n) => `0x${n.toString(16)}`,
    (n) => `0X${n.toString(16).toUpperCase()}`,
    (n) =>
      octets(n)
        .map((o) => `0${o.toString(8)}`)
        .join('.'),
    (n) =>
      octets(n)
        .map((o) => `0x${o.toString(16)}`)
        .join('.'),
    (n) => `${n >>> 24}.${n & 0xffffff}`, // a.b24
    (n) => `${n >>> 24}.${(n >>> 16) & 255}.${n & 0xffff}`, // a.b.c16
    (n) => `[::ffff:${octets(n).join('.')}]`,
    (n) => `[::ffff:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}]`,
  ];

  it('checkUrl refuses it (no DNS is consulted)', async () => {
    await fc.assert(
      fc.asyncProperty(address, fc.constantFrom(...spellings), fc.boolean(), async (n, spell, trailingDot) => {
        const host = spell(n) + (trailingDot && !spell(n).startsWith('[') ? '.' : '');
        const err = await refusal(guard, `http://${host}/`);
        expect(err?.code).toBe('OUTBOUND_BLOCKED');
        expect(guard.isAllowedAddress(octets(n).join('.'))).toBe(false);
        expect(guard.isAllowedAddress(`::ffff:${octets(n).join('.')}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
