import { foldEffects } from './batch-effects';

describe('folding the effects of a batch of decisions', () => {
  it('keeps the last assignment per agent, the last timer instruction and every notification', () => {
    const folded = foldEffects([
      { type: 'SetDesiredConfig', rolloutId: 'r', assignments: [{ agentId: 'a', configHash: 'new' }, { agentId: 'b', configHash: 'new' }] },
      { type: 'ArmTimer', rolloutId: 'r', at: 10 },
      { type: 'SetDesiredConfig', rolloutId: 'r', assignments: [{ agentId: 'a', configHash: 'old' }] },
      { type: 'Notify', rolloutId: 'r', kind: 'rolled_back', message: 'm' },
      { type: 'DisarmTimer', rolloutId: 'r' },
    ]);
    expect(folded).toEqual({
      assignments: [
        { agentId: 'b', configHash: 'new' },
        { agentId: 'a', configHash: 'old' },
      ],
      timer: 'disarm',
      notifications: [{ type: 'Notify', rolloutId: 'r', kind: 'rolled_back', message: 'm' }],
    });
    expect(foldEffects([{ type: 'ArmTimer', rolloutId: 'r', at: 5 }]).timer).toEqual({ at: 5 });
    expect(foldEffects([]).timer).toBeUndefined();
  });
});
