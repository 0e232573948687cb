import { STREAMS, subjects } from '@roost/contracts';
import { describeEventStoreContract } from '@roost/testing';
import { ManualClock } from './manual-clock';
import { createMemoryEventStore } from './memory-event-store';

describeEventStoreContract('in-memory', async () => {
  const store = createMemoryEventStore({ clock: new ManualClock(), redeliveryDelayMs: 100 });
  return { store, reopen: async () => store, close: () => store.close() };
});

describe('in-memory event store', () => {
  it('stores a repeated message id again once the stream duplicate window has passed', async () => {
    const clock = new ManualClock();
    const store = createMemoryEventStore({ clock });
    const subject = subjects.rolloutEvents('r1');
    await store.append(subject, new Uint8Array([1]), { messageId: 'm' });
    clock.advance(STREAMS.rolloutEvents.duplicateWindowMs - 1);
    expect(await store.append(subject, new Uint8Array([1]), { messageId: 'm' })).toEqual({ sequence: 1, duplicate: true });
    clock.advance(1);
    expect(await store.append(subject, new Uint8Array([1]), { messageId: 'm' })).toEqual({ sequence: 2, duplicate: false });
  });

  it('forgets each message id when its own window has passed, oldest first', async () => {
    const clock = new ManualClock();
    const store = createMemoryEventStore({ clock });
    const subject = subjects.rolloutEvents('r1');
    const window = STREAMS.rolloutEvents.duplicateWindowMs;
    const append = (id: string) => store.append(subject, new Uint8Array([1]), { messageId: id }).then((r) => r.duplicate);
    await append('a');
    clock.advance(window / 2);
    await append('b');
    clock.advance(window / 2);
    // then 'a' is forgotten, 'b' still remembered
    expect(await append('b')).toBe(true);
    expect(await append('a')).toBe(false);
    clock.advance(window / 2);
    expect(await append('b')).toBe(false);
    expect(await append('a')).toBe(true);
  });

  it('stamps events with the injected clock', async () => {
    const clock = new ManualClock(1_000_000);
    const store = createMemoryEventStore({ clock });
    await store.append(subjects.rolloutEvents('r1'), new Uint8Array());
    expect((await store.read(subjects.rolloutEventsAll))[0]!.storedAt).toBe(1_000_000);
  });
});
