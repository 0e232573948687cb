import { agentChunks, eventAssignments } from './agent-chunks';
import { AGENTS_PER_EVENT, cohortKey, cohortOrder, decide } from './index';
import { command, fleetOf, ofType, OLD, RolloutScenario, startCommand, targetedIds } from './testing/rollout-fixtures';

describe('multi-agent events', () => {
  it('splits agents into runs of at most AGENTS_PER_EVENT, in order', () => {
    const items = Array.from({ length: 2 * AGENTS_PER_EVENT + 3 }, (_, i) => i);
    const chunks = agentChunks(items);
    expect(chunks.map((chunk) => chunk.length)).toEqual([AGENTS_PER_EVENT, AGENTS_PER_EVENT, 3]);
    expect(chunks.flat()).toEqual(items);
    expect(agentChunks([])).toEqual([]);
  });

  it('targets a large phase in chunks, in cohort order, each agent once with its previous config', () => {
    const fleet = fleetOf(1200);
    const decision = decide(null, startCommand({ fleet, plan: [{ percent: 100 }] }));
    const targeted = ofType(decision, 'AgentsTargeted');
    expect(targeted.map((event) => event.agents.length)).toEqual([500, 500, 200]);
    expect(targeted.every((event) => event.phase === 0 && event.configHash === 'cfg-new' && !event.late)).toBe(true);
    expect(targeted.flatMap((event) => event.agents.map((agent) => agent.previousConfigHash))).toEqual(Array(1200).fill(OLD));
    const order = cohortOrder('r1', fleet.map((a) => ({ agentId: a.agentId, cohortKey: cohortKey('r1', a.agentId), stratum: null })));
    expect(targetedIds(decision)).toEqual(order);
  });

  it('reverts a large rollout in chunks and counts every agent once', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(1200), plan: [{ percent: 100 }] }));
    const decision = scenario.when(command('RollbackRollout', 1000));
    const reverted = ofType(decision, 'AgentsReverted');
    expect(reverted.map((event) => event.agents.length)).toEqual([500, 500, 200]);
    expect(new Set(reverted.flatMap((event) => event.agents.map((agent) => agent.agentId))).size).toBe(1200);
    expect(ofType(decision, 'RolloutRolledBack')[0]).toMatchObject({ reverted: 1200, keptNew: 0 });
  });

  it('derives from each event the desired configs it assigns: none for agents that keep the new config', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(4), plan: [{ percent: 100 }], previousConfigHashes: { 'agent-000': OLD }, acceptKeepNewOnFailure: true }));
    const [targeted] = ofType(scenario.history, 'AgentsTargeted');
    expect(eventAssignments(targeted!)).toEqual(targeted!.agents.map(({ agentId }) => ({ agentId, configHash: 'cfg-new' })));
    const [reverted] = ofType(scenario.when(command('RollbackRollout', 1000)), 'AgentsReverted');
    expect(eventAssignments(reverted!)).toEqual([{ agentId: 'agent-000', configHash: OLD }]);
    expect(reverted!.agents).toHaveLength(4);
    expect(ofType(scenario.history, 'RolloutStarted').flatMap(eventAssignments)).toEqual([]);
  });
});
