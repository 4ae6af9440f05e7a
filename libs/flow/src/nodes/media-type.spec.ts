import {
  answerContentType,
  formatMediaType,
  isScriptContentType,
  mediaTypeProblem,
  parseMediaType,
} from './media-type';

describe('media types of trigger answers', () => {
  it('parses one media type (RFC 9110): token essence, token or quoted parameters, empty parameters', () => {
    const html = { type: 'text', subtype: 'html', params: [['charset', 'UTF-8']] };
    expect(parseMediaType('Text/HTML ; Charset="UTF-8"')).toEqual(html);
    expect(parseMediaType('text/plain;')).toEqual({ type: 'text', subtype: 'plain', params: [] });
    const mixed = {
      type: 'multipart',
      subtype: 'mixed',
      params: [
        ['boundary', 'a"b c'],
        ['x', '1'],
      ],
    };
    expect(parseMediaType('multipart/mixed; boundary="a\\"b c"; x=1')).toEqual(mixed);
    const api = { type: 'application', subtype: 'vnd.api+json', params: [] };
    expect(parseMediaType('application/vnd.api+json')).toEqual(api);
  });

  it.each([
    'text/plain, application/javascript',
    'application/javascript ,',
    'text/javascript(x)',
    'module',
    'text/ html',
    'text /html',
    'text/html; charset',
    'text/html; charset=',
    'text/html; =utf-8',
    'text/html; a="unterminated',
    'text/html; a=b c',
    '',
    '*',
    'text/plain,text/html',
    'text/Čapek',
    'text/html; a="Č"',
    'text/html\r\nx: y',
    `text/${'a'.repeat(300)}`,
  ])('refuses what is not one media type: %j', (value) => {
    expect(parseMediaType(value)).toBeUndefined();
    expect(mediaTypeProblem(value)).toBeDefined();
  });

  it('finds a script type anywhere in the value, whatever the case (browsers take the last of a list)', () => {
    const scripts = [
      'text/plain, application/javascript',
      ' application/ECMAScript ;x=1',
      'text/JavaScript1.5',
      'text/plain; x="a, text/javascript"',
      'text/jscript',
      'application/x-javascript',
    ];
    for (const v of scripts) {
      expect(isScriptContentType(v)).toBe(true);
      expect(mediaTypeProblem(v)).toMatch(/JavaScript/);
    }
    for (const v of ['application/json', 'text/html', 'text/plain', 'application/java-archive']) {
      expect(isScriptContentType(v)).toBe(false);
    }
  });

  it('writes the answer type one way; script becomes text, anything malformed octet-stream', () => {
    const params: [string, string][] = [
      ['header', 'present'],
      ['x', 'a b'],
      ['q', 'a"b'],
    ];
    const csv = { type: 'text', subtype: 'csv', params };
    expect(formatMediaType(csv)).toBe('text/csv; header=present; x="a b"; q="a\\"b"');
    expect(answerContentType('TEXT/HTML ; Charset="UTF-8"')).toBe('text/html; charset=UTF-8');
    expect(answerContentType('text/plain, application/javascript')).toBe('text/plain; charset=utf-8');
    expect(answerContentType('text/javascript(x)')).toBe('text/plain; charset=utf-8');
    expect(answerContentType('module')).toBe('application/octet-stream');
    expect(answerContentType('audio/mpeg')).toBe('audio/mpeg');
    // What it writes parses back to itself.
    for (const v of ['text/html; a="x;y"', 'multipart/mixed; boundary="a\\"b"', 'text/plain;;charset=utf-8']) {
      const out = answerContentType(v);
      expect(answerContentType(out)).toBe(out);
    }
  });
});
