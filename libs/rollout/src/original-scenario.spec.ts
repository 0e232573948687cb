import { cohortKey, cohortOrder, targetedAgentIds } from './index';
import { simulateRollout, type AgentBehaviour } from './testing';
import { id } from './testing/rollout-fixtures';

/**
 * The original design's scenario: 100 agents of group production, plan 2% / 10% / 50% / 100%
 * with its windows, failure threshold 10%. Each agent has its own previous config.
 */
const agentIds = Array.from({ length: 100 }, (_, i) => id(i));
const previousOf = (agentId: string): string => `cfg-v1-${Number(agentId.slice(-3)) % 3}`;
const order = cohortOrder('orig', agentIds.map((agentId) => ({ agentId, cohortKey: cohortKey('orig', agentId), stratum: null })));
const earlyAdopters = order.slice(2, 10);

function run(failing: readonly string[]) {
  const bad: AgentBehaviour = { kind: 'fails_apply', error: 'exporters::otlp: connection refused' };
  return simulateRollout({
    rollout: { rolloutId: 'orig', target: { kind: 'group', group: 'production' }, configHash: 'cfg-v2', threshold: 0.1 },
    agents: agentIds.map((agentId) => ({ agentId, previousConfigHash: previousOf(agentId), behaviour: failing.includes(agentId) ? bad : { kind: 'healthy' }, applyDelayMs: 2000 })),
  });
}

describe('the original scenario: 100 agents, 2/10/50/100%, threshold 10%', () => {
  it.each([
    {
      name: 'all canaries succeed',
      failing: [] as string[],
      status: 'completed',
      timeline: [
        ['PhaseStarted', 'canary', 0, 0],
        ['PhasePassed', 'canary', 300_000, 2],
        ['PhaseStarted', 'early-adopters', 300_000, 2],
        ['PhasePassed', 'early-adopters', 600_000, 10],
        ['PhaseStarted', 'majority', 600_000, 10],
        ['PhasePassed', 'majority', 780_000, 50],
        ['PhaseStarted', 'full', 780_000, 50],
        ['PhasePassed', 'full', 782_000, 100],
        ['RolloutCompleted', 'full', 782_000, 100],
      ],
      touched: 100,
    },
    {
      name: '2 of 10 early adopters fail',
      failing: earlyAdopters.slice(0, 2),
      status: 'rolled_back',
      timeline: [
        ['PhaseStarted', 'canary', 0, 0],
        ['PhasePassed', 'canary', 300_000, 2],
        ['PhaseStarted', 'early-adopters', 300_000, 2],
        ['PhaseFailed', 'early-adopters', 302_000, 10],
        ['RolloutRolledBack', 'early-adopters', 302_000, 10],
      ],
      touched: 10,
    },
  ])('$name → $status', ({ failing, status, timeline, touched }) => {
    const result = run(failing);
    expect(result.state?.status).toBe(status);
    expect(result.timeline.filter((entry) => entry.event !== 'RolloutStarted').map((entry) => [entry.event, entry.phase, entry.at, entry.targeted])).toEqual(timeline);
    const targeted = targetedAgentIds(result.events);
    expect(targeted).toHaveLength(touched);
    expect(targeted.slice(0, 10)).toEqual(order.slice(0, 10));
    if (status === 'completed') {
      expect(Object.values(result.running).every((hash) => hash === 'cfg-v2')).toBe(true);
    } else {
      // Everything touched goes back to its own previous config; nothing else is touched.
      expect(result.desired).toEqual(Object.fromEntries(targeted.map((agentId) => [agentId, previousOf(agentId)])));
      expect(Object.entries(result.running).every(([agentId, hash]) => hash === previousOf(agentId))).toBe(true);
    }
  });
});
