import { DEFAULT_LISTEN_BACKLOG, listenBacklogFrom } from './listen-backlog';

describe('listenBacklogFrom', () => {
  it('takes the kernel limit as written in /proc/sys/net/core/somaxconn', () => {
    expect(listenBacklogFrom('4096\n')).toBe(4096);
    expect(listenBacklogFrom('128')).toBe(128);
  });

  it("falls back to Node's 511 when the file is missing, empty or not a positive integer", () => {
    for (const text of [null, '', '\n', '0', '-1', 'abc', '4096 extra', '1.5']) {
      expect(listenBacklogFrom(text)).toBe(DEFAULT_LISTEN_BACKLOG);
    }
  });
});
