import { randomUUID } from 'node:crypto';
import { BUCKETS, subjects } from '@roost/contracts';
import { RemoteConfigStatuses } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { KeyValueStore, KvEntry, Platform } from '@roost/ports';
import { sleep } from '@roost/testing';
import { startGateway, type GatewayPlatform, type RunningGateway } from './start-gateway';
import { nudge, setDesired, storeConfig } from './testing/fleet-fixture';
import { WsTestAgent, offeredConfigHash, testDescription } from './testing/opamp-test-agent';

const status = (hash: string, value = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED) => ({
  remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: value },
});
const offers = (agent: WsTestAgent): (string | null)[] => agent.pending().map(offeredConfigHash).filter((hash) => hash !== null);

/**
 * `agent-desired` reads of the held agents are answered with what the bucket held when they
 * were made, but only once released: a connection that is slow to open. Every read is counted.
 */
function holdingDesiredReads(platform: Platform) {
  const held = new Map<string, { started: () => void; release: Promise<void> }>();
  const reads = new Map<string, number>();
  const gatewayPlatform: GatewayPlatform = {
    bus: platform.bus,
    events: platform.events,
    kv: {
      open: async (name) => {
        const bucket = await platform.kv.open(name);
        if (name !== BUCKETS.agentDesired.name) return bucket;
        const get = async (key: string): Promise<KvEntry | null> => {
          reads.set(key, (reads.get(key) ?? 0) + 1);
          const entry = await bucket.get(key);
          const hold = held.get(key);
          if (hold) {
            hold.started();
            await hold.release;
          }
          return entry;
        };
        return new Proxy(bucket, { get: (target, property) => (property === 'get' ? get : Reflect.get(target, property)) }) as KeyValueStore;
      },
    },
  };
  const hold = (agentId: string): { readStarted: Promise<void>; release: () => void } => {
    let started!: () => void;
    let release!: () => void;
    const readStarted = new Promise<void>((resolve) => (started = resolve));
    held.set(agentId, { started, release: new Promise<void>((resolve) => (release = resolve)) });
    return { readStarted, release: () => (held.delete(agentId), release()) };
  };
  return { gatewayPlatform, hold, reads: (agentId: string) => reads.get(agentId) ?? 0 };
}

