import { AdminError } from '../errors/admin-error';
import { ApiTokens, bearerToken, parseTokenList, sha256Hex } from './api-tokens';
import { authorize, permits } from './permissions';

const codeOf = (run: () => unknown): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AdminError ? error.code : String(error);
  }
};

describe('API tokens', () => {
  const tokens = new ApiTokens([{ name: 'ci', role: 'operator', sha256: sha256Hex('s3cret') }], null);

  it('knows a token by its SHA-256 and answers its holder and role', () => {
    expect(tokens.authenticate('s3cret')).toEqual({ name: 'ci', role: 'operator' });
  });

  it('refuses a missing token, a wrong one and the stored hash itself', () => {
    expect(codeOf(() => tokens.authenticate(null))).toBe('auth.missing_token');
    expect(codeOf(() => tokens.authenticate('S3CRET'))).toBe('auth.invalid_token');
    expect(codeOf(() => tokens.authenticate(sha256Hex('s3cret')))).toBe('auth.invalid_token');
  });

  it('lets requests without a token act as anonymous only when an anonymous role is set', () => {
    expect(new ApiTokens([], 'viewer').authenticate(null)).toEqual({ name: 'anonymous', role: 'viewer' });
    expect(codeOf(() => new ApiTokens([], 'viewer').authenticate('wrong'))).toBe('auth.invalid_token');
  });

  it('refuses configuration with a malformed hash, an unknown role or a shared token', () => {
    expect(() => new ApiTokens([{ name: 'a', role: 'viewer', sha256: 'abc' }], null)).toThrow(/64 hex/);
    expect(() => new ApiTokens([{ name: 'a', role: 'root' as never, sha256: sha256Hex('x') }], null)).toThrow(/role/);
    expect(() => new ApiTokens([{ name: 'a', role: 'viewer', sha256: sha256Hex('x') }, { name: 'b', role: 'admin', sha256: sha256Hex('x') }], null)).toThrow(/same hash as "a"/);
  });

  it('reads bearer tokens and passes anything else on to be refused', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Basic YTpi')).toBe('Basic YTpi');
  });

  it('parses name:role:sha256 lists and names the entry at fault', () => {
    const hash = sha256Hex('t');
    expect(parseTokenList(` ci:operator:${hash} , ada:admin:${hash}`)).toEqual([
      { name: 'ci', role: 'operator', sha256: hash },
      { name: 'ada', role: 'admin', sha256: hash },
    ]);
    expect(parseTokenList('')).toEqual([]);
    expect(() => parseTokenList('ci:operator')).toThrow(/"ci:operator" must be name:role:sha256/);
    expect(() => parseTokenList(`ci:boss:${hash}`)).toThrow(/role must be one of viewer, operator, admin/);
  });
});

describe('roles', () => {
  it.each([
    ['viewer', [true, false, false]],
    ['operator', [true, true, false]],
    ['admin', [true, true, true]],
  ] as const)('%s may read, write, read the audit: %j', (role, expected) => {
    expect((['read', 'write', 'audit'] as const).map((permission) => permits(role, permission))).toEqual(expected);
  });

  it('says which role an action needs', () => {
    expect(() => authorize({ name: 'vera', role: 'viewer' }, 'write', 'rollout.start')).toThrow('vera (role viewer) may not rollout.start; it needs the role operator or admin');
  });
});
