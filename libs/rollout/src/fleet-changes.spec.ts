import { cohortKey, cohortOrder, rolloutAgent, summarize } from './index';
import {
  agent,
  appliedAndHealthy,
  connected,
  disconnected,
  effectsOf,
  fleetOf,
  id,
  MIN,
  NEW,
  ofType,
  RolloutScenario,
  startCommand,
  tick,
  typesOf,
} from './testing/rollout-fixtures';

const fleet = fleetOf(100);

/** A joiner id whose position in r1's cohort order (among the fleet plus itself) falls in [from, to). */
function joinerAt(from: number, to: number): string {
  for (let k = 0; ; k += 1) {
    const joiner = `joiner-${k}`;
    const ids = [...fleet.map((a) => a.agentId), joiner];
    const position = cohortOrder('r1', ids.map((agentId) => ({ agentId, cohortKey: cohortKey('r1', agentId), stratum: null }))).indexOf(joiner);
    if (position >= from && position < to) return joiner;
  }
}

describe('fleet changes during a rollout', () => {
  it('gives a late joiner whose cohort position lies inside the current phase the new config', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    const joiner = joinerAt(0, 3);
    const decision = scenario.when(connected(agent(joiner), 1000));
    expect(typesOf(decision)).toEqual(['AgentJoined', 'AgentsTargeted']);
    expect(ofType(decision, 'AgentsTargeted')[0]).toMatchObject({ agents: [{ agentId: joiner }], phase: 0, late: true });
    expect(effectsOf(decision)[0]).toEqual({ type: 'SetDesiredConfig', rolloutId: 'r1', assignments: [{ agentId: joiner, configHash: NEW }] });
  });

  it('keeps a late joiner outside the current phase on its previous config until a wider phase reaches it', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    const joiner = joinerAt(3, 11);
    const decision = scenario.when(connected(agent(joiner), 1000));
    expect(typesOf(decision)).toEqual(['AgentJoined']);
    expect(effectsOf(decision).some((effect) => effect.type === 'SetDesiredConfig')).toBe(false);
    appliedAndHealthy(scenario, scenario.targeted, 2000);
    scenario.when(tick(5 * MIN));
    expect(scenario.targeted).toContain(joiner);
    expect(summarize(scenario.current)).toMatchObject({ members: 101, targeted: 11 });
  });

  it('does not take a joiner held by another active rollout, naming the holder', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    const decision = scenario.when(connected(agent('busy'), 1000, 'cfg-previous', 'r9'));
    expect(ofType(decision, 'AgentSkipped')).toEqual([expect.objectContaining({ agentId: 'busy', reason: 'locked_by_other_rollout', lockedBy: 'r9' })]);
    expect(scenario.targeted).not.toContain('busy');
  });

  it('records a joiner that cannot take part as skipped with its reason, once', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    expect(ofType(scenario.when(connected(agent('fresh'), 1000, null)), 'AgentSkipped')).toEqual([expect.objectContaining({ reason: 'no_previous_config' })]);
    expect(typesOf(scenario.when(connected(agent('fresh'), 2000, null)))).toEqual([]);
  });

  it('takes in an agent skipped as disconnected at the start once it connects', () => {
    const offline = agent('offline', { connected: false });
    const scenario = RolloutScenario.given(startCommand({ fleet: [...fleet, offline], previousConfigHashes: { ...Object.fromEntries(fleet.map((a) => [a.agentId, 'cfg-previous'])), offline: 'cfg-previous' } }));
    expect(ofType(scenario.history, 'AgentSkipped')).toEqual([expect.objectContaining({ agentId: 'offline', reason: 'disconnected' })]);
    expect(typesOf(scenario.when(connected(agent('offline'), 1000)))[0]).toBe('AgentJoined');
    expect(summarize(scenario.current)).toMatchObject({ members: 101, skipped: 0 });
  });

  it('passes over a disconnected member when widening, so it never blocks; a later phase takes it once it is back', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    const order = cohortOrder('r1', fleet.map((a) => ({ agentId: a.agentId, cohortKey: cohortKey('r1', a.agentId), stratum: null })));
    const absent = order[2]!;
    scenario.when(disconnected(absent, 1000));
    appliedAndHealthy(scenario, scenario.targeted, 2000);
    scenario.when(tick(5 * MIN));
    expect(scenario.targeted).toHaveLength(10);
    expect(scenario.targeted).not.toContain(absent);
    expect(typesOf(scenario.when(connected(agent(absent), 6 * MIN)))).toEqual(['AgentConnectionRestored']);
    expect(rolloutAgent(scenario.current, absent)).toMatchObject({ targetedAt: null, failure: null });
    appliedAndHealthy(scenario, scenario.targeted.slice(2), 6 * MIN);
    scenario.when(tick(10 * MIN));
    expect(scenario.targeted).toContain(absent);
  });

  it('excludes a member that stops matching the target and takes the next agent in its place', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    const [moved] = scenario.targeted;
    const decision = scenario.when({ type: 'AgentDescribed', agent: agent(moved!, { identifying: { 'service.environment': 'staging' } }), previousConfigHash: 'cfg-previous', lockedBy: null, now: 1000 });
    expect(typesOf(decision)).toEqual(['AgentExcluded', 'AgentsTargeted']);
    expect(ofType(decision, 'AgentExcluded')[0]).toMatchObject({ agentId: moved, reason: 'left_target' });
  });

  it('ignores reports from agents the rollout does not hold', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet }));
    expect(typesOf(scenario.when(connected(agent('elsewhere', { identifying: { 'service.environment': 'staging' } }), 1000)))).toEqual([]);
    expect(typesOf(scenario.when({ type: 'RemoteConfigStatusReported', agentId: 'stranger', hash: NEW, status: 'FAILED', errorMessage: '', now: 1000 }))).toEqual([]);
    expect(typesOf(scenario.when(disconnected(id(99) === scenario.targeted[0] ? id(98) : id(99), 1000)))).toEqual(['AgentConnectionLost']);
  });
});
