/** Where rendered JSON first goes wrong (JSON.parse messages carry no reliable position across Node versions). */
export interface JsonFault {
  /** 0-based offset in the text. */
  offset: number;
  line: number;
  column: number;
  reason: string;
  excerpt: string;
}

// What the scanner expects next.
const Mode = { Value: 0, After: 1, Key: 2 } as const;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_BODY = /(?:[^"\\\x00-\x1F]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;

function describe(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  const c = text.charAt(i);
  return c < ' ' ? JSON.stringify(c) : `"${c}"`;
}

/** Scans `text` as JSON (RFC 8259) and returns the first fault, or undefined when it is valid. */
export function findJsonFault(text: string): JsonFault | undefined {
  const n = text.length;
  const stack: number[] = []; // '[' or '{' char codes; iterative so deep nesting cannot overflow
  let i = 0;
  let mode: number = Mode.Value;
  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const fault = (reason: string): JsonFault => locate(text, i, reason);
  const string = (): JsonFault | undefined => {
    i++;
    STRING_BODY.lastIndex = i;
    STRING_BODY.exec(text);
    i = STRING_BODY.lastIndex;
    if (i >= n) return fault('unterminated string');
    const c = text.charAt(i);
    if (c === '"') {
      i++;
      return undefined;
    }
    if (c === '\\') return fault('invalid escape in string');
    return fault(`control character ${JSON.stringify(c)} inside a string (it must be escaped)`);
  };
  for (;;) {
    skipWs();
    if (mode === Mode.Value) {
      const c = text.charAt(i);
      if (c === '{' || c === '[') {
        i++;
        skipWs();
        if (text.charAt(i) === (c === '{' ? '}' : ']')) {
          i++;
          mode = Mode.After;
        } else {
          stack.push(c.charCodeAt(0));
          mode = c === '{' ? Mode.Key : Mode.Value;
        }
        continue;
      }
      if (c === '"') {
        const f = string();
        if (f) return f;
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return fault('invalid number');
        i += m[0].length;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else return fault(`expected a value, found ${describe(text, i)}`);
      mode = Mode.After;
    } else if (mode === Mode.Key) {
      if (text.charAt(i) !== '"') return fault(`expected a property name in double quotes, found ${describe(text, i)}`);
      const f = string();
      if (f) return f;
      skipWs();
      if (text.charAt(i) !== ':') return fault(`expected ":" after a property name, found ${describe(text, i)}`);
      i++;
      mode = Mode.Value;
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? fault(`unexpected ${describe(text, i)} after the JSON value`) : undefined;
      const close = top === 0x7b ? '}' : ']';
      const c = text.charAt(i);
      if (c === ',') {
        i++;
        mode = top === 0x7b ? Mode.Key : Mode.Value;
      } else if (c === close) {
        i++;
        stack.pop();
      } else return fault(`expected "," or "${close}", found ${describe(text, i)}`);
    }
  }
}

const EXCERPT_SIDE = 30;

function visible(s: string): string {
  return s.replace(/[\x00-\x1F\x7F]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function locate(text: string, offset: number, reason: string): JsonFault {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) lineEnd = text.length;
  const from = Math.max(lineStart, offset - EXCERPT_SIDE);
  const to = Math.min(lineEnd, offset + EXCERPT_SIDE);
  const excerpt =
    (from > lineStart ? '…' : '') + visible(text.slice(from, to).replace(/\r$/, '')) + (to < lineEnd ? '…' : '');
  return { offset, line, column: offset - lineStart + 1, reason, excerpt };
}
