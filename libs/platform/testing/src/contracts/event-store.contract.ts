import { STREAMS, subjects } from '@roost/contracts';
import { ConcurrencyConflictError, PortError, type EventStore, type StoredEvent } from '@roost/ports';
import { eventually, sleep } from '../eventually';

export interface EventStoreFixture {
  /** A store on an empty backend holding the declared topology streams. */
  readonly store: EventStore;
  /** Another client of the same backend, as a restarted process would have. */
  reopen(): Promise<EventStore>;
  /** Stops consumers the test left running and closes every client. */
  close(): Promise<void>;
}

const ROLLOUTS = STREAMS.rolloutEvents.name;
const FLEET = STREAMS.fleetEvents.name;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const rollout = (id: string): string => subjects.rolloutEvents(id);
const QUIET_MS = 300;

/**
 * The EventStore contract. Each test gets a fresh, empty backend; the fixture's redelivery
 * delay should be short (~100 ms).
 */
export function describeEventStoreContract(name: string, setup: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fx: EventStoreFixture;
    beforeEach(async () => (fx = await setup()));
    afterEach(async () => fx.close());

    describe('append and read', () => {
      it('numbers events per stream from 1 and reports the last sequence', async () => {
        expect(await fx.store.lastSequence(ROLLOUTS)).toBe(0);
        const a = await fx.store.append(rollout('r1'), text('a'));
        const b = await fx.store.append(rollout('r2'), text('b'));
        const f = await fx.store.append(subjects.fleetAgentEvent('agent1', 'connected'), text('f'));
        expect([a.sequence, b.sequence, f.sequence]).toEqual([1, 2, 1]);
        expect(a.duplicate).toBe(false);
        expect(await fx.store.lastSequence(ROLLOUTS)).toBe(2);
        expect(await fx.store.lastSequence(FLEET)).toBe(1);
      });

      it('reads the events of a subject filter in sequence order with their metadata', async () => {
        await fx.store.append(rollout('r1'), text('one'));
        await fx.store.append(rollout('r2'), text('other'));
        await fx.store.append(rollout('r1'), text('two'));
        const events = await fx.store.read(rollout('r1'));
        expect(events.map((e) => [e.stream, e.subject, e.sequence, str(e.data)])).toEqual([
          [ROLLOUTS, rollout('r1'), 1, 'one'],
          [ROLLOUTS, rollout('r1'), 3, 'two'],
        ]);
        const [first, second] = events.map((e) => e.storedAt);
        expect(first).toBeGreaterThan(Date.UTC(2020, 0, 1));
        expect(second).toBeGreaterThanOrEqual(first ?? Infinity);
      });

      it('keeps the bytes appended even when the caller reuses its buffer afterwards (Buffer or Uint8Array)', async () => {
        const buffer = Buffer.from('first');
        await fx.store.append(rollout('r1'), buffer);
        buffer.write('XXXXX');
        const array = text('second');
        await fx.store.append(rollout('r1'), array);
        array.fill(0);
        expect((await fx.store.read(rollout('r1'))).map((e) => str(e.data))).toEqual(['first', 'second']);
      });

      it('reads with wildcards and from a given sequence', async () => {
        await fx.store.append(subjects.fleetAgentEvent('a1', 'connected'), text('1'));
        await fx.store.append(subjects.fleetAgentEvent('a2', 'health'), text('2'));
        await fx.store.append(subjects.fleetAgentEvent('a1', 'health'), text('3'));
        await fx.store.append(subjects.fleetAgentEvent('a1', 'disconnected'), text('4'));
        const seqs = (events: StoredEvent[]): number[] => events.map((e) => e.sequence);
        expect(seqs(await fx.store.read(subjects.fleetAgentAll('a1')))).toEqual([1, 3, 4]);
        expect(seqs(await fx.store.read('fleet.agent.*.health'))).toEqual([2, 3]);
        expect(seqs(await fx.store.read(subjects.fleetAll, { fromSequence: 3 }))).toEqual([3, 4]);
        expect(await fx.store.read(subjects.fleetAgentAll('nobody'))).toEqual([]);
      });

      it('reads many events in one call', async () => {
        for (let i = 0; i < 700; i++) await fx.store.append(rollout(`bulk${i % 3}`), text(String(i)));
        const events = await fx.store.read(subjects.rolloutEventsAll);
        expect(events).toHaveLength(700);
        expect(events.map((e) => e.sequence)).toEqual([...Array(700).keys()].map((i) => i + 1));
      });

      it('reads the events stored when the read began while appends go on, without gaps', async () => {
        for (let i = 0; i < 700; i++) await fx.store.append(rollout('busy'), text(String(i)));
        const reading = fx.store.read(rollout('busy'));
        const appending = (async () => {
          for (let i = 700; i < 1000; i++) await fx.store.append(rollout('busy'), text(String(i)));
        })();
        const [events] = await Promise.all([reading, appending]);
        expect(events.length).toBeGreaterThanOrEqual(700);
        expect(events.map((e) => str(e.data))).toEqual([...Array(events.length).keys()].map(String));
        expect(await fx.store.read(rollout('busy'), { fromSequence: events.length + 1 })).toHaveLength(1000 - events.length);
      });

      it('rejects subjects and filters outside every declared stream with unknown_stream', async () => {
        const append = await fx.store.append('nowhere.at.all', text('x')).catch((e: unknown) => e);
        const read = await fx.store.read('nowhere.>').catch((e: unknown) => e);
        const last = await fx.store.lastSequence('NO_SUCH_STREAM').catch((e: unknown) => e);
        for (const error of [append, read, last]) expect((error as PortError).code).toBe('unknown_stream');
      });

      it('reports the sequence of the newest event on exactly one subject', async () => {
        expect(await fx.store.lastSubjectSequence(rollout('r1'))).toBe(0);
        await fx.store.append(rollout('r1'), text('a'));
        await fx.store.append(rollout('r2'), text('b'));
        await fx.store.append(rollout('r1'), text('c'));
        await fx.store.append(rollout('r2'), text('d'));
        expect(await fx.store.lastSubjectSequence(rollout('r1'))).toBe(3);
        expect(await fx.store.lastSubjectSequence(rollout('r2'))).toBe(4);
      });
    });

    describe('optimistic concurrency and deduplication', () => {
      it('appends when the expected last subject sequence matches, 0 meaning an empty subject', async () => {
        const first = await fx.store.append(rollout('r1'), text('a'), { expectedLastSubjectSequence: 0 });
        await fx.store.append(rollout('r2'), text('b'));
        const second = await fx.store.append(rollout('r1'), text('c'), { expectedLastSubjectSequence: first.sequence });
        expect(second.sequence).toBe(3);
      });

      it('rejects a stale expected sequence with ConcurrencyConflictError and stores nothing', async () => {
        await fx.store.append(rollout('r1'), text('a'));
        await fx.store.append(rollout('r1'), text('b'));
        const error = await fx.store.append(rollout('r1'), text('late'), { expectedLastSubjectSequence: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyConflictError);
        expect(error).toMatchObject({ code: 'concurrency_conflict', subject: rollout('r1'), expectedLastSubjectSequence: 1 });
        const empty = await fx.store.append(rollout('r1'), text('x'), { expectedLastSubjectSequence: 0 }).catch((e: unknown) => e);
        expect(empty).toBeInstanceOf(ConcurrencyConflictError);
        expect((await fx.store.read(rollout('r1'))).map((e) => str(e.data))).toEqual(['a', 'b']);
      });

      it('lets exactly one of several racing appends with the same expectation win', async () => {
        const base = await fx.store.append(rollout('race'), text('base'));
        const results = await Promise.allSettled(
          [...Array(5).keys()].map((i) =>
            fx.store.append(rollout('race'), text(`w${i}`), { expectedLastSubjectSequence: base.sequence }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(rejected.every((r) => r.reason instanceof ConcurrencyConflictError)).toBe(true);
        expect(await fx.store.read(rollout('race'))).toHaveLength(2);
      });

      it('stores a message id once and reports the repeat as a duplicate of the original', async () => {
        const first = await fx.store.append(rollout('r1'), text('a'), { messageId: 'm-1' });
        await fx.store.append(rollout('r1'), text('b'), { messageId: 'm-2' });
        const again = await fx.store.append(rollout('r1'), text('a'), { messageId: 'm-1' });
        expect(again).toEqual({ sequence: first.sequence, duplicate: true });
        expect((await fx.store.read(rollout('r1'))).map((e) => str(e.data))).toEqual(['a', 'b']);
      });

      it('treats a retried append as a duplicate before checking its expected sequence', async () => {
        const first = await fx.store.append(rollout('r1'), text('a'), { messageId: 'cmd-1', expectedLastSubjectSequence: 0 });
        const retry = await fx.store.append(rollout('r1'), text('a'), { messageId: 'cmd-1', expectedLastSubjectSequence: 0 });
        expect(retry).toEqual({ sequence: first.sequence, duplicate: true });
      });
    });

    describe('consume', () => {
      it('delivers stored and new events in order, one at a time', async () => {
        for (let i = 1; i <= 3; i++) await fx.store.append(rollout('c'), text(String(i)));
        const seen: number[] = [];
        let inFlight = 0;
        let maxInFlight = 0;
        const consumer = await fx.store.consume({ stream: ROLLOUTS, durable: 'contract-order' }, async (event) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await sleep(5);
          seen.push(Number(str(event.data)));
          inFlight--;
        });
        for (let i = 4; i <= 6; i++) await fx.store.append(rollout('c'), text(String(i)));
        await eventually(() => seen.length === 6);
        await consumer.stop();
        expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
        expect(maxInFlight).toBe(1);
      });

      it('delivers only the filtered subjects, from the requested sequence', async () => {
        await fx.store.append(rollout('x'), text('x1'));
        await fx.store.append(rollout('y'), text('y1'));
        await fx.store.append(rollout('x'), text('x2'));
        await fx.store.append(rollout('x'), text('x3'));
        const seen: StoredEvent[] = [];
        const consumer = await fx.store.consume(
          { stream: ROLLOUTS, durable: 'contract-filter', filterSubject: rollout('x'), fromSequence: 3 },
          async (event) => void seen.push(event),
        );
        await eventually(() => seen.length === 2);
        await sleep(QUIET_MS);
        await consumer.stop();
        expect(seen.map((e) => [e.subject, e.sequence, str(e.data)])).toEqual([
          [rollout('x'), 3, 'x2'],
          [rollout('x'), 4, 'x3'],
        ]);
      });

      it('redelivers a rejected event before any later one', async () => {
        for (let i = 1; i <= 3; i++) await fx.store.append(rollout('n'), text(String(i)));
        const seen: number[] = [];
        let failedOnce = false;
        const consumer = await fx.store.consume({ stream: ROLLOUTS, durable: 'contract-nak' }, async (event) => {
          seen.push(event.sequence);
          if (event.sequence === 2 && !failedOnce) {
            failedOnce = true;
            throw new Error('not yet');
          }
        });
        await eventually(() => seen.length === 4);
        await consumer.stop();
        expect(seen).toEqual([1, 2, 2, 3]);
      });

      it('resumes a durable consumer after its last acknowledged event', async () => {
        for (let i = 1; i <= 3; i++) await fx.store.append(rollout('d'), text(String(i)));
        const before: number[] = [];
        const first = await fx.store.consume({ stream: ROLLOUTS, durable: 'contract-resume' }, async (e) => void before.push(e.sequence));
        await eventually(() => before.length === 3);
        await first.stop();
        await fx.store.append(rollout('d'), text('4'));
        await fx.store.append(rollout('d'), text('5'));
        const restarted = await fx.reopen();
        const after: number[] = [];
        const second = await restarted.consume({ stream: ROLLOUTS, durable: 'contract-resume' }, async (e) => void after.push(e.sequence));
        await eventually(() => after.length === 2);
        await sleep(QUIET_MS);
        await second.stop();
        expect(before).toEqual([1, 2, 3]);
        expect(after).toEqual([4, 5]);
      });

      it('keeps independent positions for different durable names and for ephemeral readers', async () => {
        await fx.store.append(rollout('i'), text('1'));
        await fx.store.append(rollout('i'), text('2'));
        const a: number[] = [];
        const b: number[] = [];
        const e: number[] = [];
        const consumers = await Promise.all([
          fx.store.consume({ stream: ROLLOUTS, durable: 'contract-a' }, async (ev) => void a.push(ev.sequence)),
          fx.store.consume({ stream: ROLLOUTS, durable: 'contract-b' }, async (ev) => void b.push(ev.sequence)),
          fx.store.consume({ stream: ROLLOUTS }, async (ev) => void e.push(ev.sequence)),
        ]);
        await eventually(() => a.length === 2 && b.length === 2 && e.length === 2);
        await Promise.all(consumers.map((c) => c.stop()));
        expect([a, b, e]).toEqual([[1, 2], [1, 2], [1, 2]]);
      });

      it('lets the in-flight handler finish on stop and delivers nothing afterwards', async () => {
        await fx.store.append(rollout('s'), text('1'));
        let finished = 0;
        let started = 0;
        const consumer = await fx.store.consume({ stream: ROLLOUTS, durable: 'contract-stop' }, async () => {
          started++;
          await sleep(200);
          finished++;
        });
        await eventually(() => started === 1);
        await consumer.stop();
        expect(finished).toBe(1);
        await fx.store.append(rollout('s'), text('2'));
        await sleep(QUIET_MS);
        expect(started).toBe(1);
      });
    });

    describe('follow', () => {
      it('hands over what has arrived in batches, in order, from the requested sequence, filtered', async () => {
        for (let i = 1; i <= 30; i++) await fx.store.append(rollout(i % 3 === 0 ? 'other' : 'f'), text(String(i)));
        const batches: number[][] = [];
        let inFlight = 0;
        let maxInFlight = 0;
        const follower = await fx.store.follow({ stream: ROLLOUTS, filterSubject: rollout('f'), fromSequence: 5, maxBatch: 8 }, async (events) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await sleep(5);
          batches.push(events.map((e) => e.sequence));
          inFlight--;
        });
        await eventually(() => batches.flat().length === 17, { what: 'the 17 stored events after sequence 4' });
        await fx.store.append(rollout('f'), text('31'));
        await eventually(() => batches.flat().includes(31), { what: 'an event appended while following' });
        await sleep(QUIET_MS);
        await follower.stop();
        const expected = Array.from({ length: 26 }, (_, i) => i + 5).filter((seq) => seq % 3 !== 0);
        expect(batches.flat()).toEqual([...expected, 31]);
        expect(Math.max(...batches.map((b) => b.length))).toBeGreaterThan(1);
        expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(8);
        expect(maxInFlight).toBe(1);
      });

      it('hands a rejected batch over again before anything later', async () => {
        for (let i = 1; i <= 3; i++) await fx.store.append(rollout('r'), text(String(i)));
        const seen: number[] = [];
        let failedOnce = false;
        const follower = await fx.store.follow({ stream: ROLLOUTS, maxBatch: 1 }, async ([event]) => {
          seen.push(event?.sequence ?? -1);
          if (event?.sequence === 2 && !failedOnce) {
            failedOnce = true;
            throw new Error('not yet');
          }
        });
        await eventually(() => seen.length === 4);
        await follower.stop();
        expect(seen).toEqual([1, 2, 2, 3]);
      });

      it('delivers nothing after stop', async () => {
        const seen: number[] = [];
        const follower = await fx.store.follow({ stream: ROLLOUTS }, async (events) => void seen.push(...events.map((e) => e.sequence)));
        await fx.store.append(rollout('s'), text('1'));
        await eventually(() => seen.length === 1);
        await follower.stop();
        await fx.store.append(rollout('s'), text('2'));
        await sleep(QUIET_MS);
        expect(seen).toEqual([1]);
      });
    });
  });
}
