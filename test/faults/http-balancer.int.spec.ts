/**
 * Defect 2 of issue 14: plain-HTTP agents behind a per-request balancer (haproxy in http mode,
 * round-robin over two gateways), so consecutive polls of one agent land on either gateway.
 * Every agent stays in its group, none sits in `(none)`, a rollout that completes has every
 * agent running the new config, and no gateway pushes a config the agent has moved past.
 */
import { groupListReplyContract, subjects } from '@roost/contracts';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import { eventually, sleep, startHaproxy, type TestServer } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from '../orchestrator/rollout-test-bed';

jest.setTimeout(240_000);

const AGENTS = 30;
const GROUP = 'balanced';

describe('HTTP agents behind a per-request balancer', () => {
  let bed: RolloutTestBed;
  // After a fault, as after every step: the orchestrators' invariant checker finds nothing now and counted nothing.
  afterEach(async () => expect(await bed.invariantViolations()).toEqual([]));
  let balancer: TestServer;
  let fleet: RunningFleet | null = null;
  /** Every config hash offered to an agent, by agent. */
  const offers = new Map<string, string[]>();

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    // Polls every second; a gateway that has not seen an agent for 3 s has lost it.
    const gateways = [await bed.startGateway('gw-l7-a', { httpPollIntervalSeconds: 1 }), await bed.startGateway('gw-l7-b', { httpPollIntervalSeconds: 1 })];
    await bed.startOrchestrator({ instanceId: 'orchestrator-l7' });
    balancer = await startHaproxy({ mode: 'http', backendPorts: gateways.map((gateway) => gateway.port) });
  });

  afterAll(async () => {
    await fleet?.stop();
    await balancer?.stop();
    await bed?.stop();
  });

  async function groups(): Promise<{ inGroup: number; ungrouped: number }> {
    const reply = await bed.command(subjects.groupCommand('list'), {}, groupListReplyContract);
    if (!reply.ok) throw new Error(reply.error.message);
    const group = reply.result.groups.find((entry) => entry.group === GROUP);
    return { inGroup: group?.connected ?? 0, ungrouped: reply.result.ungrouped.connected };
  }

  it('keeps every agent in its group and completes a rollout only when every agent runs the new config', async () => {
    fleet = await startFleet({
      urls: [`${balancer.url}/v1/opamp`],
      agents: AGENTS,
      environments: GROUP,
      pollIntervalMs: 1_000,
      applyDelayMs: { min: 50, max: 300 },
      seed: 'l7-balancer',
      onEvent: (agent, event) => {
        if (event.kind === 'offered') offers.set(agent.snapshot().agentId, [...(offers.get(agent.snapshot().agentId) ?? []), event.hash]);
      },
    });
    await fleet.waitUntilConnected(AGENTS, 20_000);
    await eventually(async () => (await groups()).inGroup === AGENTS, { timeoutMs: 15_000, what: `all ${AGENTS} agents in group ${GROUP}` });

    // Over several silence windows of each gateway: nobody leaves the group or loses its description.
    const seen: { inGroup: number; ungrouped: number }[] = [];
    for (let sample = 0; sample < 24; sample++) {
      seen.push(await groups());
      await sleep(250);
    }
    expect(Math.min(...seen.map((entry) => entry.inGroup))).toBe(AGENTS);
    expect(Math.max(...seen.map((entry) => entry.ungrouped))).toBe(0);

    const next = await bed.createConfig(collectorYaml('detailed'), 'l7-next');
    const plan = [
      { name: 'canary', count: 3, windowMs: 1_000 },
      { name: 'full', percent: 100, windowMs: 1_000 },
    ];
    const started = accepted(
      await bed.startRollout({
        target: { kind: 'group', group: GROUP },
        configHash: next,
        plan,
        acceptKeepNewOnFailure: true,
        timing: { applyTimeoutMs: 20_000, disconnectGraceMs: 10_000, healthGraceMs: 1_000 },
      }),
    );
    // Slow on a loaded machine: a report landing on a gateway whose state is unverified waits for full state.
    const done = await bed.waitForStatus(started.rolloutId, 'completed', 150_000);
    expect(done).toMatchObject({ applied: AGENTS, failed: 0 });
    const running = (): string[] => (fleet?.agents ?? []).map((agent) => agent.snapshot().runningHash ?? '');
    expect(running().filter((hash) => hash !== next)).toEqual([]);

    // Afterwards no gateway takes anyone back to what it ran before, and the group still holds everyone.
    for (let sample = 0; sample < 12; sample++) {
      await sleep(250);
      expect(running().filter((hash) => hash !== next)).toEqual([]);
    }
    expect(await groups()).toEqual({ inGroup: AGENTS, ungrouped: 0 });
    for (const [agentId, hashes] of offers) expect({ agentId, hashes: hashes.filter((hash) => hash !== next) }).toEqual({ agentId, hashes: [] });
  });
});
