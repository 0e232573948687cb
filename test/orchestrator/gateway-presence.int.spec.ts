/**
 * A gateway process dies without a goodbye: its presence entry stops being refreshed, and the
 * orchestrator counts its agents disconnected within 15 s unless they reconnect elsewhere.
 */
import { freePort, eventually } from '@roost/testing';
import { CollectorAgent } from './collector-agent';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';
import { ServiceProcess } from './service-process';

jest.setTimeout(90_000);

describe('gateway presence', () => {
  let bed: RolloutTestBed;
  // After a fault, as after every step: the orchestrators' invariant checker finds nothing now and counted nothing.
  afterEach(async () => expect(await bed.invariantViolations()).toEqual([]));
  let gateway: ServiceProcess | null = null;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-survivor');
    await bed.startOrchestrator({ instanceId: 'orchestrator-presence' });
    await eventually(() => bed.orchestrators[0]?.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
  });

  afterAll(async () => {
    await gateway?.kill();
    await bed?.stop();
  });

  it('counts the agents of a killed gateway as disconnected within 15 s (a canary among them fails the rollout), and connected again once they reconnect elsewhere', async () => {
    const port = await freePort();
    gateway = ServiceProcess.start('services/gateway/src/main.ts', { NATS_URL: bed.nats.url, GATEWAY_ID: 'gw-doomed', GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1' });
    await gateway.waitForLine((line) => line.msg === 'gateway ready', 30_000);
    const baseline = await bed.createConfig(collectorYaml('basic'), 'presence-baseline');
    const next = await bed.createConfig(collectorYaml('detailed'), 'presence-next');
    const agents = await Promise.all([1, 2, 3].map(() => CollectorAgent.connect(`ws://127.0.0.1:${port}/v1/opamp`, { environment: 'presence', runningHash: baseline })));
    bed.agents.push(...agents);
    await bed.fleetHas(agents, 'presence');
    const timing = { applyTimeoutMs: 60_000, disconnectGraceMs: 1_000, healthGraceMs: 1_000 };
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'presence' }, configHash: next, plan: [{ count: 1, windowMs: 10 * 60_000 }, { percent: 100 }], timing }));
    await eventually(() => agents.some((agent) => agent.runningHash === next), { what: 'the canary to apply' });

    await gateway.kill();
    const killedAt = Date.now();
    await eventually(
      async () => {
        const preview = (await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'presence' } })) as { result: { agents: number; connected: number } };
        return preview.result.agents === 3 && preview.result.connected === 0;
      },
      { timeoutMs: 16_000, intervalMs: 200, what: 'the agents of the dead gateway to count as disconnected' },
    );
    const disconnectedMs = Date.now() - killedAt;
    expect(disconnectedMs).toBeLessThanOrEqual(15_000);
    // The canary lost with its gateway fails after the (test) grace period: the rollout rolls back.
    await bed.waitForStatus(started.rolloutId, 'rolled_back');
    const events = await bed.events(started.rolloutId);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['AgentConnectionLost', 'AgentConfigFailed']));
    expect(events.find((event) => event.type === 'AgentConfigFailed')).toMatchObject({ reason: 'disconnected' });

    await agents[0]!.connectTo(bed.gateways[0]!.url);
    const reconnectedAt = Date.now();
    await eventually(async () => {
      const preview = (await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'presence' } })) as { result: { connected: number } };
      return preview.result.connected === 1;
    });
    process.stdout.write(`gateway-presence: gateway SIGKILLed: its 3 agents counted disconnected ${disconnectedMs} ms later; one reconnected to the other gateway counted connected ${Date.now() - reconnectedAt} ms later\n`);
  });
});