describe('agent-desired entries reach agents: carried by nudges, re-read, raced (in-memory platform)', () => {
  let platform: Platform;
  const gateways: RunningGateway[] = [];
  const agents: WsTestAgent[] = [];

  beforeEach(() => {
    platform = createMemoryPlatform();
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
    await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
    await platform.close();
  });

  /** A gateway on `on`; the periodic re-read is kept out of the way unless `resyncMs` is given. */
  const start = async (on: GatewayPlatform, resyncMs = 600_000): Promise<RunningGateway> => {
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', desiredResyncMs: resyncMs }, on);
    gateways.push(gateway);
    return gateway;
  };

  const connect = async (gateway: RunningGateway): Promise<WsTestAgent> => {
    const agent = await WsTestAgent.connect(gateway.url, randomUUID());
    agents.push(agent);
    return agent;
  };

  it('re-reads every connected agent periodically: a change that was never nudged is delivered, an applied one is not sent again', async () => {
    const gateway = await start(platform, 200);
    const agent = await connect(gateway);
    await agent.exchange({ agentDescription: testDescription('resync'), ...status('') });
    const hash = await storeConfig(platform, 'receivers: {}\n# resync\n');

    await setDesired(platform, [agent.agentId], hash); // no nudge: as if it were lost

    expect(offeredConfigHash(await agent.next((m) => offeredConfigHash(m) !== null, 3_000))).toBe(hash);
    await agent.exchange(status(hash));
    await sleep(700); // three resync passes
    expect(offers(agent)).toEqual([]);
  });

  it('reconciles an agent nudged while its connection was opening, once it is open', async () => {
    const { gatewayPlatform, hold } = holdingDesiredReads(platform);
    // The periodic re-read is kept out of the way: only the nudge can deliver here.
    const gateway = await start(gatewayPlatform);
    const agent = await connect(gateway);
    const slowRead = hold(agent.agentId);
    const hash = await storeConfig(platform, 'receivers: {}\n# while connecting\n');

    agent.send({ agentDescription: testDescription('connecting'), ...status('') });
    await slowRead.readStarted; // the connect-time read has seen no desired config
    await setDesired(platform, [agent.agentId], hash);
    nudge(platform, gateway.gatewayId, [agent.agentId]);
    await sleep(50);
    slowRead.release();

    const first = await agent.next();
    expect(offeredConfigHash(first)).toBeNull(); // the reply to the connecting message
    expect(offeredConfigHash(await agent.next((m) => offeredConfigHash(m) !== null, 3_000))).toBe(hash);
  });

  it('takes the entries a nudge carries without reading them back, and ignores one older than the entry held', async () => {
    const { gatewayPlatform, reads } = holdingDesiredReads(platform);
    const gateway = await start(gatewayPlatform);
    const agent = await connect(gateway);
    await agent.exchange({ agentDescription: testDescription('carried'), ...status('') });
    const readsOnConnect = reads(agent.agentId);
    const older = await storeConfig(platform, 'receivers: {}\n# older\n');
    const newer = await storeConfig(platform, 'receivers: {}\n# newer\n');
    const [olderWrite] = await setDesired(platform, [agent.agentId], older);
    const [newerWrite] = await setDesired(platform, [agent.agentId], newer);

    nudge(platform, gateway.gatewayId, [agent.agentId], [newerWrite!]);
    expect(offeredConfigHash(await agent.next((m) => offeredConfigHash(m) !== null, 3_000))).toBe(newer);
    await agent.exchange(status(newer));

    // The nudge for the older write arrives late (another orchestrator, another connection).
    nudge(platform, gateway.gatewayId, [agent.agentId], [olderWrite!]);
    await gateway.idle();
    await sleep(100);
    expect(offers(agent)).toEqual([]);
    expect(reads(agent.agentId)).toBe(readsOnConnect);
  });

  it('ignores malformed nudges (not JSON, entries not paired with agents, a bad hash) and goes on with the next', async () => {
    const gateway = await start(platform);
    const agent = await connect(gateway);
    await agent.exchange({ agentDescription: testDescription('malformed'), ...status('') });
    const hash = await storeConfig(platform, 'receivers: {}\n# after the bad ones\n');
    const [write] = await setDesired(platform, [agent.agentId], hash);
    const subject = subjects.gatewayPush(gateway.gatewayId);
    const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

    platform.bus.publish(subject, new Uint8Array([0xff, 0x00, 0x7b]));
    platform.bus.publish(subject, encode({ agentIds: [agent.agentId, 'another'], desired: [write] }));
    platform.bus.publish(subject, encode({ agentIds: [agent.agentId], desired: [{ configHash: 'not-a-hash', revision: 99 }] }));
    await gateway.idle();
    await sleep(50);
    expect(offers(agent)).toEqual([]);

    nudge(platform, gateway.gatewayId, [agent.agentId], [write!]);
    expect(offeredConfigHash(await agent.next((m) => offeredConfigHash(m) !== null, 3_000))).toBe(hash);
  });

  it('does not hold a nudge for connected agents behind one that is still connecting', async () => {
    const { gatewayPlatform, hold } = holdingDesiredReads(platform);
    const gateway = await start(gatewayPlatform);
    const ready = await connect(gateway);
    await ready.exchange({ agentDescription: testDescription('ready'), ...status('') });
    const slow = await connect(gateway);
    const slowRead = hold(slow.agentId);
    slow.send({ agentDescription: testDescription('slow'), ...status('') });
    await slowRead.readStarted;
    const hash = await storeConfig(platform, 'receivers: {}\n# both\n');
    await setDesired(platform, [ready.agentId, slow.agentId], hash);

    nudge(platform, gateway.gatewayId, [slow.agentId, ready.agentId]);

    expect(offeredConfigHash(await ready.next((m) => offeredConfigHash(m) !== null, 3_000))).toBe(hash);
    slowRead.release();
    expect(offeredConfigHash(await slow.next((m) => offeredConfigHash(m) !== null, 3_000))).toBe(hash);
  });
});
