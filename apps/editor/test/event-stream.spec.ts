import { eventStreamParser, type ServerEvent } from '../src/api/event-stream';

/** Feeds `text` to a new parser cut into the given chunk sizes; returns the events. */
function parse(text: string, cut: number[] = [text.length]): ServerEvent[] {
  const events: ServerEvent[] = [];
  const push = eventStreamParser((e) => events.push(e));
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const size = cut[i % cut.length]!;
    push(text.slice(at, at + size));
    at += size;
  }
  return events;
}

describe('event stream parser (server-sent events over fetch)', () => {
  const stream =
    ': keep-alive\n\n' +
    'event: progress\nid: 1\ndata: {"succeeded":1}\n\n' +
    'event: progress\r\nid: 2\r\ndata: {"succeeded":2}\r\n\r\n' +
    'data: line one\ndata: line two\n\n' +
    'event: empty\n\n' +
    'event: progress\ndata:{"succeeded":3}\n\n';
  const expected: ServerEvent[] = [
    { event: 'progress', id: '1', data: '{"succeeded":1}' },
    { event: 'progress', id: '2', data: '{"succeeded":2}' },
    { event: 'message', id: '2', data: 'line one\nline two' },
    { event: 'progress', id: '2', data: '{"succeeded":3}' },
  ];

  it('reads events, skipping comments and events without data; LF, CRLF and data on several lines', () => {
    expect(parse(stream)).toEqual(expected);
  });

  it('gives the same events whatever the chunks the network cut (a CRLF split included)', () => {
    for (const cut of [[1], [2], [3, 5], [7], [16, 1], [64]]) expect(parse(stream, cut)).toEqual(expected);
  });

  it('waits for the blank line that ends an event', () => {
    expect(parse('event: progress\ndata: {}\n')).toEqual([]);
  });
});
