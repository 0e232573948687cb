import fc from 'fast-check';
import { findBySubject, patternCovers, subjectMatches } from './subject-pattern';

/** The grammar read literally, token lists in hand: the oracle for the allocation-free walk. */
function coversByTokens(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let n = 0; n < o.length; n++) {
    if (o[n] === '>') return n < i.length;
    if (n >= i.length || i[n] === '>') return false;
    if (o[n] !== '*' && o[n] !== i[n]) return false;
  }
  return o.length === i.length;
}

describe('subject patterns', () => {
  it.each([
    ['fleet.agent.>', 'fleet.agent.a1.connected', true],
    ['fleet.agent.>', 'fleet.agent', false],
    ['fleet.agent.*.connected', 'fleet.agent.a1.connected', true],
    ['fleet.agent.*.connected', 'fleet.agent.a1.health', false],
    ['fleet.agent.*', 'fleet.agent.a1.health', false],
    ['rollout.*', 'rollout.r1', true],
    ['rollout.r1', 'rollout.r10', false],
    ['rollout.r10', 'rollout.r1', false],
    ['>', 'anything.at.all', true],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });

  it('tells whether one pattern covers another', () => {
    expect(patternCovers('fleet.>', 'fleet.agent.>')).toBe(true);
    expect(patternCovers('fleet.agent.*.connected', 'fleet.agent.>')).toBe(false);
    expect(patternCovers('fleet.*.x', 'fleet.*.x')).toBe(true);
    expect(patternCovers('fleet.a.x', 'fleet.*.x')).toBe(false);
  });

  it('agrees with the grammar read token by token, for any subjects and patterns', () => {
    const token = fc.constantFrom('a', 'b', 'ab', '*', '>', '');
    const subject = fc.array(token, { minLength: 1, maxLength: 5 }).map((tokens) => tokens.join('.'));
    fc.assert(
      fc.property(subject, subject, (outer, inner) => {
        expect(patternCovers(outer, inner)).toBe(coversByTokens(outer, inner));
      }),
      { numRuns: 5_000 },
    );
  });

  it('finds the one declaration whose subjects cover a subject', () => {
    const streams = [
      { name: 'ROLLOUTS', subjects: ['rollout.>'] },
      { name: 'FLEET', subjects: ['fleet.agent.>', 'fleet.gateway.*'] },
    ];
    expect(findBySubject(streams, 'fleet.gateway.g1')?.name).toBe('FLEET');
    expect(findBySubject(streams, 'rollout.r1.started')?.name).toBe('ROLLOUTS');
    expect(findBySubject(streams, 'fleet.gateway.g1.extra')).toBeUndefined();
  });
});
