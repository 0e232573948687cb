import { AGENT_CAPABILITY } from '@roost/fleet';
import { simulateRollout, type SimAgentSpec, type SimulatedRollout } from '../testing';

const rollout: SimulatedRollout = {
  rolloutId: 'sim',
  target: { kind: 'group', group: 'production' },
  configHash: 'cfg-new',
  plan: [{ percent: 10, windowMs: 60_000 }, { percent: 100, windowMs: 60_000 }],
};
const healthyFleet = (size: number): SimAgentSpec[] => Array.from({ length: size }, (_, i) => ({ agentId: `a-${i}` }));

describe('fleet simulator', () => {
  it('plays a rollout to its end and returns the event log, the timeline and where every agent ends up', () => {
    const result = simulateRollout({ rollout, agents: healthyFleet(20) });
    expect(result.refused).toBeNull();
    expect(result.truncated).toBe(false);
    expect(result.state?.status).toBe('completed');
    expect(result.timeline.map((entry) => [entry.event, entry.at])).toEqual([
      ['RolloutStarted', 0],
      ['PhaseStarted', 0],
      ['PhasePassed', 60_000],
      ['PhaseStarted', 60_000],
      ['PhasePassed', 120_000],
      ['RolloutCompleted', 120_000],
    ]);
    expect(Object.values(result.running)).toEqual(Array(20).fill('cfg-new'));
    expect(Object.values(result.desired)).toEqual(Array(20).fill('cfg-new'));
  });

  it('reports a refused start without simulating', () => {
    const result = simulateRollout({ rollout, agents: healthyFleet(3).map((a) => ({ ...a, previousConfigHash: null })) });
    expect(result.refused?.code).toBe('target.no_eligible_agents');
    expect(result.events).toEqual([]);
  });

  it('converges agents that report only their effective config', () => {
    const agents = healthyFleet(10).map((a) => ({ ...a, capabilities: AGENT_CAPABILITY.AcceptsRemoteConfig | AGENT_CAPABILITY.ReportsEffectiveConfig }));
    const result = simulateRollout({ rollout, agents });
    expect(result.state?.status).toBe('completed');
    expect(result.events.filter((event) => event.type === 'AgentConfigApplied').every((event) => event.type === 'AgentConfigApplied' && event.via === 'effective_config')).toBe(true);
  });

  it('delivers the desired config to a late joiner and to an agent when it reconnects', () => {
    const agents: SimAgentSpec[] = [
      ...healthyFleet(10),
      { agentId: 'late', joinAfterMs: 70_000 },
      { agentId: 'flaky', behaviour: { kind: 'disconnects', afterMs: 500, reconnectAfterMs: 20_000 } },
    ];
    const result = simulateRollout({ rollout, agents });
    expect(result.state?.status).toBe('completed');
    expect(result.running['late']).toBe('cfg-new');
    expect(result.running['flaky']).toBe('cfg-new');
  });

  it('carries out scheduled operator actions and records the ones the engine refuses', () => {
    const result = simulateRollout({
      rollout,
      agents: healthyFleet(10),
      operator: [
        { afterMs: 10_000, action: 'PauseRollout', reason: 'lunch' },
        { afterMs: 20_000, action: 'AbortRollout' },
        { afterMs: 30_000, action: 'ResumeRollout' },
      ],
    });
    expect(result.state?.status).toBe('aborted');
    expect(result.refusals).toEqual([{ at: 30_000, action: 'ResumeRollout', error: expect.objectContaining({ code: 'transition.illegal' }) }]);
  });

  it('stops at the step limit and says so', () => {
    expect(simulateRollout({ rollout, agents: healthyFleet(10), maxSteps: 5 }).truncated).toBe(true);
  });

  // How fast it runs is a benchmark's business (bench/), not a test's: a timed assertion here failed
  // on a loaded machine while the simulation was right.
  it('carries a 2 000-agent rollout through every phase to completion', () => {
    const result = simulateRollout({ rollout: { ...rollout, plan: undefined }, agents: healthyFleet(2_000) });
    expect(result.state?.status).toBe('completed');
    expect(result.truncated).toBe(false);
  });
});
