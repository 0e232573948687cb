import { InboundQueue } from './inbound-queue';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A queue of numbers on a test clock that handling an item moves on by 1 ms. */
function clockedQueue(slices: { sliceMs: number; maxSliceMs?: number }) {
  const clock = { now: 0 };
  const handled: number[] = [];
  const queue = new InboundQueue<number>(
    (n) => {
      handled.push(n);
      clock.now += 1;
    },
    { ...slices, highWater: 1_000, lowWater: 10, onPause: () => undefined, onResume: () => undefined, onError: () => undefined, now: () => clock.now },
  );
  return { clock, handled, queue };
}

describe('InboundQueue', () => {
  it('handles items in order, yielding to the event loop once a slice has used its time', async () => {
    const { handled, queue } = clockedQueue({ sliceMs: 16 });
    for (let i = 0; i < 40; i++) queue.push(i);
    expect(handled).toEqual([]);
    await turn();
    expect(handled).toEqual([...Array(16).keys()]);
    await turn();
    await turn();
    await turn();
    expect(handled).toEqual([...Array(40).keys()]);
    expect(queue.length).toBe(0);
  });

  it('while a backlog lasts, runs a turn for as long as the event loop was away since the last one, within the longest', async () => {
    const { clock, handled, queue } = clockedQueue({ sliceMs: 5, maxSliceMs: 20 });
    for (let i = 0; i < 100; i++) queue.push(i);
    await turn();
    expect(handled.length).toBe(5);
    clock.now += 12; // reading sockets, elsewhere in the loop
    await turn();
    expect(handled.length).toBe(5 + 12);
    clock.now += 50;
    await turn();
    expect(handled.length).toBe(5 + 12 + 20);
    await turn();
    expect(handled.length).toBe(5 + 12 + 20 + 5);
  });

  it('asks the producer to pause above the high-water mark and to resume once drained below the low one', async () => {
    const events: string[] = [];
    const queue = new InboundQueue<number>(() => undefined, {
      sliceMs: 1_000,
      highWater: 5,
      lowWater: 1,
      onPause: () => events.push('pause'),
      onResume: () => events.push('resume'),
      onError: () => undefined,
    });
    for (let i = 0; i < 7; i++) queue.push(i);
    expect(events).toEqual(['pause']);
    expect(queue.isPaused).toBe(true);
    await turn();
    expect(events).toEqual(['pause', 'resume']);
    expect(queue.isPaused).toBe(false);
  });

  it('weighs items as told, and follows an item changed in place', async () => {
    const events: string[] = [];
    const queue = new InboundQueue<{ bytes: number }>(() => undefined, {
      sliceMs: 1_000,
      highWater: 100,
      lowWater: 25,
      weightOf: (item) => item.bytes,
      onPause: () => events.push('pause'),
      onResume: () => events.push('resume'),
      onError: () => undefined,
    });
    const item = { bytes: 60 };
    queue.push(item);
    expect(events).toEqual([]);
    item.bytes = 110;
    queue.reweighed(50);
    expect(events).toEqual(['pause']);
    expect(queue.weight).toBe(110);
    await turn();
    expect(queue.weight).toBe(0);
    expect(events).toEqual(['pause', 'resume']);
  });

  it('reports an item that throws and goes on with the next', async () => {
    const failed: number[] = [];
    const handled: number[] = [];
    const queue = new InboundQueue<number>(
      (n) => {
        if (n === 1) throw new Error('boom');
        handled.push(n);
      },
      { sliceMs: 1_000, highWater: 100, lowWater: 1, onPause: () => undefined, onResume: () => undefined, onError: (n) => failed.push(n) },
    );
    [0, 1, 2].forEach((n) => queue.push(n));
    await turn();
    expect(failed).toEqual([1]);
    expect(handled).toEqual([0, 2]);
  });
});
