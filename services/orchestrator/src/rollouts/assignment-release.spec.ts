import type { DesiredConfigAssignment, RolloutEvent } from '@roost/rollout';
import { AssignmentRelease } from './assignment-release';

const targeted = (agentId: string, n: number): RolloutEvent => ({
  type: 'AgentsTargeted',
  schemaVersion: 1,
  id: `r/${n}`,
  rolloutId: 'r',
  at: 0,
  phase: 0,
  configHash: 'new',
  late: false,
  agents: [{ agentId, previousConfigHash: 'old' }],
});
const phaseStarted: RolloutEvent = { type: 'PhaseStarted', schemaVersion: 1, id: 'r/1', rolloutId: 'r', at: 0, phase: 0, name: 'canary', allowance: 3, windowMs: 0, requireApproval: false };

describe('releasing desired-config writes as their events are stored', () => {
  it('writes an agent only once the event targeting it is stored, in event order', async () => {
    const writes: string[][] = [];
    const writer = async (_rolloutId: string | null, assignments: readonly DesiredConfigAssignment[]): Promise<string[]> => {
      writes.push(assignments.map((a) => a.agentId));
      return [];
    };
    const events = [phaseStarted, targeted('c', 2), targeted('a', 3), targeted('b', 4)];
    const assignments = ['a', 'b', 'c'].map((agentId) => ({ agentId, configHash: 'new' }));
    const release = new AssignmentRelease('r', events, assignments, writer);
    release.stored(1);
    expect(writes).toEqual([]);
    release.stored(3);
    release.stored(3);
    release.stored(4);
    expect(await release.settled()).toEqual([]);
    expect(writes).toEqual([['c', 'a'], ['b']]);
  });

  it('holds an assignment without a justifying event until the whole decision is stored', async () => {
    const writes: string[][] = [];
    const release = new AssignmentRelease('r', [phaseStarted, targeted('a', 2)], [{ agentId: 'z', configHash: 'x' }], async (_r, assignments) => {
      writes.push(assignments.map((a) => a.agentId));
      return ['z'];
    });
    release.stored(1);
    expect(writes).toEqual([]);
    release.stored(2);
    expect(await release.settled()).toEqual(['z']);
  });
});
