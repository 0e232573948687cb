import { lockHolder } from './rollout-locks';
import { command, fleetOf, RolloutScenario, startCommand, tick } from './testing/rollout-fixtures';

describe('one active rollout per agent (lockHolder)', () => {
  const fleet = fleetOf(3);

  it('names the active rollout an agent is a member of', () => {
    const r1 = RolloutScenario.given(startCommand({ fleet, plan: [{ percent: 100, windowMs: 60_000 }] })).current;

    expect(lockHolder([r1], 'agent-000')).toBe('r1');
  });

  it('leaves the asking rollout itself out', () => {
    const r1 = RolloutScenario.given(startCommand({ fleet })).current;

    expect(lockHolder([r1], 'agent-000', 'r1')).toBeNull();
  });

  it('frees the agent once the rollout has ended', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    scenario.when(command('AbortRollout', 10));

    expect(lockHolder([scenario.current], 'agent-000')).toBeNull();
  });

  it('frees an agent that left the target, and never holds an agent it skipped', () => {
    const withoutRemoteConfig = [...fleet.slice(0, 2), { ...fleet[2]!, capabilities: 0 }];
    const scenario = RolloutScenario.given(startCommand({ fleet: withoutRemoteConfig }), tick(1));
    scenario.when({ type: 'AgentDescribed', agent: { ...fleet[0]!, identifying: { 'service.environment': 'staging' } }, previousConfigHash: null, lockedBy: null, now: 2 });

    expect(lockHolder([scenario.current], 'agent-000')).toBeNull();
    expect(lockHolder([scenario.current], 'agent-001')).toBe('r1');
    expect(lockHolder([scenario.current], 'agent-002')).toBeNull();
  });
});
