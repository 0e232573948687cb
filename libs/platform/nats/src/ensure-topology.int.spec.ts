import { jetstreamManager } from '@nats-io/jetstream';
import { ALL_BUCKETS, ALL_STREAMS, STREAMS } from '@roost/contracts';
import { PortError } from '@roost/ports';
import { ensureTopology, kvStreamName } from './ensure-topology';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());
afterEach(async () => bed.closeClients());

describe('ensureTopology', () => {
  it('creates every declared stream and bucket, then finds them unchanged on the next start', async () => {
    const client = await bed.reset();
    const jsm = await jetstreamManager(client.nc);
    for await (const name of jsm.streams.names()) await jsm.streams.delete(name);

    const first = await ensureTopology(client.nc);
    expect(first.map((c) => [c.kind, c.name, c.action])).toEqual([
      ...ALL_STREAMS.map((s) => ['stream', s.name, 'created']),
      ...ALL_BUCKETS.map((b) => ['bucket', b.name, 'created']),
    ]);
    const again = await ensureTopology(client.nc);
    expect(again.every((c) => c.action === 'unchanged')).toBe(true);

    const rollouts = await jsm.streams.info(STREAMS.rolloutEvents.name);
    expect(rollouts.config.subjects).toEqual(['rollout.events.>']);
    expect(rollouts.config.duplicate_window).toBe(STREAMS.rolloutEvents.duplicateWindowMs * 1e6);
    const leases = await jsm.streams.info(kvStreamName('leases'));
    expect(leases.config.max_age).toBe(10_000 * 1e6);
  });

  it('runs safely from several processes at once, start after start', async () => {
    const client = await bed.reset();
    const jsm = await jetstreamManager(client.nc);
    const others = await Promise.all([bed.connect(), bed.connect(), bed.connect()]);
    // Services starting together race to create the same streams and buckets; the race is
    // won by timing, so it is run many times.
    for (let start = 0; start < 15; start++) {
      for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
      const reports = await Promise.all([client, ...others].map((c) => ensureTopology(c.nc)));
      for (const report of reports) expect(report).toHaveLength(ALL_STREAMS.length + ALL_BUCKETS.length);
    }
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    expect(names).toHaveLength(ALL_STREAMS.length + ALL_BUCKETS.length);
  });

  it('brings a stream and a bucket with other settings to the declared ones and says what changed', async () => {
    const client = await bed.reset();
    const changed = await ensureTopology(client.nc, {
      streams: [{ ...STREAMS.fleetEvents, maxAgeMs: 60_000, duplicateWindowMs: 30_000 }],
      buckets: [{ name: 'gateways', ttlMs: 5_000, history: 1, replicas: 1 }],
    });
    expect(changed.map((c) => c.action)).toEqual(['updated', 'updated']);
    expect(changed[0]!.differences).toEqual([
      `max_age ${STREAMS.fleetEvents.maxAgeMs}ms -> 60000ms`,
      `duplicate_window ${STREAMS.fleetEvents.duplicateWindowMs}ms -> 30000ms`,
    ]);
    expect(changed[1]!.differences).toContain('max_age 15000ms -> 5000ms');
    const jsm = await jetstreamManager(client.nc);
    expect((await jsm.streams.info(kvStreamName('gateways'))).config.max_age).toBe(5_000 * 1e6);
  });

  it('reports a setting the server refuses to change, naming the stream', async () => {
    const client = await bed.reset();
    const jsm = await jetstreamManager(client.nc);
    await jsm.streams.add({ name: 'CLASH', subjects: ['clash.a.>'], duplicate_window: 60_000 * 1e6 });
    await jsm.streams.add({ name: 'OTHER', subjects: ['clash.b.>'] });
    const error = await ensureTopology(client.nc, {
      streams: [{ name: 'CLASH', subjects: ['clash.>'], duplicateWindowMs: 60_000, maxAgeMs: 0, maxBytes: 0, discard: 'old', replicas: 1 }],
      buckets: [],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect((error as PortError).code).toBe('invalid_argument');
    expect((error as Error).message).toMatch(/^stream CLASH exists with other settings \(subjects \[clash\.a\.>\] -> \[clash\.>\]\) and the server refused to update it: .*overlap/);
  });

  it('sets the size limit and what a full stream does, and applies a change of them', async () => {
    const client = await bed.reset();
    const jsm = await jetstreamManager(client.nc);
    const rollouts = await jsm.streams.info(STREAMS.rolloutEvents.name);
    expect(rollouts.config).toMatchObject({ max_bytes: STREAMS.rolloutEvents.maxBytes, discard: 'new', num_replicas: 1 });
    const changed = await ensureTopology(client.nc, { streams: [{ ...STREAMS.rolloutEvents, maxBytes: 64 * 1024 ** 2 }], buckets: [] });
    expect(changed[0]).toMatchObject({ action: 'updated', differences: [`max_bytes ${STREAMS.rolloutEvents.maxBytes} -> ${64 * 1024 ** 2}`] });
  });

  it('refuses replicas above one on a single server before touching anything, saying what to set', async () => {
    const client = await bed.reset();
    const jsm = await jetstreamManager(client.nc);
    const error = await ensureTopology(client.nc, { streams: [{ ...STREAMS.audit, replicas: 3 }], buckets: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect((error as Error).message).toMatch(/^3 replicas need a JetStream cluster, but the server at 127\.0\.0\.1:\d+ is not part of one: set NATS_REPLICAS=1/);
    expect((await jsm.streams.info(STREAMS.audit.name)).config.num_replicas).toBe(1);
  });
});
