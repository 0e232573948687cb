import { isHashPrefix, matchHashPrefix } from './hash-prefix';

const A = `a1b2c3d4e5f6${'0'.repeat(52)}`;
const B = `a1b2c3d4ffff${'1'.repeat(52)}`;

describe('hash prefixes', () => {
  it('takes 8 to 63 lowercase hex characters as a possible prefix, nothing shorter', () => {
    expect(isHashPrefix('a1b2c3d4')).toBe(true);
    expect(isHashPrefix(A.slice(0, 12))).toBe(true);
    expect(isHashPrefix('a1b2c3d')).toBe(false);
    expect(isHashPrefix('A1B2C3D4')).toBe(false);
    expect(isHashPrefix(A)).toBe(false);
  });

  it('resolves a prefix only one stored hash starts with', () => {
    expect(matchHashPrefix('a1b2c3d4e5', [A, B])).toEqual({ kind: 'unique', hash: A });
  });

  it('names every candidate when the prefix is ambiguous, and none when nothing matches', () => {
    expect(matchHashPrefix('a1b2c3d4', [B, A])).toEqual({ kind: 'ambiguous', hashes: [A, B] });
    expect(matchHashPrefix('0000000000', [A, B])).toEqual({ kind: 'none' });
  });
});
