import { PortError, type BusMessage, type MessageBus } from '@roost/ports';
import { eventually, sleep } from '../eventually';

export interface BusFixture {
  readonly bus: MessageBus;
  /** A second client of the same backend: what one publishes, the other sees. */
  readonly peer: MessageBus;
  close(): Promise<void>;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
/** Long enough for a stray delivery to show up on either backend. */
const QUIET_MS = 150;

/** The MessageBus contract; each test gets a fresh fixture. */
export function describeMessageBusContract(name: string, setup: () => Promise<BusFixture>): void {
  describe(`MessageBus contract: ${name}`, () => {
    let fx: BusFixture;
    beforeEach(async () => (fx = await setup()));
    afterEach(async () => fx.close());

    const collect = (bus: MessageBus, subject: string, queue?: string): BusMessage[] => {
      const got: BusMessage[] = [];
      bus.subscribe(subject, (m) => got.push(m), queue ? { queue } : undefined);
      return got;
    };

    it('delivers a message to every subscriber whose pattern matches, across clients', async () => {
      const exact = collect(fx.peer, 'a.b.c');
      const star = collect(fx.peer, 'a.*.c');
      const tail = collect(fx.peer, 'a.>');
      const other = collect(fx.peer, 'x.>');
      await fx.peer.flush();
      fx.bus.publish('a.b.c', text('hello'));
      await fx.bus.flush();
      await eventually(() => exact.length === 1 && star.length === 1 && tail.length === 1);
      expect(exact.map((m) => [m.subject, str(m.data)])).toEqual([['a.b.c', 'hello']]);
      await sleep(QUIET_MS);
      expect(other).toHaveLength(0);
    });

    it('matches one token with * and one or more tokens with >', async () => {
      const oneToken = collect(fx.bus, 'a.*');
      const rest = collect(fx.bus, 'a.>');
      const deeper = collect(fx.bus, 'a.b.c.>');
      await fx.bus.flush();
      for (const subject of ['a', 'a.b', 'a.b.c']) fx.bus.publish(subject, text(subject));
      await eventually(() => rest.length === 2);
      await sleep(QUIET_MS);
      expect(oneToken.map((m) => m.subject)).toEqual(['a.b']);
      expect(rest.map((m) => m.subject)).toEqual(['a.b', 'a.b.c']);
      expect(deeper).toHaveLength(0);
    });

    it('keeps the publish order for each subscriber', async () => {
      const got = collect(fx.peer, 'order.test');
      await fx.peer.flush();
      for (let i = 0; i < 50; i++) fx.bus.publish('order.test', text(String(i)));
      await eventually(() => got.length === 50);
      expect(got.map((m) => Number(str(m.data)))).toEqual([...Array(50).keys()]);
    });

    it('gives each message to exactly one member of a queue group and all to plain subscribers', async () => {
      const first = collect(fx.bus, 'work.item', 'workers');
      const second = collect(fx.peer, 'work.item', 'workers');
      const audit = collect(fx.peer, 'work.item');
      await Promise.all([fx.bus.flush(), fx.peer.flush()]);
      for (let i = 0; i < 40; i++) fx.bus.publish('work.item', text(String(i)));
      await eventually(() => audit.length === 40 && first.length + second.length === 40);
      await sleep(QUIET_MS);
      const handled = [...first, ...second].map((m) => Number(str(m.data))).sort((a, b) => a - b);
      expect(handled).toEqual([...Array(40).keys()]);
    });

    it('stops delivering after unsubscribe', async () => {
      const got: BusMessage[] = [];
      const sub = fx.peer.subscribe('stop.me', (m) => got.push(m));
      await fx.peer.flush();
      fx.bus.publish('stop.me', text('1'));
      await eventually(() => got.length === 1);
      sub.unsubscribe();
      await fx.peer.flush();
      fx.bus.publish('stop.me', text('2'));
      await fx.bus.flush();
      await sleep(QUIET_MS);
      expect(got).toHaveLength(1);
    });

    it('calls handlers after publish returns, never from inside it', async () => {
      let calls = 0;
      fx.bus.subscribe('async.check', () => calls++);
      await fx.bus.flush();
      fx.bus.publish('async.check', text('x'));
      expect(calls).toBe(0);
      await eventually(() => calls === 1);
    });

    it('keeps delivering after a handler throws', async () => {
      const got: string[] = [];
      fx.peer.subscribe('throwing', (m) => {
        got.push(str(m.data));
        throw new Error('handler failure');
      });
      await fx.peer.flush();
      fx.bus.publish('throwing', text('1'));
      fx.bus.publish('throwing', text('2'));
      await eventually(() => got.length === 2);
      expect(got).toEqual(['1', '2']);
    });

    it('answers a request with the responder reply', async () => {
      fx.peer.subscribe('svc.echo', (m) => m.respond?.(text(`echo:${str(m.data)}`)));
      await fx.peer.flush();
      const reply = await fx.bus.request('svc.echo', text('ping'), { timeoutMs: 2_000 });
      expect(str(reply)).toBe('echo:ping');
    });

    it('offers no respond function for a plain publish', async () => {
      const got = collect(fx.peer, 'plain.msg');
      await fx.peer.flush();
      fx.bus.publish('plain.msg', text('x'));
      await eventually(() => got.length === 1);
      expect(got.map((m) => typeof m.respond)).toEqual(['undefined']);
    });

    it('uses the first answer when a queue group serves requests', async () => {
      fx.bus.subscribe('svc.q', (m) => m.respond?.(text('a')), { queue: 'svc' });
      fx.peer.subscribe('svc.q', (m) => m.respond?.(text('b')), { queue: 'svc' });
      await Promise.all([fx.bus.flush(), fx.peer.flush()]);
      const replies = await Promise.all([...Array(6)].map(() => fx.bus.request('svc.q', text('?'), { timeoutMs: 2_000 })));
      expect(replies.map(str).every((r) => r === 'a' || r === 'b')).toBe(true);
    });

    it('rejects a request nobody listens to with no_responders', async () => {
      const error = await fx.bus.request('svc.nobody', text('x'), { timeoutMs: 2_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortError);
      expect((error as PortError).code).toBe('no_responders');
    });

    it('rejects a request that gets no answer in time with timeout', async () => {
      fx.peer.subscribe('svc.silent', () => undefined);
      await fx.peer.flush();
      const started = Date.now();
      const error = await fx.bus.request('svc.silent', text('x'), { timeoutMs: 200 }).catch((e: unknown) => e);
      expect((error as PortError).code).toBe('timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    });
  });
}
