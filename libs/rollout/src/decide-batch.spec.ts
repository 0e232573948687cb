import { decideBatch } from './decide-batch';
import { replay } from './evolve';
import { command, failedStatus, fleetOf, NEW, startCommand } from './testing/rollout-fixtures';

describe('decideBatch', () => {
  const fleet = fleetOf(2);
  const start = startCommand({ fleet, plan: [{ percent: 100, windowMs: 60_000 }] });

  it('decides each item against the state the items before it left', () => {
    const seen: (string | null)[] = [];
    const decided = decideBatch(null, [
      () => [start],
      (state) => {
        seen.push(state?.status ?? null);
        return [command('PauseRollout', 5)];
      },
    ]);

    expect(seen).toEqual(['in_progress']);
    expect(decided.state?.status).toBe('paused');
    expect(decided.refusals).toEqual([null, null]);
    expect(replay(decided.events)).toEqual(decided.state);
  });

  it('refuses one item and goes on with the rest', () => {
    const decided = decideBatch(null, [() => [start], () => [start], () => [failedStatus('agent-000', 6)]]);

    expect(decided.refusals.map((refusal) => refusal?.code ?? null)).toEqual([null, 'rollout.already_exists', null]);
    expect(decided.events.some((event) => event.type === 'AgentConfigFailed' && event.agentId === 'agent-000')).toBe(true);
  });

  it('carries the effects of every decision in order', () => {
    const decided = decideBatch(null, [() => [start]]);

    expect(decided.effects.filter((effect) => effect.type === 'SetDesiredConfig').flatMap((effect) => (effect.type === 'SetDesiredConfig' ? effect.assignments : []))).toEqual(
      fleet.map((agent) => ({ agentId: agent.agentId, configHash: NEW })),
    );
  });
});
