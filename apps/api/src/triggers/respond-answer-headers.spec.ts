import { addRespondHeaders } from './respond-answer-headers';

describe('addRespondHeaders: what a respond node may add to a webhook answer', () => {
  const answer = (headers: Record<string, string>, contentType?: string) =>
    ({ status: 200, headers, body: '', raw: '', contentType });

  it('keeps ordinary headers (lower-cased) and drops cookies, security headers, framing and CORS', () => {
    const out: Record<string, string> = { 'x-execution-id': 'e1' };
    addRespondHeaders(out, answer({
      'X-Ref': '42', 'Cache-Control': 'no-store', 'Set-Cookie': 'a=b', 'content-security-policy': 'default-src *',
      'X-Frame-Options': 'ALLOWALL', 'Strict-Transport-Security': 'max-age=0', 'Cross-Origin-Opener-Policy': 'unsafe-none',
      'Content-Length': '1', 'Access-Control-Allow-Origin': '*',
    }, 'text/html'));
    expect(out).toEqual({
      'x-execution-id': 'e1', 'x-ref': '42', 'cache-control': 'no-store', 'content-type': 'text/html',
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
});
