import { decide } from './decide';
import type { StartRollout } from './inputs';
import type { RolloutState } from './state';
import { impliedDesired, staleDesired } from './implied-desired';

const NEW = 'n'.repeat(64);
const OLD_A = 'a'.repeat(64);
const OLD_B = 'b'.repeat(64);
const agent = (agentId: string) => ({ agentId, connected: true, capabilities: 0x1802, identifying: { 'service.environment': 'prod' }, nonIdentifying: {} });

function started(): RolloutState {
  const command: StartRollout = {
    type: 'StartRollout',
    rolloutId: 'r1',
    target: { kind: 'group', group: 'prod' },
    configHash: NEW,
    previousConfigHashes: { a1: OLD_A, a2: OLD_B, a3: OLD_A },
    plan: [{ count: 2, windowMs: 60_000 }, { percent: 100 }],
    fleet: [agent('a1'), agent('a2'), agent('a3')],
    lockedAgents: {},
    now: 1_000,
  };
  const decision = decide(null, command);
  if (!decision.ok || decision.state === null) throw new Error('start refused');
  return decision.state;
}

describe('desired config implied by a rollout history', () => {
  it('gives targeted agents the new config and leaves waiting ones alone', () => {
    const assignments = impliedDesired(started());
    expect(assignments).toHaveLength(2);
    expect(assignments.every((assignment) => assignment.configHash === NEW)).toBe(true);
  });

  it('gives reverted agents their own previous config after a rollback', () => {
    const decision = decide(started(), { type: 'RollbackRollout', rolloutId: 'r1', now: 2_000 });
    if (!decision.ok || decision.state === null) throw new Error('rollback refused');
    const reverted = impliedDesired(decision.state);
    const previous: Record<string, string> = { a1: OLD_A, a2: OLD_B, a3: OLD_A };
    expect(reverted).toHaveLength(2);
    for (const { agentId, configHash } of reverted) expect(configHash).toBe(previous[agentId]);
  });

  it('finds ledger entries agent-desired does not reflect, leaving entries set outside rollouts', () => {
    const ledger = new Map([
      ['a1', { configHash: NEW, rolloutId: 'r1' }],
      ['a2', { configHash: NEW, rolloutId: 'r1' }],
      ['a3', { configHash: OLD_A, rolloutId: 'r0' }],
      ['a4', { configHash: NEW, rolloutId: 'r1' }],
    ]);
    const current = new Map([
      ['a1', { configHash: NEW, rolloutId: 'r1', setAt: 1 }],
      ['a2', { configHash: OLD_B, rolloutId: 'r0', setAt: 1 }],
      ['a3', { configHash: OLD_B, rolloutId: null, setAt: 1 }],
    ]);
    expect(staleDesired(ledger, (id) => current.get(id))).toEqual(
      new Map([
        [
          'r1',
          [
            { agentId: 'a2', configHash: NEW },
            { agentId: 'a4', configHash: NEW },
          ],
        ],
      ]),
    );
  });
});
