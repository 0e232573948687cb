import { jetstreamManager } from '@nats-io/jetstream';
import { STREAMS, subjects } from '@roost/contracts';
import type { FollowCondition, LogFields, Logger } from '@roost/ports';
import { eventually, sleep } from '@roost/testing';
import { createNatsEventStore } from './nats-event-store';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());
afterEach(async () => bed.closeClients());

const FLEET = STREAMS.fleetEvents.name;
const event = (n: number) => subjects.fleetAgentEvent(`agent-${n % 7}`, 'health');

class Lines implements Logger {
  readonly warnings: string[] = [];
  debug(): void {
    return undefined;
  }
  info(): void {
    return undefined;
  }
  warn(_fields: LogFields, message: string): void {
    this.warnings.push(message);
  }
  error(_fields: LogFields, message: string): void {
    this.warnings.push(message);
  }
}

describe('following a stream on NATS', () => {
  it('recreates a consumer the server dropped from the last event received: none lost, none twice, and says so', async () => {
    const client = await bed.reset();
    const logger = new Lines();
    const store = await createNatsEventStore(client.nc, { logger });
    for (let i = 1; i <= 50; i++) await store.append(event(i), new TextEncoder().encode(String(i)));
    const seen: number[] = [];
    const conditions: FollowCondition['kind'][] = [];
    const follower = await store.follow({ stream: FLEET, onCondition: (c) => conditions.push(c.kind) }, async (events) => void seen.push(...events.map((e) => e.sequence)));
    await eventually(() => seen.length === 50, { what: 'the stored events' });

    // What the server does to an ephemeral consumer after a stall past its inactivity threshold.
    const jsm = await jetstreamManager(client.nc);
    for await (const info of jsm.consumers.list(FLEET)) await jsm.consumers.delete(FLEET, info.name);
    for (let i = 51; i <= 80; i++) await store.append(event(i), new TextEncoder().encode(String(i)));

    await eventually(() => seen.length === 80, { timeoutMs: 60_000, what: 'the events appended after the consumer vanished' });
    await follower.stop();
    expect(seen).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(conditions).toEqual(['lost', 'recovered']);
    expect(logger.warnings).toContain('stream follower lost its server-side consumer; recreating it after the last event received');
  }, 90_000);

  it('a slow reader holds the server back: a batch never exceeds maxBatch and order holds', async () => {
    const client = await bed.reset();
    const store = await createNatsEventStore(client.nc);
    await Promise.all(Array.from({ length: 5_000 }, (_, i) => store.append(event(i), new Uint8Array(10))));
    const sizes: number[] = [];
    let last = 0;
    let ordered = true;
    const follower = await store.follow({ stream: FLEET, maxBatch: 700 }, async (events) => {
      sizes.push(events.length);
      for (const e of events) {
        ordered &&= e.sequence === last + 1;
        last = e.sequence;
      }
      await sleep(2);
    });
    await eventually(() => last === 5_000, { timeoutMs: 30_000, what: 'every event' });
    await follower.stop();
    expect(ordered).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(700);
    expect(sizes.length).toBeLessThan(5_000);
  }, 60_000);
});
