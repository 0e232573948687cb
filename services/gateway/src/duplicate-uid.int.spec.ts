import { randomUUID } from 'node:crypto';
import { RemoteConfigStatuses, instanceUidToBytes, parseInstanceUid, type ServerToAgent } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually, sleep } from '@roost/testing';
import { DUPLICATE_WINDOW_MS } from './duplicate-claims';
import { startGateway, type RunningGateway } from './start-gateway';
import { fleetEvents } from './testing/fleet-fixture';
import { WsTestAgent, testDescription } from './testing/opamp-test-agent';

const fullState = (name: string) => ({
  agentDescription: testDescription(name),
  remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET },
});
const assignedUid = (reply: ServerToAgent): string | null => {
  const uid = reply.agentIdentification?.newInstanceUid;
  return uid && uid.length > 0 ? parseInstanceUid(uid).text : null;
};
const stillOpen = async (agent: WsTestAgent): Promise<boolean> => {
  const outcome = await Promise.race([agent.closed.then(() => 'closed'), sleep(100).then(() => 'open')]);
  return outcome === 'open';
};

describe('two live connections claiming one instance uid (in-memory platform)', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  let clock = Date.now();
  const agents: WsTestAgent[] = [];

  const connect = async (agentId: string): Promise<WsTestAgent> => {
    const agent = await WsTestAgent.connect(gateway.url, agentId);
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-dup', now: () => clock }, platform);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it('lets one takeover through, then gives the agent coming back a new uid instead of starting a replace storm', async () => {
    const uid = randomUUID();
    const first = await connect(uid);
    await first.exchange(fullState('clone'));
    // the clone connects: an ordinary replacement, the first socket is closed
    const clone = await connect(uid);
    await clone.exchange(fullState('clone'));
    await expect(first.closed).resolves.toMatchObject({ code: 1000 });

    // the first agent reconnects at once: the clone took the uid moments ago, so two live agents share it
    const back = await connect(uid);
    const reply = await back.exchange(fullState('clone'));
    const newUid = assignedUid(reply);
    expect(newUid).not.toBeNull();
    expect(newUid).not.toBe(uid);
    expect(parseInstanceUid(reply.instanceUid).text).toBe(uid);
    expect(await stillOpen(clone)).toBe(true);
    expect(await stillOpen(back)).toBe(true);

    // until it adopts the new uid, every answer repeats it, and the clone keeps its uid
    expect(assignedUid(await back.exchange({}))).toBe(newUid);
    expect(assignedUid(await clone.exchange({}))).toBeNull();
    const adopted = await back.exchange({ instanceUid: instanceUidToBytes(newUid!) });
    expect(assignedUid(adopted)).toBeNull();
    expect(parseInstanceUid(adopted.instanceUid).text).toBe(newUid);

    await gateway.idle();
    expect((await fleetEvents(platform, uid)).map((e) => e.type)).toEqual(['connected', 'connected']);
    const renamed = await fleetEvents(platform, newUid!);
    expect(renamed.map((e) => [e.type, e.snapshot.connected])).toEqual([['connected', true]]);
    expect(gateway.stats().agents.websocket).toBe(2);
    expect((await gateway.metrics.duplicateUids.get()).values[0]?.value).toBe(1);
  });

  it('replaces as usual once the last takeover is older than the window (an agent reconnecting later)', async () => {
    const uid = randomUUID();
    const first = await connect(uid);
    await first.exchange(fullState('later'));
    const second = await connect(uid);
    await second.exchange(fullState('later'));
    await expect(first.closed).resolves.toMatchObject({ code: 1000 });

    clock += DUPLICATE_WINDOW_MS;
    const third = await connect(uid);
    const reply = await third.exchange(fullState('later'));
    expect(assignedUid(reply)).toBeNull();
    await expect(second.closed).resolves.toMatchObject({ code: 1000 });
    await eventually(async () => (await fleetEvents(platform, uid)).length === 3);
    expect((await fleetEvents(platform, uid)).map((e) => e.type)).toEqual(['connected', 'connected', 'connected']);
  });
});

