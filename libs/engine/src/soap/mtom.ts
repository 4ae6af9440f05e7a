/** One part of a multipart/related (MTOM) answer. */
export interface MimePart {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_PARTS = 100;

/** The boundary of a `multipart/related` content type, or undefined when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/related\b/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Splits a multipart body into its parts (RFC 2046), byte-exact: node-soap's own parser loads
 * formidable through a dynamic import, which is not available everywhere the engine runs.
 * Throws when the body has no part or no closing delimiter.
 */
export function parseMultipart(body: Buffer, boundary: string): MimePart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MimePart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('the multipart answer has no part');
  for (;;) {
    let start = at + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // `--boundary--`: the end
    if (parts.length >= MAX_PARTS) throw new Error(`the multipart answer has more than ${MAX_PARTS} parts`);
    // The rest of the delimiter line (transport padding), then the part's headers up to a blank line.
    const lineEnd = body.indexOf('\r\n', start);
    if (lineEnd < 0) throw new Error('the multipart answer ends inside a delimiter line');
    start = lineEnd + 2;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) throw new Error('the multipart answer has no closing delimiter');
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const headers: Record<string, string> = {};
    let content = start;
    if (headerEnd >= 0 && headerEnd < next) {
      for (const line of body.subarray(start, headerEnd).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      content = headerEnd + 4;
    } else if (body[start] === 0x0d && body[start + 1] === 0x0a) {
      content = start + 2; // no headers
    }
    parts.push({ headers, body: Buffer.from(body.subarray(content, next)) });
    at = next + 2;
  }
  if (parts.length === 0) throw new Error('the multipart answer has no part');
  return parts;
}
