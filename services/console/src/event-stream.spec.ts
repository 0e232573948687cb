import { parseServerSentEvents } from './event-stream';

describe('parseServerSentEvents', () => {
  it('reads named events with ids and keeps an unfinished one for the next chunk', () => {
    const first = parseServerSentEvents('retry: 2000\n\nevent: rollout\nid: 4\ndata: {"a":1}\n\nevent: roll');
    expect(first.events).toEqual([{ event: 'rollout', id: '4', data: '{"a":1}' }]);
    const second = parseServerSentEvents(`${first.rest}out\ndata: {"a":2}\n\n`);
    expect(second).toEqual({ events: [{ event: 'rollout', id: null, data: '{"a":2}' }], rest: '' });
  });

  it('joins data lines, drops comments and events without data, and reads CRLF', () => {
    expect(parseServerSentEvents(': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\nevent: end\r\n\r\n').events).toEqual([{ event: 'message', id: null, data: 'one\ntwo' }]);
  });
});
