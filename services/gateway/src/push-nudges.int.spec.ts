import { randomUUID } from 'node:crypto';
import { RemoteConfigStatuses } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { sleep } from '@roost/testing';
import { startGateway, type RunningGateway } from './start-gateway';
import { nudge, setDesired, storeConfig } from './testing/fleet-fixture';
import { WsTestAgent, offeredConfigHash, testDescription } from './testing/opamp-test-agent';

const UNSET = RemoteConfigStatuses.RemoteConfigStatuses_UNSET;

describe('push nudges fanned out in chunks (in-memory platform)', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  const agents: WsTestAgent[] = [];

  beforeAll(async () => {
    platform = createMemoryPlatform();
    // Chunks of 2: a nudge for 7 agents is read and sent in 4 chunks.
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-chunks', pushChunkSize: 2, desiredReadConcurrency: 1 }, platform);
  });

  afterAll(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
    await gateway.stop();
    await platform.close();
  });

  it('sends each agent of a nudge larger than one chunk its own desired config, and nothing to the others', async () => {
    const first = await storeConfig(platform, 'receivers: {}\n# first\n');
    const second = await storeConfig(platform, 'receivers: {}\n# second\n');
    for (let index = 0; index < 7; index += 1) {
      const agent = await WsTestAgent.connect(gateway.url, randomUUID());
      agents.push(agent);
      await agent.exchange({ agentDescription: testDescription(`chunk-${index}`), remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: UNSET } });
    }
    const [withFirst, withSecond, withNone] = [agents.slice(0, 3), agents.slice(3, 6), agents.slice(6)];
    await setDesired(platform, withFirst.map((agent) => agent.agentId), first);
    await setDesired(platform, withSecond.map((agent) => agent.agentId), second);

    // An agent this gateway does not hold is skipped, wherever it is in the list.
    nudge(platform, gateway.gatewayId, [randomUUID(), ...agents.map((agent) => agent.agentId)]);

    const pushed = await Promise.all([...withFirst, ...withSecond].map((agent) => agent.next((m) => offeredConfigHash(m) !== null)));
    expect(pushed.map(offeredConfigHash)).toEqual([first, first, first, second, second, second]);
    await gateway.idle();
    await sleep(50);
    expect(withNone[0]!.pending()).toEqual([]);
  });
});
