import { ALL_BUCKETS, ALL_STREAMS, STREAMS } from './topology';
import { TOPOLOGY_SETTINGS, TopologySettingError, topologyFromSettings } from './topology-settings';

const from = (env: Record<string, string>) => topologyFromSettings((name) => env[name]);

describe('topology settings', () => {
  it('keeps the declared defaults when nothing is set: one replica everywhere', () => {
    const topology = from({});
    expect(topology.streams).toEqual(ALL_STREAMS);
    expect(topology.buckets).toEqual(ALL_BUCKETS);
    expect([...topology.streams, ...topology.buckets].every((item) => item.replicas === 1)).toBe(true);
  });

  it('sets the replicas of every stream and every bucket from NATS_REPLICAS', () => {
    const topology = from({ NATS_REPLICAS: '3' });
    expect(topology.streams.map((s) => [s.name, s.replicas])).toEqual(ALL_STREAMS.map((s) => [s.name, 3]));
    expect(topology.buckets.map((b) => [b.name, b.replicas])).toEqual([
      ['agent-desired', 3],
      ['configs', 3],
      ['effective-configs', 3],
      ['enrolment-tokens', 3],
      ['gateways', 3],
      ['leases', 3],
    ]);
  });

  it("sets one stream's age and size limits without touching the others", () => {
    const topology = from({ NATS_FLEET_EVENTS_MAX_AGE: '12h', NATS_FLEET_EVENTS_MAX_BYTES: '512MiB', NATS_AUDIT_MAX_BYTES: '10GB' });
    const byName = new Map(topology.streams.map((s) => [s.name, s]));
    expect(byName.get('FLEET_EVENTS')).toMatchObject({ maxAgeMs: 12 * 3_600_000, maxBytes: 512 * 1024 ** 2 });
    expect(byName.get('AUDIT')).toMatchObject({ maxAgeMs: 0, maxBytes: 10e9 });
    expect(byName.get('ROLLOUT_EVENTS')).toEqual(STREAMS.rolloutEvents);
  });

  it('reads 0 as forever and no limit', () => {
    const fleet = from({ NATS_FLEET_EVENTS_MAX_AGE: '0', NATS_FLEET_EVENTS_MAX_BYTES: '0' }).streams[0];
    expect(fleet).toMatchObject({ name: 'FLEET_EVENTS', maxAgeMs: 0, maxBytes: 0 });
  });

  it.each([
    ['NATS_REPLICAS', '0', /--nats-replicas \(NATS_REPLICAS\) must be a whole number from 1 to 5, got "0"/],
    ['NATS_REPLICAS', '7', /from 1 to 5, got "7"/],
    ['NATS_REPLICAS', 'three', /got "three"/],
    ['NATS_FLEET_EVENTS_MAX_AGE', '7 days', /--nats-fleet-events-max-age \(NATS_FLEET_EVENTS_MAX_AGE\) must be a duration like 7d/],
    ['NATS_ROLLOUT_EVENTS_MAX_BYTES', '20 gigs', /--nats-rollout-events-max-bytes \(NATS_ROLLOUT_EVENTS_MAX_BYTES\) must be a size like 20GiB/],
  ])('refuses %s=%s, naming the setting', (name, value, message) => {
    expect(() => from({ [name]: value })).toThrow(TopologySettingError);
    expect(() => from({ [name]: value })).toThrow(message);
  });

  it('lists one replica setting and an age and a size limit per stream, each with its default', () => {
    expect(TOPOLOGY_SETTINGS.map((s) => s.env)).toEqual([
      'NATS_REPLICAS',
      'NATS_FLEET_EVENTS_MAX_AGE',
      'NATS_FLEET_EVENTS_MAX_BYTES',
      'NATS_ROLLOUT_EVENTS_MAX_AGE',
      'NATS_ROLLOUT_EVENTS_MAX_BYTES',
      'NATS_AUDIT_MAX_AGE',
      'NATS_AUDIT_MAX_BYTES',
    ]);
    expect(TOPOLOGY_SETTINGS.map((s) => s.fallback)).toEqual(['1', '7d', '8GiB', '0 (forever)', '8GiB', '0 (forever)', '1GiB']);
  });
});
