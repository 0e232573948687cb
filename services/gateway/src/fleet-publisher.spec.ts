import { fleetEventContract, type FleetEvent } from '@roost/contracts';
import { createMemoryEventStore } from '@roost/platform-memory';
import { PortError, type EventStore, type LogFields, type Logger } from '@roost/ports';
import { createFleetPublisher } from './fleet-publisher';
import { createGatewayMetrics } from './gateway-metrics';

const AGENT_A = '0190b7f8-bb85-72b5-8942-8533325b988a';
const AGENT_B = '0190b7f8-bb85-72b5-8942-8533325b988b';

let ids = 0;
function event(agentId: string, type: FleetEvent['type'] = 'health'): FleetEvent {
  return {
    type,
    schemaVersion: 1,
    id: `gw-1.boot.${++ids}`,
    at: ids,
    agentId,
    changes: [type],
    snapshot: {
      agentId,
      gatewayId: 'gw-1',
      transport: 'websocket',
      connected: true,
      capabilities: 0,
      identifying: {},
      nonIdentifying: {},
      health: { healthy: true, lastError: '', status: '', reportedAt: ids },
      remoteConfigStatus: null,
      effectiveConfigHash: null,
    },
  };
}

function recordingLogger(): Logger & { errors: LogFields[] } {
  const errors: LogFields[] = [];
  const ignore = () => undefined;
  return { errors, debug: ignore, info: ignore, warn: ignore, error: (fields) => void errors.push(fields) };
}

/**
 * A publisher on the in-memory store that refuses the appends whose call numbers (from 1)
 * `refuses` picks; with the message id of every append attempted, what was stored, the
 * gateway's metrics and the errors logged.
 */
function publisherRefusing(refuses: (n: number) => boolean) {
  const store = createMemoryEventStore();
  const attempts: (string | undefined)[] = [];
  const events: EventStore = {
    ...store,
    append: (subject, data, options) => {
      attempts.push(options?.messageId);
      return refuses(attempts.length) ? Promise.reject(new PortError('unavailable', 'NATS is away')) : store.append(subject, data, options);
    },
    read: (filter, options) => store.read(filter, options),
  };
  const metrics = createGatewayMetrics('gw-1');
  const logger = recordingLogger();
  return {
    publisher: createFleetPublisher(events, metrics, logger),
    attempts,
    metrics,
    errors: logger.errors,
    stored: async () => (await store.read('fleet.agent.>')).map((e) => [e.subject, fleetEventContract.decode(e.data).id]),
  };
}

const count = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);

describe('fleet publisher', () => {
  afterEach(() => jest.useRealTimers());

  it("appends each event to its agent's subject in issue order, and drain waits for every append", async () => {
    const { publisher, metrics, stored } = publisherRefusing(() => false);
    const published = [event(AGENT_A, 'connected'), event(AGENT_B, 'connected'), event(AGENT_A)];
    for (const e of published) publisher.publish(e);
    await publisher.drain();
    expect(await stored()).toEqual(published.map((e) => [`fleet.agent.${e.agentId}.${e.type}`, e.id]));
    expect(await count(metrics.fleetEvents)).toBe(3);
  });

  it('retries refused appends with the same message ids, which the stream deduplicates on', async () => {
    const { publisher, attempts, metrics, errors, stored } = publisherRefusing((n) => n <= 2);
    const refused = event(AGENT_A);
    const other = event(AGENT_B);
    publisher.publish(refused);
    publisher.publish(other);
    await publisher.drain();
    expect(attempts).toEqual([refused.id, other.id, refused.id, other.id]);
    expect(await stored()).toEqual([
      [`fleet.agent.${AGENT_A}.health`, refused.id],
      [`fleet.agent.${AGENT_B}.health`, other.id],
    ]);
    expect(errors).toEqual([]);
    expect(await count(metrics.fleetEvents)).toBe(2);
    expect(await count(metrics.fleetEventFailures)).toBe(0);
  });

  it('gives up on a refused event once a later event of the same agent is issued', async () => {
    const { publisher, metrics, errors, stored } = publisherRefusing((n) => n === 1);
    const older = event(AGENT_A);
    const newer = event(AGENT_A);
    publisher.publish(older);
    publisher.publish(newer);
    await publisher.drain();
    expect(await stored()).toEqual([[`fleet.agent.${AGENT_A}.health`, newer.id]]);
    // Nothing is lost: the newer event carries the agent's whole snapshot.
    expect(errors).toEqual([]);
    expect(await count(metrics.fleetEventFailures)).toBe(0);
  });

  it('never appends an older event after a later one of the same agent that landed while it waited', async () => {
    jest.useFakeTimers();
    const { publisher, stored } = publisherRefusing((n) => n === 1);
    const older = event(AGENT_A);
    const newer = event(AGENT_A);
    publisher.publish(older);
    await jest.advanceTimersByTimeAsync(10); // refused once, waiting for its retry
    publisher.publish(newer); // lands at once
    await jest.advanceTimersByTimeAsync(1_000);
    await publisher.drain();
    expect(await stored()).toEqual([[`fleet.agent.${AGENT_A}.health`, newer.id]]);
  });

  it('keeps retrying an event the stream refuses for as long as it refuses, and appends it once it answers', async () => {
    jest.useFakeTimers();
    let away = true;
    const { publisher, attempts, metrics, errors, stored } = publisherRefusing(() => away);
    const report = event(AGENT_B, 'remote-config-status');
    publisher.publish(report);
    let drained = false;
    void publisher.drain().then(() => (drained = true));
    // A minute of refusals: retried all along (backing off to one try every 5 s), never given up.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(drained).toBe(false);
    expect(attempts.length).toBeGreaterThan(10);
    expect(new Set(attempts)).toEqual(new Set([report.id]));
    away = false;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(drained).toBe(true);
    expect(await stored()).toEqual([[`fleet.agent.${AGENT_B}.remote-config-status`, report.id]]);
    expect(errors).toEqual([]);
    expect(await count(metrics.fleetEventFailures)).toBe(0);
  });

  it('gives up the events still refused when the gateway stops, each logged and counted', async () => {
    const { publisher, metrics, errors, stored } = publisherRefusing(() => true);
    const lost = event(AGENT_B);
    publisher.publish(lost);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await publisher.stop();
    expect(await stored()).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ agentId: AGENT_B, eventId: lost.id })]);
    expect(await count(metrics.fleetEventFailures)).toBe(1);
  });
});
