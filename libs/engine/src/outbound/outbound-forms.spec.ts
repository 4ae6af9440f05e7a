import { LoopbackServer } from '../../test/loopback';
import { OutboundClient } from './outbound-client';
import type { ResolvedAddress } from './outbound-guard';

// Every target below is refused BEFORE any connect: IP literals by the URL check, host names by
// the connector's lookup. Servers listen only on 127.0.0.0/8; names resolve through a fake DNS.

const DNS: Record<string, string[]> = {
  localhost: ['127.0.0.1', '::1'],
  'sub.localhost': ['127.0.0.1'],
  'loop4.test': ['127.0.0.1'],
  'loop6.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'ten.test': ['10.0.0.1'],
  'home.test': ['192.168.1.1'],
  'corp.test': ['172.16.0.1'],
  'imds.test': ['169.254.169.254'],
  'ula.test': ['fd00::1'],
  'linklocal.test': ['fe80::1'],
  'cgnat.test': ['100.64.0.1'],
  'zero.test': ['0.0.0.0'],
  'mixed.test': ['127.0.0.1', '10.0.0.1', '::1'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
  '10.0.0.1.sslip.io': ['10.0.0.1'],
};

function fakeResolver(table: Record<string, string[] | (() => string[])>) {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<ResolvedAddress[]> => {
    calls.push(host);
    const entry = table[host.toLowerCase().replace(/\.$/, '')];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const list = typeof entry === 'function' ? entry() : entry;
    return list.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a refusal, got a response');
}

type Expect = 'OUTBOUND_BLOCKED' | 'URL_INVALID';
/** [label, URL for port p, expected code, also usable as a Location header] */
const FORMS: [string, (p: number) => string, Expect, boolean?][] = [
  ['dotted loopback', (p) => `http://127.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['short 127.1', (p) => `http://127.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['decimal integer', (p) => `http://2130706433:${p}/`, 'OUTBOUND_BLOCKED'],
  ['hex integer', (p) => `http://0x7f000001:${p}/`, 'OUTBOUND_BLOCKED'],
  ['hex first octet', (p) => `http://0x7f.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['hex a.b24', (p) => `http://0x7f.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['hex every octet', (p) => `http://0x7F.0x0.0x0.0x1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['octal first octet', (p) => `http://0177.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['octal integer', (p) => `http://017700000001:${p}/`, 'OUTBOUND_BLOCKED'],
  ['zero-padded octets', (p) => `http://127.000.000.001:${p}/`, 'OUTBOUND_BLOCKED'],
  ['trailing dot IP', (p) => `http://127.0.0.1.:${p}/`, 'OUTBOUND_BLOCKED'],
  ['percent-encoded IP', (p) => `http://%31%32%37.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['ideographic dots', (p) => `http://127\u30020\u30020\u30021:${p}/`, 'OUTBOUND_BLOCKED', false],
  ['IPv6 loopback', (p) => `http://[::1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv4-mapped dotted', (p) => `http://[::ffff:127.0.0.1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv4-mapped hex', (p) => `http://[::ffff:7f00:1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv4-mapped long form', (p) => `http://[0:0:0:0:0:ffff:127.0.0.1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv4-compatible', (p) => `http://[::127.0.0.1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['NAT64 loopback', (p) => `http://[64:ff9b::7f00:1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['6to4 loopback', (p) => `http://[2002:7f00:1::]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['0.0.0.0', (p) => `http://0.0.0.0:${p}/`, 'OUTBOUND_BLOCKED'],
  ['bare 0', (p) => `http://0:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv6 unspecified', (p) => `http://[::]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['localhost', (p) => `http://localhost:${p}/`, 'OUTBOUND_BLOCKED'],
  ['localhost trailing dot', (p) => `http://localhost.:${p}/`, 'OUTBOUND_BLOCKED'],
  ['LOCALHOST', (p) => `http://LOCALHOST:${p}/`, 'OUTBOUND_BLOCKED'],
  ['*.localhost', (p) => `http://sub.localhost:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 127.0.0.1', (p) => `http://loop4.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → ::1', (p) => `http://loop6.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → ::ffff:127.0.0.1', (p) => `http://mapped.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 10.0.0.1', (p) => `http://ten.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 192.168.1.1', (p) => `http://home.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 172.16.0.1', (p) => `http://corp.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 169.254.169.254', (p) => `http://imds.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → fd00::1', (p) => `http://ula.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → fe80::1', (p) => `http://linklocal.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 100.64.0.1', (p) => `http://cgnat.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → 0.0.0.0', (p) => `http://zero.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['name → several private', (p) => `http://mixed.test:${p}/`, 'OUTBOUND_BLOCKED'],
  ['nip.io style', (p) => `http://127.0.0.1.nip.io:${p}/`, 'OUTBOUND_BLOCKED'],
  ['sslip.io style', (p) => `http://10.0.0.1.sslip.io:${p}/`, 'OUTBOUND_BLOCKED'],
  ['AWS metadata', (p) => `http://169.254.169.254:${p}/latest/meta-data`, 'OUTBOUND_BLOCKED'],
  ['AWS metadata hex', (p) => `http://0xa9fea9fe:${p}/latest/meta-data`, 'OUTBOUND_BLOCKED'],
  ['AWS metadata IPv6', (p) => `http://[fd00:ec2::254]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['ECS task metadata', (p) => `http://169.254.170.2:${p}/v2/credentials`, 'OUTBOUND_BLOCKED'],
  ['Alibaba metadata', (p) => `http://100.100.100.200:${p}/`, 'OUTBOUND_BLOCKED'],
  ['metadata mapped', (p) => `http://[::ffff:169.254.169.254]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['metadata NAT64', (p) => `http://[64:ff9b::a9fe:a9fe]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['GCP metadata name', (p) => `http://metadata.google.internal:${p}/computeMetadata/v1/`, 'OUTBOUND_BLOCKED'],
  ['GCP metadata name, odd case + dot', (p) => `http://METADATA.Google.Internal.:${p}/`, 'OUTBOUND_BLOCKED'],
  ['GCP metadata fullwidth m', (p) => `http://\uff4detadata.google.internal:${p}/`, 'OUTBOUND_BLOCKED', false],
  ['bare metadata name', (p) => `http://metadata:${p}/`, 'OUTBOUND_BLOCKED'],
  ['Azure metadata name', (p) => `http://metadata.azure.internal:${p}/`, 'OUTBOUND_BLOCKED'],
  ['private 10/8', (p) => `http://10.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['private 192.168/16', (p) => `http://192.168.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['private 172.16/12', (p) => `http://172.31.255.255:${p}/`, 'OUTBOUND_BLOCKED'],
  ['private octal', (p) => `http://0300.0250.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['carrier-grade NAT', (p) => `http://100.64.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['link-local', (p) => `http://169.254.1.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['unique-local', (p) => `http://[fc00::1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv6 link-local', (p) => `http://[fe80::1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['multicast', (p) => `http://224.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['IPv6 multicast', (p) => `http://[ff02::1]:${p}/`, 'OUTBOUND_BLOCKED'],
  ['broadcast', (p) => `http://255.255.255.255:${p}/`, 'OUTBOUND_BLOCKED'],
  ['reserved 240/4', (p) => `http://240.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['TEST-NET', (p) => `http://192.0.2.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['credentials in URL', (p) => `http://user:pw@127.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['https loopback', (p) => `https://127.0.0.1:${p}/`, 'OUTBOUND_BLOCKED'],
  ['ftp scheme', (p) => `ftp://127.0.0.1:${p}/`, 'URL_INVALID'],
  ['file scheme', () => 'file:///etc/passwd', 'URL_INVALID'],
  ['gopher scheme', (p) => `gopher://127.0.0.1:${p}/_GET`, 'URL_INVALID'],
  ['invalid IPv4', (p) => `http://256.0.0.1:${p}/`, 'URL_INVALID'],
];

describe('outbound guard: refused address forms (nothing may connect)', () => {
  let target: LoopbackServer; // what every form points at; must see 0 connections
  let redirector: LoopbackServer;
  let client: OutboundClient;
  let allowing: OutboundClient;
  const dns = fakeResolver(DNS);
  const req = (c: OutboundClient, url: string) =>
    c.request({ method: 'GET', url, timeoutMs: 2000, maxResponseBytes: 1024 });

  beforeAll(async () => {
    target = await LoopbackServer.start('127.0.0.1');
    target.on('/', (_req, res) => res.end('reached'));
    redirector = await LoopbackServer.start('127.0.0.2');
    redirector.on('/to', (seen, res) => {
      res.writeHead(302, { location: new URL(seen.url, 'http://x').searchParams.get('u')! });
      res.end();
    });
    redirector.on('/chain', (seen, res) => {
      const n = Number(new URL(seen.url, 'http://x').searchParams.get('n'));
      if (n === 0) return void res.end('end of chain');
      res.writeHead(302, { location: `/chain?n=${n - 1}` });
      res.end();
    });
    client = new OutboundClient({ policy: { allow: [] }, resolve: dns });
    allowing = new OutboundClient({ policy: { allow: ['127.0.0.2'] }, resolve: dns });
  });

  afterAll(async () => {
    await Promise.all([client.close(), allowing.close()]);
    await Promise.all([target.close(), redirector.close()]);
  });

  it(`has at least 40 forms (${FORMS.length})`, () => expect(FORMS.length).toBeGreaterThanOrEqual(40));

  it.each(FORMS)('refuses %s', async (_label, form, code) => {
    const err = await failure(req(client, form(target.port)));
    expect({ code: err.code, message: err.message }).toMatchObject({ code });
    expect(target.connections).toBe(0);
  });

  it.each(FORMS.filter(([, , , asLocation]) => asLocation !== false))(
    'refuses a redirect to %s',
    async (_label, form, code) => {
      const before = redirector.seen.length;
      const err = await failure(
        req(allowing, `http://127.0.0.2:${redirector.port}/to?u=${encodeURIComponent(form(target.port))}`),
      );
      expect(err.code).toBe(code);
      expect(redirector.seen.length).toBe(before + 1); // the redirect itself was served
      expect(target.connections).toBe(0);
    },
  );

  it('follows 5 redirects but not 6', async () => {
    const ok = await req(allowing, `http://127.0.0.2:${redirector.port}/chain?n=5`);
    expect({ status: ok.status, body: ok.body.toString(), redirects: ok.redirects }).toEqual({
      status: 200,
      body: 'end of chain',
      redirects: 5,
    });
    const err = await failure(req(allowing, `http://127.0.0.2:${redirector.port}/chain?n=6`));
    expect(err.code).toBe('HTTP_REDIRECTS');
  });

  it('DNS rebinding: an address checked first is not trusted later; sockets only get checked addresses', async () => {
    let answers = 0;
    // A public-looking answer for the check, loopback afterwards. The public address only ever
    // reaches checkUrl (which does not connect), never a socket.
    const rebinding = fakeResolver({ 'rebind.test': () => (answers++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']) });
    const c = new OutboundClient({ policy: { allow: [] }, resolve: rebinding });
    try {
      await c.guard.checkUrl(new URL(`http://rebind.test:${target.port}/`));
      const err = await failure(req(c, `http://rebind.test:${target.port}/`));
      expect(err.code).toBe('OUTBOUND_BLOCKED');
      expect(err.message).toContain('127.0.0.1 is a loopback address');
      expect(target.connections).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('DNS rebinding: an allowed answer for the check, a refused one at connect time', async () => {
    let answers = 0;
    const rebinding = fakeResolver({ 'rebind.test': () => (answers++ === 0 ? ['127.0.0.2'] : ['127.0.0.1']) });
    const c = new OutboundClient({ policy: { allow: ['127.0.0.2'] }, resolve: rebinding });
    try {
      await c.guard.checkUrl(new URL(`http://rebind.test:${target.port}/`));
      expect((await failure(req(c, `http://rebind.test:${target.port}/`))).code).toBe('OUTBOUND_BLOCKED');
      expect(target.connections).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('connects to the permitted address of a name that also resolves to refused ones', async () => {
    const c = new OutboundClient({
      policy: { allow: ['127.0.0.2'] },
      resolve: fakeResolver({ 'split.test': ['127.0.0.1', '::1', '127.0.0.2'] }),
    });
    try {
      const res = await req(c, `http://split.test:${redirector.port}/chain?n=0`);
      expect(res.body.toString()).toBe('end of chain');
      expect(target.connections).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('verifies the peer the socket actually reached, even if the lookup was fooled', async () => {
    const other = await LoopbackServer.start('127.0.0.3');
    const c = new OutboundClient({ policy: { allow: [] }, resolve: fakeResolver({ 'fooled.test': ['127.0.0.3'] }) });
    // Simulate a lookup that let a loopback address through: only the post-connect check remains.
    const real = c.guard.refusal.bind(c.guard);
    let calls = 0;
    jest.spyOn(c.guard, 'refusal').mockImplementation((ip, host) => (calls++ === 0 ? null : real(ip, host)));
    try {
      const err = await failure(req(c, `http://fooled.test:${other.port}/`));
      expect(err.code).toBe('OUTBOUND_BLOCKED');
      expect(other.seen.length).toBe(0); // connected, then destroyed before a byte was sent
    } finally {
      await c.close();
      await other.close();
    }
  });

  it('saw no connection at all on the target', () => {
    expect(target.connections).toBe(0);
    expect(target.seen).toEqual([]);
  });
});
