import { addRespondHeaders, writableHeaderValue } from './respond-answer-headers';

describe('addRespondHeaders: what a respond node may add to a webhook answer', () => {
  const answer = (headers: Record<string, string>, contentType?: string) => ({
    status: 200,
    headers,
    body: '',
    raw: '',
    contentType,
  });

  it('keeps ordinary headers (lower-cased) and drops cookies, security headers, framing and CORS', () => {
    const out: Record<string, string> = { 'x-execution-id': 'e1' };
    addRespondHeaders(
      out,
      answer(
        {
          'X-Ref': '42',
          'Cache-Control': 'no-store',
          'Set-Cookie': 'a=b',
          'content-security-policy': 'default-src *',
          'X-Frame-Options': 'ALLOWALL',
          'Strict-Transport-Security': 'max-age=0',
          'Cross-Origin-Opener-Policy': 'unsafe-none',
          'Content-Length': '1',
          'Access-Control-Allow-Origin': '*',
        },
        'text/html',
      ),
    );
    expect(out).toEqual({
      'x-execution-id': 'e1',
      'x-ref': '42',
      'cache-control': 'no-store',
      'content-type': 'text/html',
    });
  });

  it('turns a JavaScript content type (from the body or a header) into text', () => {
    const fromBody: Record<string, string> = {};
    addRespondHeaders(fromBody, answer({}, 'application/javascript'));
    expect(fromBody['content-type']).toBe('text/plain; charset=utf-8');
    const fromHeader: Record<string, string> = {};
    addRespondHeaders(fromHeader, answer({ 'Content-Type': 'text/ecmascript;charset=utf-8' }, 'text/plain'));
    expect(fromHeader['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('makes the content type one well-formed media type: a list or a malformed type is never passed on', () => {
    const typeOf = (contentType: string) => {
      const out: Record<string, string> = {};
      addRespondHeaders(out, answer({}, contentType));
      return out['content-type'];
    };
    expect(typeOf('text/plain, application/javascript')).toBe('text/plain; charset=utf-8');
    expect(typeOf('text/plain, text/html')).toBe('application/octet-stream');
    expect(typeOf('module')).toBe('application/octet-stream');
    expect(typeOf('text/plain; charset="utf-8"')).toBe('text/plain; charset=utf-8');
    expect(typeOf('Audio/MPEG')).toBe('audio/mpeg');
    expect(typeOf('text/Čapek')).toBe('application/octet-stream');
  });

  it('sends a value with characters beyond Latin-1 percent-encoded (UTF-8), Latin-1 and ASCII as they are', () => {
    const out: Record<string, string> = {};
    addRespondHeaders(out, answer({ 'X-Customer': 'Čapek, Karel', 'X-Latin': 'Müller', 'X-Plain': 'a b' }));
    expect(out).toEqual({ 'x-customer': '%C4%8Capek%2C%20Karel', 'x-latin': 'Müller', 'x-plain': 'a b' });
    expect(writableHeaderValue('a\uD800b')).toBe('a%EF%BF%BDb');
    expect(writableHeaderValue('\u{1F600}')).toBe('%F0%9F%98%80');
  });
});
