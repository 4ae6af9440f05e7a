import { createHash, createHmac } from 'node:crypto';
import { EngineError } from '../errors';
import { compileTemplate } from './index';
import { SecretBag, SECRETS } from './secret-value';

const CANARY = 'CANARY-s3cr3t-7f1e';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const scope = (extra: Record<string, unknown> = {}) => ({
  connection: { callcenterId: 'cc-1' },
  call: { id: 'c-9' },
  nodes: {},
  vars: {},
  now: '',
  [SECRETS]: new SecretBag({ apiKey: CANARY }),
  ...extra,
});
const render = (t: string, ctx: 'header' | 'json' | 'url' | 'text' = 'header', s: object = scope()) =>
  compileTemplate(t, ctx).render(s);
const failure = (f: () => unknown): EngineError => {
  try {
    f();
  } catch (err) {
    return err as EngineError;
  }
  throw new Error('expected a failure');
};

describe('connection secrets in templates', () => {
  it('hashes a secret, alone or concatenated with other values', () => {
    expect(render('{{md5 secrets.apiKey}}')).toBe(md5(CANARY));
    expect(render('{{md5 (concat connection.callcenterId secrets.apiKey call.id)}}')).toBe(md5(`cc-1${CANARY}c-9`));
    expect(render('{{sha256 (concat (concat "a" secrets.apiKey) "b")}}')).toBe(
      createHash('sha256').update(`a${CANARY}b`).digest('hex'),
    );
    expect(render('{{hmacSha256 secrets.apiKey call.id}}')).toBe(
      createHmac('sha256', CANARY).update('c-9').digest('hex'),
    );
    expect(render('"{{md5 secrets.apiKey}}"', 'json')).toBe(`"${md5(CANARY)}"`);
  });

  it('never renders a secret as itself: printing, JSON, other helpers and comparisons fail or see nothing', () => {
    for (const t of [
      '{{secrets.apiKey}}',
      '{{{secrets.apiKey}}}',
      '{{concat "x" secrets.apiKey}}',
      '{{lower secrets.apiKey}}',
      '{{substring secrets.apiKey 0 1}}',
      '{{json secrets.apiKey}}',
      '{{base64 secrets.apiKey}}',
      '{{md5 (substring secrets.apiKey 0 1)}}',
      '{{@root.secrets.apiKey}}',
    ]) {
      for (const ctx of ['header', 'json', 'url', 'text'] as const) {
        const e = failure(() => render(t, ctx));
        expect({ t, ctx, code: e.code }).toEqual({ t, ctx, code: 'TEMPLATE_RENDER' });
        expect(e.message).not.toContain(CANARY);
      }
    }
    expect(render('{{#if (eq secrets.apiKey "CANARY-s3cr3t-7f1e")}}yes{{else}}no{{/if}}')).toBe('no');
    expect(render('{{length secrets.apiKey}}|{{lookup secrets.apiKey "0"}}')).toBe('0|');
    // The bag sits under a symbol: JSON of the whole scope does not show it.
    expect(render('{{json @root}}', 'text')).not.toContain(CANARY);
  });

  it('a secret the connection does not have, or no connection at all, is an error (never an empty string)', () => {
    expect(failure(() => render('{{md5 secrets.nope}}')).message).toContain('the connection has no secret "nope"');
    const { [SECRETS]: _bag, ...noConnection } = scope();
    expect(failure(() => render('{{md5 secrets.apiKey}}', 'header', noConnection)).message).toContain(
      'in nodes with a connection',
    );
    expect(failure(() => render('{{md5 secrets}}')).message).toContain('write secrets.<name>');
  });

  it('a raw bag (the token endpoint request) renders the secret as text', () => {
    expect(
      render('{"password": "{{secrets.apiKey}}"}', 'json', {
        [SECRETS]: new SecretBag({ apiKey: 'p"w' }, { raw: true }),
      }),
    ).toBe('{"password": "p\\"w"}');
  });
});

describe('hashes of secrets are noted with their bag (they are credentials of the request)', () => {
  it('notes md5/hmac outputs made of a secret, through concat too; nothing for hashes of plain values', () => {
    const s = scope();
    const bag = s[SECRETS];
    render('{{md5 call.id}}', 'header', s);
    expect(bag.derived).toBeUndefined();
    const template =
      '{{md5 (concat connection.callcenterId secrets.apiKey)}}-{{hmacSha256 "k" (concat "x" secrets.apiKey)}}';
    render(template, 'header', s);
    expect(bag.derived).toEqual([md5(`cc-1${CANARY}`), createHmac('sha256', 'k').update(`x${CANARY}`).digest('hex')]);
  });
});
