import { parseSelector } from '@roost/fleet';
import { decide, rolloutAgent, summarize } from './index';
import {
  agent,
  BASELINE,
  effectsOf,
  fleetOf,
  id,
  NEW,
  ofType,
  OLD,
  startCommand,
  targetedIds,
  typesOf,
  WITHOUT_REMOTE_CONFIG_STATUS,
} from './testing/rollout-fixtures';

function refusal(decision: ReturnType<typeof decide>) {
  if (decision.ok) throw new Error('expected a refusal');
  return decision.error;
}

describe('starting a rollout', () => {
  it('records the members, starts the canary phase and sets the canaries desired config', () => {
    const decision = decide(null, startCommand({ fleet: fleetOf(100) }));
    expect(typesOf(decision)).toEqual(['RolloutStarted', 'AgentsEnrolled', 'PhaseStarted', 'AgentsTargeted']);
    const [started] = ofType(decision, 'RolloutStarted');
    expect(started).toMatchObject({ schemaVersion: 1, id: 'r1/1', rolloutId: 'r1', at: 0, matched: 100, eligible: 100, skipped: {} });
    expect(ofType(decision, 'AgentsEnrolled')[0]!.agents).toHaveLength(100);
    expect(ofType(decision, 'PhaseStarted')[0]).toMatchObject({ phase: 0, name: 'canary', allowance: 2, windowMs: 300_000 });
    const canaries = targetedIds(decision);
    expect(effectsOf(decision)).toEqual([
      { type: 'SetDesiredConfig', rolloutId: 'r1', assignments: canaries.map((agentId) => ({ agentId, configHash: NEW })) },
      { type: 'ArmTimer', rolloutId: 'r1', at: 120_000 },
    ]);
  });

  it('applies a label selector over identifying and non-identifying attributes', () => {
    const parsed = parseSelector('service.environment=production,cloud.region in (eu),!canary');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const fleet = [
      agent('a', { nonIdentifying: { 'cloud.region': 'eu' } }),
      agent('b', { nonIdentifying: { 'cloud.region': 'us' } }),
      agent('c', { nonIdentifying: { 'cloud.region': 'eu', canary: 'yes' } }),
      agent('d', { identifying: { 'service.environment': 'staging' }, nonIdentifying: { 'cloud.region': 'eu' } }),
    ];
    const decision = decide(null, startCommand({ fleet, target: { kind: 'selector', selector: parsed.selector } }));
    expect(ofType(decision, 'RolloutStarted')[0]).toMatchObject({ matched: 1, eligible: 1 });
    expect(ofType(decision, 'AgentsEnrolled')[0]).toMatchObject({ agents: [expect.objectContaining({ agentId: 'a' })] });
  });

  it('records every ineligible agent as skipped with its reason and says how many were skipped', () => {
    const fleet = [
      ...fleetOf(4),
      agent('offline', { connected: false }),
      agent('no-accept', { capabilities: 0 }),
      agent('on-new', {}),
      agent('never-configured', {}),
    ];
    const previous = { ...Object.fromEntries(fleetOf(4).map((a) => [a.agentId, OLD])), offline: OLD, 'no-accept': OLD, 'on-new': NEW };
    const decision = decide(null, startCommand({ fleet, previousConfigHashes: previous }));
    expect(ofType(decision, 'RolloutStarted')[0]).toMatchObject({
      matched: 8,
      skipped: { disconnected: 1, no_accepts_remote_config: 1, already_on_config: 1, no_previous_config: 1 },
    });
    expect(ofType(decision, 'AgentSkipped').map((event) => [event.agentId, event.reason])).toEqual([
      ['offline', 'disconnected'],
      ['no-accept', 'no_accepts_remote_config'],
      ['on-new', 'already_on_config'],
      ['never-configured', 'no_previous_config'],
    ]);
    const state = decision.ok ? decision.state! : null;
    expect(summarize(state!)).toMatchObject({ members: 4, skipped: 4, targeted: 1 });
  });

  it('lets agents without a previous config take part when a baseline names where they go back to', () => {
    const decision = decide(null, startCommand({ fleet: fleetOf(3), previousConfigHashes: {}, baselineConfigHash: BASELINE }));
    expect(ofType(decision, 'RolloutStarted')[0]).toMatchObject({ skipped: {} });
  });

  it('lets agents without a previous config take part when the rollout accepts they keep the new config', () => {
    const decision = decide(null, startCommand({ fleet: fleetOf(3), previousConfigHashes: {}, acceptKeepNewOnFailure: true }));
    expect(ofType(decision, 'RolloutStarted')[0]).toMatchObject({ skipped: {} });
  });

  it('refuses a target whose every agent never had a remote config, naming both remedies', () => {
    const error = refusal(decide(null, startCommand({ fleet: fleetOf(5), previousConfigHashes: {} })));
    expect(error.code).toBe('target.no_eligible_agents');
    expect(error.details).toEqual({ matched: 5, skipped: { no_previous_config: 5 } });
    expect(error.message).toContain('group production matches 5 agents but none is eligible: 5 never had a remote config');
    expect(error.message).toContain('baselineConfigHash');
    expect(error.message).toContain('acceptKeepNewOnFailure');
  });

  it('says that agents running a remote config Roost does not hold cannot be returned to it, rather than that they never had one', () => {
    const fleet = fleetOf(2);
    const error = refusal(decide(null, startCommand({ fleet, previousConfigHashes: {}, unknownConfigHashes: { [fleet[0]!.agentId]: 'f'.repeat(64) } })));
    expect(error.details).toEqual({ matched: 2, skipped: { no_previous_config: 1, previous_config_unknown: 1 } });
    expect(error.message).toContain('1 never had a remote config to return to, 1 run a remote config Roost does not hold, so a rollback could not return them to it');
    expect(error.message).toContain('baselineConfigHash');
  });

  it('refuses a group no agent belongs to, listing the known groups and the closest name', () => {
    const fleet = [...fleetOf(5), ...fleetOf(2, () => ({ identifying: { 'service.environment': 'staging' } })).map((a, i) => ({ ...a, agentId: `s${i}` }))];
    const error = refusal(decide(null, startCommand({ fleet, target: { kind: 'group', group: 'prodution' } })));
    expect(error.code).toBe('target.no_eligible_agents');
    expect(error.details).toEqual({ matched: 0, skipped: {}, knownGroups: ['production', 'staging'], closestGroups: ['production'] });
    expect(error.message).toBe('group "prodution" matches no agent (no agent reports service.environment=prodution); known groups: production (5), staging (2); did you mean "production"?');
  });

  it('offers no closest group when none is near the name asked for', () => {
    const error = refusal(decide(null, startCommand({ fleet: fleetOf(5), target: { kind: 'group', group: 'eu-west' } })));
    expect(error.details['closestGroups']).toEqual([]);
    expect(error.message).toContain('known groups: production (5)');
    expect(error.message).not.toContain('did you mean');
  });

  it('refuses a selector that matches no agent, saying so', () => {
    const error = refusal(decide(null, startCommand({ fleet: fleetOf(5), target: { kind: 'selector', selector: { requirements: [{ op: 'equals', key: 'service.environment', value: 'staging' }] } } })));
    expect(error).toMatchObject({ code: 'target.no_eligible_agents', details: { matched: 0 } });
    expect(error.message).toMatch(/matches no agent$/);
  });

  it('refuses a target where every agent is disconnected or cannot take remote config, with the counts', () => {
    const fleet = [agent('a', { connected: false }), agent('b', { capabilities: WITHOUT_REMOTE_CONFIG_STATUS & ~2 })];
    const error = refusal(decide(null, startCommand({ fleet })));
    expect(error.message).toBe('group production matches 2 agents but none is eligible: 1 disconnected, 1 do not advertise AcceptsRemoteConfig');
  });

  it('refuses a target that overlaps an active rollout, naming it', () => {
    const error = refusal(decide(null, startCommand({ fleet: fleetOf(10), lockedAgents: { [id(3)]: 'r0', [id(4)]: 'r0', [id(5)]: 'r-other' } })));
    expect(error.code).toBe('target.overlaps_active_rollout');
    expect(error.details).toEqual({ rolloutIds: ['r-other', 'r0'], agents: 3 });
    expect(error.message).toContain('overlaps active rollout r-other (1 agents), r0 (2 agents)');
  });

  it('enrols a large fleet in chunks small enough for one message each', () => {
    const decision = decide(null, startCommand({ fleet: fleetOf(1234) }));
    const chunks = ofType(decision, 'AgentsEnrolled');
    expect(chunks.map((event) => event.agents.length)).toEqual([500, 500, 234]);
    expect(Math.max(...chunks.map((event) => JSON.stringify(event).length))).toBeLessThan(200_000);
  });

  it('stratifies the canaries so they cover every value of the label key', () => {
    const fleet = fleetOf(100, (i) => ({ nonIdentifying: { 'cloud.region': ['eu', 'us', 'ap', 'sa'][i % 4]! } }));
    const decision = decide(null, startCommand({ fleet, stratifyBy: 'cloud.region' }));
    const region = new Map(fleet.map((a) => [a.agentId, a.nonIdentifying['cloud.region']]));
    expect(ofType(decision, 'PhaseStarted')[0]).toMatchObject({ allowance: 4 });
    expect(new Set(targetedIds(decision).map((agentId) => region.get(agentId)))).toEqual(new Set(['eu', 'us', 'ap', 'sa']));
  });

  it('refuses to start the same rollout twice', () => {
    const first = decide(null, startCommand({ fleet: fleetOf(3) }));
    const state = first.ok ? first.state : null;
    expect(refusal(decide(state, startCommand({ fleet: fleetOf(3) }))).code).toBe('rollout.already_exists');
  });

  it.each([
    [{ threshold: 1.5 }, 'threshold.out_of_range'],
    [{ threshold: -0.1 }, 'threshold.out_of_range'],
    [{ threshold: Number.NaN }, 'threshold.out_of_range'],
    [{ minOutcomeRatio: 0 }, 'gate.min_outcome_ratio_out_of_range'],
    [{ plan: [] }, 'plan.empty'],
    [{ plan: [{ percent: 50 }, { percent: 20 }, { percent: 100 }] }, 'plan.not_increasing'],
    [{ plan: [{ percent: 50 }] }, 'plan.not_ending_at_100'],
    [{ plan: [{ percent: 50, windowMs: -5 }, { percent: 100 }] }, 'plan.negative_window'],
    [{ timing: { applyTimeoutMs: -1 } }, 'timing.out_of_range'],
    [{ configHash: '' }, 'config.missing_hash'],
    [{ rolloutId: ' ' }, 'rollout.invalid_id'],
    [{ rolloutId: 'a.b' }, 'rollout.invalid_id'],
    [{ baselineConfigHash: NEW }, 'baseline.same_as_config'],
    [{ target: { kind: 'group' as const, group: '' } }, 'target.invalid'],
  ])('refuses invalid settings %j with %s', (overrides, code) => {
    expect(refusal(decide(null, startCommand({ fleet: fleetOf(3), ...overrides }))).code).toBe(code);
  });

  it('takes each agent own previous config and capabilities into its record', () => {
    const fleet = [agent('a'), agent('b', { capabilities: WITHOUT_REMOTE_CONFIG_STATUS })];
    const decision = decide(null, startCommand({ fleet, previousConfigHashes: { a: 'cfg-a', b: 'cfg-b' } }));
    const state = decision.ok ? decision.state! : null;
    expect(rolloutAgent(state!, 'a')).toMatchObject({ previousConfigHash: 'cfg-a', reportsRemoteConfig: true, reportsHealth: true });
    expect(rolloutAgent(state!, 'b')).toMatchObject({ previousConfigHash: 'cfg-b', reportsRemoteConfig: false, reportsHealth: false });
  });
});
