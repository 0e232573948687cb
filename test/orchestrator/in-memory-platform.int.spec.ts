/**
 * The all-in-one shape: gateway and orchestrator in one process on the in-memory platform,
 * agents speaking OpAMP over WebSocket. The same rollout as on NATS must complete.
 */
import { configCreateReplyContract, rolloutReplyContract, subjects, type CommandReply, type JsonContract } from '@roost/contracts';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually } from '@roost/testing';
import { CollectorAgent } from './collector-agent';
import { collectorYaml, TEST_TIMING } from './rollout-test-bed';

jest.setTimeout(30_000);

describe('orchestrator and gateway on the in-memory platform', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  let orchestrator: RunningOrchestrator;
  const agents: CollectorAgent[] = [];

  const command = async <T>(subject: string, body: unknown, contract: JsonContract<CommandReply<T>>): Promise<T> => {
    const reply = contract.decode(await platform.bus.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeoutMs: 5_000 }));
    if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
    return reply.result;
  };

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-memory', heartbeatIntervalSeconds: null }, platform);
    orchestrator = await startOrchestrator({ instanceId: 'orchestrator-memory' }, platform);
    await eventually(() => orchestrator.isLeader(), { timeoutMs: 5_000, what: 'the orchestrator to lead' });
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.drop()));
    await orchestrator?.stop();
    await gateway?.stop();
    await platform?.close();
  });

  it('runs a canary-first rollout to completion', async () => {
    const baseline = (await command(subjects.configCommand('create'), { yaml: collectorYaml('basic'), name: 'memory-baseline' }, configCreateReplyContract)).hash;
    const next = (await command(subjects.configCommand('create'), { yaml: collectorYaml('detailed'), name: 'memory-next' }, configCreateReplyContract)).hash;
    agents.push(...(await Promise.all(Array.from({ length: 8 }, () => CollectorAgent.connect(gateway.url, { environment: 'laptop', runningHash: baseline })))));
    await eventually(() => orchestrator.fleetSize() === 8, { what: 'the fleet view' });

    const started = await command(
      subjects.rolloutCommand('start'),
      { target: { kind: 'group', group: 'laptop' }, configHash: next, plan: [{ count: 1, windowMs: 200 }, { percent: 50, windowMs: 200 }, { percent: 100 }], timing: TEST_TIMING, actor: 'test' },
      rolloutReplyContract,
    );
    await eventually(async () => (await command(subjects.rolloutQuery('status'), { rolloutId: started.rolloutId }, rolloutReplyContract)).status === 'completed', {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'the rollout to complete',
    });
    expect(agents.map((agent) => agent.offeredHashes())).toEqual(agents.map(() => [next]));
  });
});
